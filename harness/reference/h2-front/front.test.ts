// The reference h2 front end to end: real sockets, the proxy's raw origin
// (bytes per connection) and the harness raw h2 client.
import { describe, expect, it } from 'vitest'
import { ERROR_CODE, SETTING } from '../../h2/constants.js'
import { openH2RawClient, type H2RawClient } from '../../h2/raw-client.js'
import { startReferenceProxy } from '../proxy/proxy-server.js'
import { getCertificateCorpus } from '../../tls/certificate-factory.js'
import { startTlsTerminator } from '../gateway/terminator.js'
import {
  connectPeer,
  fieldLines,
  must,
  OK,
  type SeenRequest,
  startRawOrigin,
} from '../proxy/test-kit.js'
import type { ReferenceProxyOptions } from '../proxy/types.js'
import { scopePerTest } from './test-kit.js'

const scope = scopePerTest()

async function setup(
  respond: (request: SeenRequest) => void = (r) => r.conn.socket.write(OK),
  options: Partial<ReferenceProxyOptions> = {},
) {
  const origin = scope().use(await startRawOrigin(respond))
  const proxy = scope().use(
    await startReferenceProxy({
      mode: 'reverse',
      upstream: { host: '127.0.0.1', port: origin.port },
      ...options,
    }),
  )
  const client = async (settings?: readonly (readonly [number, number])[]): Promise<H2RawClient> =>
    scope().use(
      await openH2RawClient({
        host: proxy.host,
        port: proxy.port,
        id: 'c1',
        ...(settings === undefined ? {} : { settings }),
      }),
    )
  return { origin, proxy, client }
}

describe('h2 front (reverse)', () => {
  it('sends SETTINGS first and turns a GET into one HTTP/1.1 request', async () => {
    const { origin, client } = await setup()
    const c = await client()
    const first = must(await c.waitForFrame(() => true))
    expect('frame' in first && first.frame.kind).toBe('SETTINGS')
    const id = await c.request({ path: '/a?x=1', authority: 'site.test' })
    const result = must(await c.waitForStreamEnd(id))
    expect(result.end).toBe('end-stream')
    expect(result.status).toBe('200')
    expect(result.data.toString()).toBe('ok')
    const seen = origin.requests[0]!
    expect(seen.head.split('\r\n')[0]).toBe('GET /a?x=1 HTTP/1.1')
    expect(fieldLines(seen.head, 'host')).toEqual(['site.test'])
    expect(fieldLines(seen.head, 'content-length')).toEqual([])
    expect(fieldLines(seen.head, 'transfer-encoding')).toEqual([])
  })
})

