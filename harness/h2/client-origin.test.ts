import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isTimeout } from '../net/deadline.js'
import { disposeCertificateCorpus, getCertificateCorpus } from '../tls/certificate-factory.js'
import type { CertificateCorpus } from '../tls/types.js'
import { ERROR_CODE } from './constants.js'
import type { FieldSpec } from './hpack-encoder.js'
import { startH2Origin } from './origin.js'
import { openH2RawClient } from './raw-client.js'
import type { StreamResult } from './records.js'
import { pairsOf } from './records.js'

const WAIT = { timeoutMs: 5_000 }

function ended<T>(result: T): Exclude<T, { kind: 'timeout' } | { kind: 'closed' }> {
  if (isTimeout(result)) throw new Error(`timed out waiting for ${result.waitingFor}`)
  if (
    typeof result === 'object' &&
    result !== null &&
    (result as { kind?: unknown }).kind === 'closed'
  ) {
    throw new Error('connection closed')
  }
  return result as Exclude<T, { kind: 'timeout' } | { kind: 'closed' }>
}

describe('raw h2 client ↔ node:http2 origin (lib mode)', () => {
  let corpus: CertificateCorpus
  beforeAll(async () => {
    corpus = await getCertificateCorpus()
  }, 60_000)
  afterAll(() => disposeCertificateCorpus())

  it('over TLS with ALPN h2: a GET and a POST with a body arrive byte-exact, and the answers come back decoded', async () => {
    const leaf = corpus.leaf('valid')
    await using origin = await startH2Origin({
      tls: { cert: leaf.cert, key: leaf.key },
      respond: (r) =>
        r.method === 'POST'
          ? {
              status: 201,
              headers: { 'x-len': String(r.body.length) },
              body: r.body,
              trailers: { 'x-t': 'done' },
            }
          : { body: 'ok' },
    })
    await using client = await openH2RawClient({
      host: '127.0.0.1',
      port: origin.port,
      id: 'c1',
      tls: { ca: corpus.ca.cert, servername: 'localhost' },
      timeoutMs: 5_000,
    })
    expect(client.alpnProtocol).toBe('h2')

    const get = await client.request({ path: '/get-tok1', authority: 'localhost' })
    const got = ended(await client.waitForStreamEnd(get, WAIT))
    expect(got).toMatchObject({ end: 'end-stream', status: '200' })
    expect(got.data.toString()).toBe('ok')
    const atOrigin = ended(await origin.waitForRequest((r) => r.path === '/get-tok1', WAIT))
    expect(atOrigin.rawHeaders).toEqual([
      [':method', 'GET'],
      [':scheme', 'https'],
      [':authority', 'localhost'],
      [':path', '/get-tok1'],
    ])

    const body = Buffer.from('hello\r\n\0world')
    const post = await client.request({
      method: 'POST',
      path: '/post-tok1',
      authority: 'localhost',
      fields: [{ name: 'content-type', value: 'application/octet-stream' }],
      contentLength: body.length,
      body,
      dataChunks: [3, 3],
    })
    const posted = ended(await client.waitForStreamEnd(post, WAIT))
    const received = ended(await origin.waitForRequest((r) => r.path === '/post-tok1', WAIT))
    expect(received.body.equals(body)).toBe(true)
    expect(received.rawHeaders.slice(4)).toEqual([
      ['content-type', 'application/octet-stream'],
      ['content-length', String(body.length)],
    ])
    // Three DATA frames went out (3, 3, the rest), the last with END_STREAM.
    const sentData = client.records.filter((r) => r.dir === 'sent' && r.frame.kind === 'DATA')
    expect(sentData.map((r) => r.frame.header.length)).toEqual([3, 3, body.length - 6])
    expect(posted.status).toBe('201')
    expect(posted.data.equals(body)).toBe(true)
    expect(posted.blocks).toHaveLength(2)
    expect(pairsOf(posted.blocks[1]?.fields ?? [])).toEqual([['x-t', 'done']])
    const transcript = client.transcript()
    expect(transcript).toContain('→ HEADERS stream=3 flags=END_HEADERS (0x04)')
    expect(transcript).toMatch(/← HEADERS stream=3 .*\n\s+":status": "201"/)
  })

  it('cleartext prior knowledge: node:http2 decodes every valid representation as our decoder does', async () => {
    await using origin = await startH2Origin()
    await using client = await openH2RawClient({
      host: '127.0.0.1',
      port: origin.port,
      id: 'c2',
      timeoutMs: 5_000,
    })
    const printable = `a${Array.from({ length: 0x7f - 0x20 }, (_, i) => String.fromCharCode(0x20 + i)).join('')}z`
    const first: FieldSpec[] = [
      { name: 'x-a', value: '1', as: { kind: 'literal', indexing: 'without' } },
      {
        name: 'x-b',
        value: 'two',
        as: { kind: 'literal', indexing: 'incremental', huffman: true },
      },
      {
        name: 'x-c',
        value: 'three',
        as: { kind: 'literal', indexing: 'never', huffman: { value: true } },
      },
      { name: 'user-agent', value: 'ua', as: { kind: 'literal', name: 'indexed' } },
      {
        name: 'cookie',
        value: 'a=b',
        as: { kind: 'literal', name: 'indexed', indexing: 'incremental', huffman: true },
      },
      { name: 'accept-encoding', value: 'gzip, deflate', as: { kind: 'indexed' } },
      { name: 'x-printable', value: printable, as: { kind: 'literal', huffman: true } },
    ]
    const second: FieldSpec[] = [
      { name: 'x-b', value: 'two', as: { kind: 'indexed' } },
      { name: 'cookie', value: 'a=b', as: { kind: 'indexed' } },
      {
        name: 'x-d',
        value: 'four',
        as: { kind: 'literal', name: 'literal', huffman: { name: true } },
      },
    ]
    const one = await client.request({ path: '/rep-1', fields: first })
    const two = await client.request({ path: '/rep-2', fields: second })
    ended(await client.waitForStreamEnd(one, WAIT))
    ended(await client.waitForStreamEnd(two, WAIT))
    const expectFields = (path: string, fields: FieldSpec[]): void => {
      const r = origin.requests.find((x) => x.path === path)
      expect(r?.rawHeaders.slice(4)).toEqual(fields.map((f) => [f.name, f.value]))
    }
    expectFields('/rep-1', first)
    expectFields('/rep-2', second)
    // The dynamic-table references were real: the second block is short.
    const blocks = client.records.filter((r) => r.dir === 'sent' && r.block !== undefined)
    expect(blocks[1]?.block?.fields.slice(4).map((f) => [f.rep, f.index])).toEqual([
      ['indexed', 63],
      ['indexed', 62],
      ['without', undefined],
    ])
  })

  it('scripted answers: 103 before the head, trailers, RST_STREAM codes, GOAWAY', async () => {
    await using origin = await startH2Origin({
      respond: (r) => {
        if (r.path === '/rst') return { rstCode: ERROR_CODE.REFUSED_STREAM }
        if (r.path === '/info') {
          return {
            informational: [{ ':status': 103, link: '</a.css>; rel=preload' }],
            body: 'x',
            trailers: { 'grpc-status': '0' },
          }
        }
        return { body: 'bye', goaway: { errorCode: ERROR_CODE.NO_ERROR } }
      },
    })
    await using client = await openH2RawClient({
      host: '127.0.0.1',
      port: origin.port,
      id: 'c3',
      timeoutMs: 5_000,
    })
    const rst = ended(await client.waitForStreamEnd(await client.request({ path: '/rst' }), WAIT))
    expect(rst).toMatchObject({ end: 'reset', rstCode: ERROR_CODE.REFUSED_STREAM })
    const info: StreamResult = ended(
      await client.waitForStreamEnd(await client.request({ path: '/info' }), WAIT),
    )
    expect(info.blocks.map((b) => b.fields[0]?.value)).toEqual(['103', '200', '0'])
    expect(info.status).toBe('200')
    await client.request({ path: '/bye' })
    const goaway = ended(await client.waitForGoaway(WAIT))
    expect(goaway.frame).toMatchObject({ kind: 'GOAWAY', errorCode: ERROR_CODE.NO_ERROR })
  })

  it('advertises RFC 8441 extended CONNECT and tunnels a CONNECT stream', async () => {
    await using origin = await startH2Origin({
      enableConnectProtocol: true,
      respond: () => ({ tunnel: 'echo' }),
    })
    await using client = await openH2RawClient({
      host: '127.0.0.1',
      port: origin.port,
      id: 'c4',
      timeoutMs: 5_000,
    })
    const settings = ended(await client.connection.waitForSettings(WAIT))
    expect(settings.frame).toMatchObject({
      kind: 'SETTINGS',
      settings: expect.arrayContaining([[8, 1]]) as unknown,
    })
    const id = await client.request({
      method: 'CONNECT',
      pseudo: [
        { name: ':method', value: 'CONNECT' },
        { name: ':protocol', value: 'websocket' },
        { name: ':scheme', value: 'http' },
        { name: ':path', value: '/chat' },
        { name: ':authority', value: 'localhost' },
      ],
      endStream: false,
    })
    const head = ended(await client.waitForFrame((r) => r.block?.streamId === id, WAIT))
    expect(head.block?.fields[0]).toMatchObject({ name: ':status', value: '200' })
    await client.connection.sendData(id, 'ping')
    const echoed = ended(
      await client.waitForFrame(
        (r) => r.frame.kind === 'DATA' && r.frame.header.streamId === id,
        WAIT,
      ),
    )
    expect(echoed.frame.kind === 'DATA' && echoed.frame.data.toString()).toBe('ping')
  })
})
