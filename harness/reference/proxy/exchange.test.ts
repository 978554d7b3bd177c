import { describe, expect, it } from 'vitest'
import { fieldLines, forwardProxyKit, must } from './test-kit.js'

const { setup } = forwardProxyKit()

describe('startReferenceProxy (exchanges)', () => {
  it('never serves bytes that follow a complete upstream response, and drops that connection', async () => {
    const { origin, client } = await setup((r) =>
      r.conn.socket.write(
        r.conn.id === 1
          ? 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nHELLOHTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nEVIL'
          : 'HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nGOOD',
      ),
    )
    const peer = await client()
    peer.socket.write(`GET http://${origin.authority}/1 HTTP/1.1\r\nHost: x\r\n\r\n`)
    must(await peer.waitForResponses(1))
    peer.socket.write(`GET http://${origin.authority}/2 HTTP/1.1\r\nHost: x\r\n\r\n`)
    const [first, second] = must(await peer.waitForResponses(2))
    expect(first?.body.toString()).toBe('HELLO')
    expect(second?.body.toString()).toBe('GOOD')
    expect(origin.requests.map((r) => r.conn.id)).toEqual([1, 2])
  })

  it('forwards the head of an Expect: 100-continue request at once and relays the 100', async () => {
    const { origin, client } = await setup((r) =>
      r.conn.socket.write('HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n'),
    )
    const peer = await client()
    peer.socket.write(
      `PUT http://${origin.authority}/up HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n`,
    )
    const conn = must(
      await origin.waitFor('the head at the origin', () =>
        origin.connections[0]?.received.includes('\r\n\r\n') === true
          ? origin.connections[0]
          : undefined,
      ),
    )
    conn.socket.write('HTTP/1.1 100 Continue\r\n\r\n')
    const [interim] = must(await peer.waitForResponses(1))
    expect(interim?.head.status).toBe(100)
    peer.socket.write('hello')
    const [, final] = must(await peer.waitForResponses(2))
    expect(final?.head.status).toBe(201)
    expect(origin.requests[0]?.message.body.toString()).toBe('hello')
  })

  it('delivers the whole response before closing after a close request, even with junk unread', async () => {
    const body = Buffer.alloc(2 * 1024 * 1024, 'x')
    const { origin, client } = await setup((r) => {
      r.conn.socket.write(`HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n`)
      r.conn.socket.write(body)
    })
    const peer = await client()
    peer.socket.write(
      `GET http://${origin.authority}/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`,
    )
    must(await peer.waitForBytes(1))
    // Junk while the response is still flowing: closing with it unread would reset the connection (KA-13).
    peer.socket.write('junk'.repeat(64 * 1024))
    must(await peer.waitForEnd(5000))
    peer.socket.end()
    must(await peer.waitForClose())
    expect(peer.error).toBeUndefined()
    expect(peer.responses()[0]?.body.equals(body)).toBe(true)
  })

  it('answers 411 rather than send a chunked request to an upstream that spoke HTTP/1.0', async () => {
    const { origin, client } = await setup((r) =>
      r.conn.socket.end('HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok'),
    )
    const peer = await client()
    peer.socket.write(`GET http://${origin.authority}/ HTTP/1.1\r\nHost: x\r\n\r\n`)
    must(await peer.waitForResponses(1))
    peer.socket.write(
      `POST http://${origin.authority}/ HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\n\r\n`,
    )
    must(await peer.waitForEnd())
    expect(peer.responses().map((m) => m.head.status)).toEqual([200, 411])
    expect(origin.requests).toHaveLength(1)
  })

  it('forwards trailers of a chunked response as trailers, never in the header section', async () => {
    const { origin, client } = await setup((r) =>
      r.conn.socket.write(
        'HTTP/1.1 200 OK\r\nTrailer: X-Sum\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\nX-Sum: abc\r\nContent-Length: 0\r\n\r\n',
      ),
    )
    const peer = await client()
    peer.socket.write(`GET http://${origin.authority}/ HTTP/1.1\r\nHost: x\r\nTE: trailers\r\n\r\n`)
    const [response] = must(await peer.waitForResponses(1))
    expect(response?.body.toString()).toBe('abc')
    expect(response?.trailers.map((f) => f.name)).toEqual(['X-Sum'])
    expect(fieldLines(response!.head.raw.toString('latin1'), 'content-length')).toEqual([])
    expect(fieldLines(response!.head.raw.toString('latin1'), 'x-sum')).toEqual([])
  })
})