describe('h2 front: request bodies and modes', () => {
  it('POST without content-length goes chunked; with a matching one, Content-Length', async () => {
    const { origin, client } = await setup()
    const c = await client()
    const a = await c.request({
      method: 'POST',
      path: '/chunked',
      body: 'abcdefghi',
      dataChunks: 3,
    })
    expect(must(await c.waitForStreamEnd(a)).status).toBe('200')
    const b = await c.request({ method: 'POST', path: '/cl', body: 'hello', contentLength: 5 })
    expect(must(await c.waitForStreamEnd(b)).status).toBe('200')
    const byPath = (p: string) => origin.requests.find((r) => r.head.includes(` ${p} `))!
    const chunked = byPath('/chunked')
    expect(fieldLines(chunked.head, 'transfer-encoding')).toEqual(['chunked'])
    expect(fieldLines(chunked.head, 'content-length')).toEqual([])
    expect(chunked.message.body.toString()).toBe('abcdefghi')
    const cl = byPath('/cl')
    expect(fieldLines(cl.head, 'content-length')).toEqual(['5'])
    expect(fieldLines(cl.head, 'transfer-encoding')).toEqual([])
    expect(cl.message.body.toString()).toBe('hello')
  })

  it('joins cookie crumbs with "; " into one Cookie line', async () => {
    const { origin, client } = await setup()
    const c = await client()
    const id = await c.request({
      path: '/cookies',
      fields: [
        { name: 'cookie', value: 'a=1' },
        { name: 'x-mid', value: '1' },
        { name: 'cookie', value: 'b=2' },
      ],
    })
    must(await c.waitForStreamEnd(id))
    expect(fieldLines(origin.requests[0]!.head, 'cookie')).toEqual(['a=1; b=2'])
  })

  it('forward mode: :scheme and :authority become an absolute-form request', async () => {
    const origin = scope().use(await startRawOrigin((r) => r.conn.socket.write(OK)))
    const proxy = scope().use(await startReferenceProxy({ mode: 'forward' }))
    const c = scope().use(await openH2RawClient({ host: proxy.host, port: proxy.port, id: 'c1' }))
    const id = await c.request({ scheme: 'http', authority: origin.authority, path: '/fw?q=1' })
    const result = must(await c.waitForStreamEnd(id))
    expect(result.status).toBe('200')
    expect(result.data.toString()).toBe('ok')
    const post = await c.request({
      method: 'POST',
      scheme: 'http',
      authority: origin.authority,
      path: '/fwp',
      body: 'xy',
      contentLength: 2,
    })
    expect(must(await c.waitForStreamEnd(post)).status).toBe('200')
    const seen = origin.requests[0]!
    expect(seen.head.split('\r\n')[0]).toBe('GET /fw?q=1 HTTP/1.1')
    expect(fieldLines(seen.head, 'host')).toEqual([origin.authority])
    expect(origin.requests[1]!.message.body.toString()).toBe('xy')
  })

  it('behind the TLS terminator: ALPN h2, GET and POST', async () => {
    const origin = scope().use(await startRawOrigin((r) => r.conn.socket.write(OK)))
    const corpus = await getCertificateCorpus()
    const leaf = corpus.leaf('valid')
    const gateway = scope().use(
      await startTlsTerminator({
        upstream: { host: '127.0.0.1', port: origin.port },
        cert: leaf.cert,
        key: leaf.key,
      }),
    )
    const c = scope().use(
      await openH2RawClient({
        host: gateway.host,
        port: gateway.port,
        id: 'c1',
        tls: { ca: corpus.ca.cert, servername: 'localhost', ALPNProtocols: ['h2', 'http/1.1'] },
      }),
    )
    expect(c.alpnProtocol).toBe('h2')
    const get = await c.request({ path: '/tls-get', authority: 'site.test' })
    expect(must(await c.waitForStreamEnd(get)).status).toBe('200')
    const post = await c.request({
      method: 'POST',
      path: '/tls-post',
      authority: 'site.test',
      body: 'abc',
      contentLength: 3,
    })
    expect(must(await c.waitForStreamEnd(post)).data.toString()).toBe('ok')
    expect(origin.requests.map((r) => r.head.split('\r\n')[0])).toEqual([
      'GET /tls-get HTTP/1.1',
      'POST /tls-post HTTP/1.1',
    ])
    expect(origin.requests[1]!.message.body.toString()).toBe('abc')
  })
})

