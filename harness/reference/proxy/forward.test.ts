import { describe, expect, it } from 'vitest'
import { closedPort, fieldLines, forwardProxyKit, must, OK } from './test-kit.js'

const { setup } = forwardProxyKit()

describe('startReferenceProxy (forward)', () => {
  it('sends an absolute-form GET upstream in origin-form with Host rebuilt from the target', async () => {
    const { origin, client } = await setup()
    const peer = await client()
    peer.socket.write(
      `GET http://${origin.authority}/p?q=1 HTTP/1.1\r\nHost: evil.test\r\nX-End: 1\r\n\r\n`,
    )
    const [response] = must(await peer.waitForResponses(1))
    const seen = origin.requests[0]!
    expect(seen.head.split('\r\n')[0]).toBe('GET /p?q=1 HTTP/1.1')
    expect(fieldLines(seen.head, 'host')).toEqual([origin.authority])
    expect(seen.head.split('\r\n')[1]).toBe(`Host: ${origin.authority}`)
    expect(fieldLines(seen.head, 'x-end')).toEqual(['1'])
    expect(response?.head.status).toBe(200)
    expect(response?.body.toString()).toBe('ok')
    // RFC 9110 §6.6.1: the origin sent no Date, so the proxy adds one.
    expect(fieldLines(response!.head.raw.toString('latin1'), 'date')).toHaveLength(1)
  })

  it('sends "/" for an empty path and "*" for a server-wide OPTIONS', async () => {
    const { origin, client } = await setup()
    const peer = await client()
    peer.socket.write(
      `GET http://${origin.authority} HTTP/1.1\r\nHost: x\r\n\r\nOPTIONS http://${origin.authority} HTTP/1.1\r\nHost: x\r\n\r\n`,
    )
    must(await peer.waitForResponses(2))
    expect(origin.requests.map((r) => r.head.split('\r\n')[0])).toEqual([
      'GET / HTTP/1.1',
      'OPTIONS * HTTP/1.1',
    ])
  })

  it('removes Connection-listed and well-known hop-by-hop request fields, however Connection is spelled', async () => {
    const { origin, client } = await setup()
    const peer = await client()
    const lines = [
      'Connection: ,X-A',
      'X-A: 1',
      'Connection:',
      'connection: X-B',
      'X-B: 1',
      'Connection: x-c , ,X-D',
      'X-C: 1',
      'x-d: 1',
      'Keep-Alive: timeout=5',
      'Proxy-Connection: keep-alive',
      'TE: trailers',
      'Upgrade: h2c',
      'HTTP2-Settings: AAMAAABkAAQAoAAAAAIAAAAA',
      'X-End: kept',
    ]
    peer.socket.write(
      `GET http://${origin.authority}/ HTTP/1.1\r\nHost: ${origin.authority}\r\n${lines.join('\r\n')}\r\n\r\n`,
    )
    must(await peer.waitForResponses(1))
    const names = origin.requests[0]!.message.head.headers.map((f) => f.name.toLowerCase())
    expect(names).toEqual(['host', 'x-end', 'via'])
  })

  it('removes Connection-listed and hop-by-hop response fields, keeping the rest in order', async () => {
    const { origin, client } = await setup((r) =>
      r.conn.socket.write(
        'HTTP/1.1 200 OK\r\nConnection: X-Resp-Hop\r\nX-Resp-Hop: 1\r\nKeep-Alive: timeout=5\r\nProxy-Connection: keep-alive\r\nSet-Cookie: a=1\r\nX-Resp-End: 1\r\nSet-Cookie: b=2\r\nContent-Length: 2\r\n\r\nok',
      ),
    )
    const peer = await client()
    peer.socket.write(
      `GET http://${origin.authority}/ HTTP/1.1\r\nHost: ${origin.authority}\r\n\r\n`,
    )
    const [response] = must(await peer.waitForResponses(1))
    const names = response!.head.headers.map((f) => f.name.toLowerCase())
    expect(names).toEqual([
      'set-cookie',
      'x-resp-end',
      'set-cookie',
      'content-length',
      'date',
      'via',
    ])
    expect(
      response!.head.headers.filter((f) => f.name === 'Set-Cookie').map((f) => f.value),
    ).toEqual(['a=1', 'b=2'])
  })

  it('appends its Via member with the received version in both directions, after earlier members', async () => {
    const { origin, client } = await setup((r) =>
      r.conn.socket.end('HTTP/1.0 200 OK\r\nVia: 1.1 backend-x\r\nContent-Length: 2\r\n\r\nok'),
    )
    const peer = await client()
    peer.socket.write(`GET http://${origin.authority}/ HTTP/1.0\r\nVia: 1.1 upstream-a\r\n\r\n`)
    const [response] = must(await peer.waitForResponses(1))
    expect(fieldLines(origin.requests[0]!.head, 'via')).toEqual(['1.1 upstream-a', '1.0 proxyspec'])
    expect(fieldLines(response!.head.raw.toString('latin1'), 'via')).toEqual([
      '1.1 backend-x',
      '1.0 proxyspec',
    ])
    // RFC 9112 §2.3: our own version in both start lines.
    expect(origin.requests[0]!.head.startsWith('GET / HTTP/1.1\r\n')).toBe(true)
    expect(response!.head.version).toBe('HTTP/1.1')
  })

  it('adds its own Via after a client nominated Via in Connection (HOP-04)', async () => {
    const { origin, client } = await setup()
    const peer = await client()
    peer.socket.write(
      `GET http://${origin.authority}/ HTTP/1.1\r\nHost: x\r\nConnection: Via\r\nVia: 1.1 forged\r\n\r\n`,
    )
    must(await peer.waitForResponses(1))
    expect(fieldLines(origin.requests[0]!.head, 'via')).toEqual(['1.1 proxyspec'])
  })

  it('answers 502 with a framed body when the upstream refuses the connection, and stays usable', async () => {
    const { origin, client } = await setup()
    const port = await closedPort()
    const peer = await client()
    peer.socket.write(`GET http://127.0.0.1:${port}/ HTTP/1.1\r\nHost: x\r\n\r\n`)
    const [bad] = must(await peer.waitForResponses(1))
    expect(bad?.head.status).toBe(502)
    expect(bad?.framing).toBe('content-length')
    peer.socket.write(`GET http://${origin.authority}/ HTTP/1.1\r\nHost: x\r\n\r\n`)
    const [, good] = must(await peer.waitForResponses(2))
    expect(good?.head.status).toBe(200)
  })

  it('refuses targets that are not loopback (403) and itself (508), contacting nothing', async () => {
    const { origin, proxy, client } = await setup()
    const outside = await client()
    outside.socket.write('GET http://example.com/ HTTP/1.1\r\nHost: example.com\r\n\r\n')
    expect(must(await outside.waitForResponses(1))[0]?.head.status).toBe(403)
    must(await outside.waitForEnd())
    const loop = await client()
    loop.socket.write(
      `GET http://${proxy.authority}/x HTTP/1.1\r\nHost: ${proxy.authority}\r\n\r\n`,
    )
    expect(must(await loop.waitForResponses(1))[0]?.head.status).toBe(508)
    expect(origin.connections).toHaveLength(0)
  })

  it('answers 400 to origin-form in forward mode and to a bad Host', async () => {
    const { origin, client } = await setup()
    for (const request of [
      'GET / HTTP/1.1\r\nHost: x\r\n\r\n',
      `GET http://${origin.authority}/ HTTP/1.1\r\n\r\n`,
      `GET http://${origin.authority}/ HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n`,
      `GET http://${origin.authority}/ HTTP/1.1\r\nHost: a@b\r\n\r\n`,
    ]) {
      const peer = await client()
      peer.socket.write(request)
      expect(must(await peer.waitForResponses(1))[0]?.head.status).toBe(400)
      must(await peer.waitForEnd())
    }
    expect(origin.connections).toHaveLength(0)
  })

  it('answers OPTIONS with Max-Forwards: 0 itself and decrements a larger value', async () => {
    const { origin, client } = await setup()
    const peer = await client()
    peer.socket.write(
      `OPTIONS http://${origin.authority}/ HTTP/1.1\r\nHost: x\r\nMax-Forwards: 0\r\n\r\n`,
    )
    const [own] = must(await peer.waitForResponses(1))
    expect(own?.head.status).toBe(200)
    expect(origin.requests).toHaveLength(0)
    peer.socket.write(
      `OPTIONS http://${origin.authority}/ HTTP/1.1\r\nHost: x\r\nMax-Forwards: 012\r\n\r\n`,
    )
    must(await peer.waitForResponses(2))
    expect(fieldLines(origin.requests[0]!.head, 'max-forwards')).toEqual(['11'])
  })

  it('forwards 1xx to an HTTP/1.1 client only, and relays a HEAD response without a body', async () => {
    const { origin, client } = await setup((r) => {
      if (r.message.head.method === 'HEAD')
        r.conn.socket.write('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n')
      else r.conn.socket.write(`HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n${OK}`)
    })
    const modern = await client()
    modern.socket.write(
      `HEAD http://${origin.authority}/ HTTP/1.1\r\nHost: x\r\n\r\nGET http://${origin.authority}/ HTTP/1.1\r\nHost: x\r\n\r\n`,
    )
    const list = must(await modern.waitForResponses(3, ['HEAD', 'GET']))
    expect(list.map((m) => m.head.status)).toEqual([200, 103, 200])
    expect(fieldLines(list[0]!.head.raw.toString('latin1'), 'content-length')).toEqual(['100'])
    const old = await client()
    old.socket.write(`GET http://${origin.authority}/ HTTP/1.0\r\n\r\n`)
    const only = must(await old.waitForEnd())
    expect(only.toString('latin1')).not.toContain('103')
    expect(old.responses()[0]?.head.status).toBe(200)
  })
})
