import { describe, expect, it } from 'vitest'
import { isTimeout } from '../../net/deadline.js'
import { fieldLines, forwardProxyKit, must, OK } from './test-kit.js'

const { setup } = forwardProxyKit()

describe('startReferenceProxy (persistence)', () => {
  it('keeps an HTTP/1.1 client connection open and reuses one upstream connection', async () => {
    const { origin, client, get } = await setup((r) => r.conn.socket.write(OK))
    const peer = await client()
    peer.socket.write(get('/1'))
    must(await peer.waitForResponses(1))
    peer.socket.write(get('/2'))
    const responses = must(await peer.waitForResponses(2))
    expect(responses.map((m) => m.head.status)).toEqual([200, 200])
    expect(
      responses.every(
        (m) => !fieldLines(m.head.raw.toString('latin1'), 'connection').includes('close'),
      ),
    ).toBe(true)
    expect(origin.connections).toHaveLength(1)
    expect(origin.requests.map((r) => r.seq)).toEqual([1, 2])
    expect(peer.ended).toBe(false)
  })

  it('never forwards the client close, answers with close, then EOF; a pipelined request never reaches the origin', async () => {
    const { origin, client, get } = await setup((r) => r.conn.socket.write(OK))
    const peer = await client()
    peer.socket.write(get('/one', 'Connection: close\r\n') + get('/two'))
    const all = must(await peer.waitForEnd())
    const responses = peer.responses()
    expect(responses).toHaveLength(1)
    expect(fieldLines(responses[0]!.head.raw.toString('latin1'), 'connection')).toEqual(['close'])
    expect(all.toString('latin1').match(/HTTP\/1\.1 /g)).toHaveLength(1)
    expect(origin.requests.map((r) => r.message.head.target)).toEqual(['/one'])
    expect(fieldLines(origin.requests[0]!.head, 'connection')).toEqual([])
  })

  it('closes an HTTP/1.0 client connection after the response and de-chunks a chunked body for it', async () => {
    const { origin, client, get } = await setup((r) =>
      r.conn.socket.write(
        'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n',
      ),
    )
    const peer = await client()
    peer.socket.write(get('/', 'Connection: keep-alive\r\nKeep-Alive: 300\r\n', 'HTTP/1.0'))
    must(await peer.waitForEnd())
    const [response] = peer.responses()
    const head = response!.head.raw.toString('latin1')
    expect(response?.framing).toBe('close-delimited')
    expect(response?.body.toString()).toBe('hello world')
    expect(fieldLines(head, 'transfer-encoding')).toEqual([])
    expect(fieldLines(head, 'connection')).toEqual(['close'])
    expect(head).not.toMatch(/keep-alive/i)
    // Neither keep-alive token went upstream (KA-06).
    expect(fieldLines(origin.requests[0]!.head, 'connection')).toEqual([])
    expect(fieldLines(origin.requests[0]!.head, 'keep-alive')).toEqual([])
  })

  it('re-chunks a close-delimited upstream body for an HTTP/1.1 client and keeps the connection usable', async () => {
    const { origin, client, get } = await setup((r) => {
      if (r.message.head.target === '/eof')
        r.conn.socket.end('HTTP/1.1 200 OK\r\n\r\nuntil the end')
      else r.conn.socket.write(OK)
    })
    const peer = await client()
    peer.socket.write(get('/eof'))
    const [first] = must(await peer.waitForResponses(1))
    expect(first?.framing).toBe('chunked')
    expect(first?.body.toString()).toBe('until the end')
    peer.socket.write(get('/next'))
    const [, second] = must(await peer.waitForResponses(2))
    expect(second?.body.toString()).toBe('ok')
    // A close-delimited exchange is never reused upstream (KA-04).
    expect(origin.connections).toHaveLength(2)
  })

  it('opens a new upstream connection after an upstream close, even if the origin leaves its socket open', async () => {
    const { origin, client, get } = await setup((r) =>
      r.conn.socket.write('HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok'),
    )
    const peer = await client()
    peer.socket.write(get('/1'))
    must(await peer.waitForResponses(1))
    peer.socket.write(get('/2'))
    must(await peer.waitForResponses(2))
    expect(origin.requests.map((r) => [r.conn.id, r.seq])).toEqual([
      [1, 1],
      [2, 1],
    ])
  })

  it('does not complete an upstream response cut short: the client sees the partial body, then EOF', async () => {
    const { client, get } = await setup((r) =>
      r.conn.socket.end(`HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n${'x'.repeat(500)}`),
    )
    const peer = await client()
    peer.socket.write(get('/'))
    const all = must(await peer.waitForEnd())
    const [response] = peer.responses()
    expect(response?.complete).toBe(false)
    expect(all.toString('latin1').endsWith('x'.repeat(500))).toBe(true)
  })

  it('never retries a POST after a reused upstream connection resets, but retries a GET once', async () => {
    const { origin, client, get } = await setup((r) => {
      // The first request on a connection is answered; a second one is met with RST (the stale keep-alive race).
      if (r.seq === 1) r.conn.socket.write(OK)
      else r.conn.socket.resetAndDestroy()
    })
    const peer = await client()
    peer.socket.write(get('/warm'))
    must(await peer.waitForResponses(1))
    peer.socket.write(
      `POST http://${origin.authority}/post HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nbody`,
    )
    const [, failed] = must(await peer.waitForResponses(2))
    expect(failed?.head.status).toBe(502)
    // It may have been processed: the pipeline ends there (RFC 9112 §9.3.2).
    must(await peer.waitForEnd())
    expect(origin.requests.filter((r) => r.message.head.method === 'POST')).toHaveLength(1)

    const again = await client()
    again.socket.write(get('/warm-2'))
    must(await again.waitForResponses(1))
    again.socket.write(get('/retried'))
    const [, retried] = must(await again.waitForResponses(2))
    expect(retried?.head.status).toBe(200)
    const tries = origin.requests.filter((r) => r.message.head.target === '/retried')
    expect(tries.map((r) => r.seq)).toEqual([2, 1])
  })

  it('closes an idle client connection with FIN after idleTimeoutMs', async () => {
    const { client } = await setup((r) => r.conn.socket.write(OK), { idleTimeoutMs: 150 })
    const peer = await client()
    const ended = await peer.waitForEnd(3000)
    expect(isTimeout(ended)).toBe(false)
    // Our side ends too, and the connection closes without a reset.
    peer.socket.end()
    must(await peer.waitForClose(3000))
    expect(peer.error).toBeUndefined()
  })
})