describe('h2 front: malformed requests are refused and never forwarded', () => {
  const cases: [string, Parameters<H2RawClient['request']>[0]][] = [
    ['an uppercase name', { fields: [{ name: 'X-Upper', value: '1' }] }],
    ['an empty name', { fields: [{ name: '', value: '1' }] }],
    ['a colon in a regular name', { fields: [{ name: 'x:y', value: '1' }] }],
    ['CR LF in a value', { fields: [{ name: 'x-a', value: 'b\r\nx-injected: 1' }] }],
    ['a NUL in a value', { fields: [{ name: 'x-a', value: 'b\x00c' }] }],
    ['a leading space in a value', { fields: [{ name: 'x-a', value: ' v' }] }],
    ['a trailing tab in a value', { fields: [{ name: 'x-a', value: 'v\t' }] }],
    [
      'transfer-encoding',
      {
        method: 'POST',
        fields: [{ name: 'transfer-encoding', value: 'chunked' }],
        body: '0\r\n\r\n',
      },
    ],
    ['connection', { fields: [{ name: 'connection', value: 'close' }] }],
    ['upgrade', { fields: [{ name: 'upgrade', value: 'websocket' }] }],
    ['te: gzip', { fields: [{ name: 'te', value: 'gzip' }] }],
    [
      'content-length over the DATA',
      { method: 'POST', contentLength: 0, body: 'GET /smug HTTP/1.1\r\nHost: o\r\n\r\n' },
    ],
    ['content-length under the DATA', { method: 'POST', contentLength: 200, body: '0123456789' }],
    ['content-length on a bodiless stream', { method: 'POST', contentLength: 5 }],
    [
      'two different content-length values',
      {
        method: 'POST',
        fields: [
          { name: 'content-length', value: '5' },
          { name: 'content-length', value: '6' },
        ],
        body: 'abcde',
      },
    ],
    [
      'a pseudo-header after a regular field',
      {
        pseudo: [
          { name: ':method', value: 'GET' },
          { name: ':scheme', value: 'http' },
          { name: 'x-a', value: '1' },
          { name: ':path', value: '/x' },
        ],
      },
    ],
    [
      'an unknown pseudo-header',
      {
        pseudo: [
          { name: ':method', value: 'GET' },
          { name: ':scheme', value: 'http' },
          { name: ':path', value: '/' },
          { name: ':foo', value: '1' },
        ],
      },
    ],
    [
      'a repeated :path',
      {
        pseudo: [
          { name: ':method', value: 'GET' },
          { name: ':scheme', value: 'http' },
          { name: ':path', value: '/public' },
          { name: ':path', value: '/admin' },
        ],
      },
    ],
    [
      'no :scheme',
      {
        pseudo: [
          { name: ':method', value: 'GET' },
          { name: ':path', value: '/' },
        ],
      },
    ],
    ['a :path without a slash', { path: 'admin' }],
    ['a :path with SP', { path: '/a b' }],
    ['a :path with #', { path: '/x#f' }],
    ['a :method with SP', { method: 'GET /x' }],
    ['userinfo in :authority', { authority: 'evil@o.test' }],
    ['a slash in :authority', { authority: 'o.test/admin' }],
    ['a bad port in :authority', { authority: 'o.test:80x' }],
    ['a bad :scheme', { scheme: 'http://evil/' }],
    [
      'a host naming another entity',
      { authority: 'a.test', fields: [{ name: 'host', value: 'b.test' }] },
    ],
    [
      'pseudo-headers in trailers',
      { method: 'POST', body: 'x', trailers: [{ name: ':path', value: '/admin' }] },
    ],
    [
      'a :protocol on a GET',
      {
        pseudo: [
          { name: ':method', value: 'GET' },
          { name: ':protocol', value: 'websocket' },
          { name: ':scheme', value: 'http' },
          { name: ':path', value: '/' },
        ],
      },
    ],
  ]
  it.each(cases)(
    '%s: 400 and RST_STREAM(PROTOCOL_ERROR), the origin sees nothing',
    async (_what, spec) => {
      const { origin, client } = await setup()
      const c = await client()
      const bad = await c.request(spec)
      const result = must(await c.waitForStreamEnd(bad))
      expect(result.end).toBe('reset')
      expect(result.rstCode).toBe(ERROR_CODE.PROTOCOL_ERROR)
      // Another stream on the same connection still works, and is the only request the origin saw.
      const after = await c.request({ path: '/after' })
      expect(must(await c.waitForStreamEnd(after)).status).toBe('200')
      expect(origin.requests.map((r) => r.head.split('\r\n')[0])).toEqual(['GET /after HTTP/1.1'])
    },
  )

  it('a second HEADERS without END_STREAM is malformed', async () => {
    const { origin, client } = await setup()
    const c = await client()
    const id = await c.request({ method: 'POST', path: '/late', endStream: false })
    await c.connection.sendData(id, 'abc')
    await c.connection.sendHeaders(id, [{ name: 'x-late', value: '1' }], { endStream: false })
    const result = must(await c.waitForStreamEnd(id))
    expect(result.rstCode).toBe(ERROR_CODE.PROTOCOL_ERROR)
    const after = await c.request({ path: '/after' })
    must(await c.waitForStreamEnd(after))
    expect(origin.requests.map((r) => r.head.split('\r\n')[0])).toEqual(['GET /after HTTP/1.1'])
  })

  it('an invalid preface is a connection error: GOAWAY, close, nothing forwarded', async () => {
    const { origin, proxy } = await setup()
    const c = scope().use(
      await openH2RawClient({ host: proxy.host, port: proxy.port, id: 'c1', preface: false }),
    )
    await c.connection.writeBytes(Buffer.from('PRI * HTTP/2.0\r\n\r\nXX\r\n\r\n', 'latin1'))
    must(await c.waitForClose())
    expect(origin.connections).toHaveLength(0)
  })

  it('an HTTP/1.1 request on the same port is still served as HTTP/1.1', async () => {
    const { origin, proxy } = await setup()
    const peer = await connectPeer(proxy.port)
    scope().defer(() => {
      peer.socket.destroy()
    })
    peer.socket.write('GET /h1 HTTP/1.1\r\nHost: site.test\r\n\r\n')
    const [response] = must(await peer.waitForResponses(1))
    expect(response?.head.status).toBe(200)
    expect(origin.requests[0]!.head.split('\r\n')[0]).toBe('GET /h1 HTTP/1.1')
  })
})

describe('h2 front: responses, flow control, resets', () => {
  it('strips connection-specific response fields and relays chunked trailers as trailing HEADERS', async () => {
    const { client } = await setup((r) =>
      r.conn.socket.write(
        'HTTP/1.1 200 OK\r\nConnection: keep-alive, X-Hop\r\nX-Hop: 1\r\nKeep-Alive: timeout=5\r\nX-Mixed-Case: 1\r\nTransfer-Encoding: chunked\r\nTrailer: grpc-status\r\n\r\n2\r\nok\r\n0\r\ngrpc-status: 0\r\n\r\n',
      ),
    )
    const c = await client()
    const result = must(await c.waitForStreamEnd(await c.request({ path: '/t' })))
    expect(result.end).toBe('end-stream')
    expect(result.data.toString()).toBe('ok')
    const names = result.blocks[0]!.fields.map((f) => f.name)
    for (const name of ['connection', 'x-hop', 'keep-alive', 'transfer-encoding'])
      expect(names).not.toContain(name)
    expect(names).toContain('x-mixed-case')
    expect(result.blocks.at(-1)!.fields).toEqual([
      expect.objectContaining({ name: 'grpc-status', value: '0' }),
    ])
  })

  it('a truncated response ends in RST_STREAM(INTERNAL_ERROR), a close-delimited one in END_STREAM', async () => {
    const { client } = await setup((r) => {
      if (r.head.includes('/cut'))
        r.conn.socket.end('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789')
      else r.conn.socket.end('HTTP/1.1 200 OK\r\n\r\nclose-delimited')
    })
    const c = await client()
    const cut = must(await c.waitForStreamEnd(await c.request({ path: '/cut' })))
    expect(cut.data.toString()).toBe('0123456789')
    expect(cut.end).toBe('reset')
    expect(cut.rstCode).toBe(ERROR_CODE.INTERNAL_ERROR)
    const whole = must(await c.waitForStreamEnd(await c.request({ path: '/whole' })))
    expect(whole.end).toBe('end-stream')
    expect(whole.data.toString()).toBe('close-delimited')
  })

  it('HEAD, 204 and 304 end on their HEADERS', async () => {
    const { client } = await setup((r) => {
      if (r.head.startsWith('HEAD'))
        r.conn.socket.write('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n')
      else if (r.head.includes('/204')) r.conn.socket.write('HTTP/1.1 204 No Content\r\n\r\n')
      else r.conn.socket.write('HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n')
    })
    const c = await client()
    for (const spec of [{ method: 'HEAD', path: '/h' }, { path: '/204' }, { path: '/304' }]) {
      const result = must(await c.waitForStreamEnd(await c.request(spec)))
      expect(result.end).toBe('end-stream')
      expect(result.data.length).toBe(0)
    }
  })

  it('never sends more DATA than the stream window; another stream still completes', async () => {
    const big = Buffer.alloc(200_000, 0x61)
    const { client } = await setup((r) => {
      if (r.head.includes('/big'))
        r.conn.socket.write(
          Buffer.concat([
            Buffer.from(`HTTP/1.1 200 OK\r\nContent-Length: ${big.length}\r\n\r\n`),
            big,
          ]),
        )
      else r.conn.socket.write(OK)
    })
    const c = await client([[SETTING.INITIAL_WINDOW_SIZE, 1000]])
    const bigId = await c.request({ path: '/big' })
    must(await c.waitForFrame((r) => r.frame.kind === 'DATA' && r.frame.header.streamId === bigId))
    const small = must(await c.waitForStreamEnd(await c.request({ path: '/small' })))
    expect(small.data.toString()).toBe('ok')
    const received = () =>
      c.records
        .filter(
          (r) =>
            r.dir === 'received' && r.frame.kind === 'DATA' && r.frame.header.streamId === bigId,
        )
        .reduce((n, r) => n + r.frame.header.length, 0)
    expect(received()).toBe(1000)
    await c.connection.sendWindowUpdate(bigId, 500)
    must(await c.waitForFrame(() => received() >= 1500))
    // A PING is still answered while the stream is blocked.
    await c.connection.sendPing(Buffer.from('01234567'))
    must(await c.waitForFrame((r) => r.frame.kind === 'PING' && r.frame.ack))
    expect(received()).toBe(1500)
  })

  it('a client RST_STREAM resets the internal connection, and the proxy drops the upstream one', async () => {
    const { origin, client } = await setup((r) =>
      r.conn.socket.write('HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\n\r\nfirst'),
    )
    const c = await client()
    const id = await c.request({ path: '/slow' })
    must(await c.waitForFrame((r) => r.frame.kind === 'DATA' && r.frame.header.streamId === id))
    await c.connection.sendRst(id, ERROR_CODE.CANCEL)
    must(
      await origin.waitFor('the upstream connection to close', () =>
        origin.connections[0]?.closed === true || origin.connections[0]?.peerEnded === true
          ? true
          : undefined,
      ),
    )
  })

  it('refuses streams beyond MAX_CONCURRENT_STREAMS with REFUSED_STREAM', async () => {
    const { origin, client } = await setup(() => undefined)
    const c = await client()
    const ids: number[] = []
    for (let i = 0; i < 101; i++) ids.push(await c.request({ path: `/hold-${i}` }))
    const last = must(await c.waitForStreamEnd(ids.at(-1)!))
    expect(last.rstCode).toBe(ERROR_CODE.REFUSED_STREAM)
    must(
      await origin.waitFor(
        '100 requests',
        () => (origin.requests.length >= 100 ? true : undefined),
        5000,
      ),
    )
    expect(origin.requests.some((r) => r.head.includes('/hold-100 '))).toBe(false)
  })
})

describe('h2 front: stopping', () => {
  it('a graceful stop sends GOAWAY with the last stream and lets it finish', async () => {
    let answer: (() => void) | undefined
    const { origin, proxy, client } = await setup((r) => {
      answer = () => r.conn.socket.write(OK)
    })
    const c = await client()
    const id = await c.request({ path: '/in-flight' })
    must(await origin.waitFor('the request', () => (origin.requests.length > 0 ? true : undefined)))
    const stopped = proxy.stopGracefully(2000)
    const goaway = must(await c.waitForGoaway())
    expect('frame' in goaway && goaway.frame.kind === 'GOAWAY' && goaway.frame.lastStreamId).toBe(
      id,
    )
    answer?.()
    const result = must(await c.waitForStreamEnd(id))
    expect(result.status).toBe('200')
    await stopped
  })
})
