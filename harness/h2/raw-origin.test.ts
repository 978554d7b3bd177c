import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isTimeout } from '../net/deadline.js'
import { disposeCertificateCorpus, getCertificateCorpus } from '../tls/certificate-factory.js'
import type { CertificateCorpus } from '../tls/types.js'
import { SETTING } from './constants.js'
import type { FieldRepresentation, FieldSpec } from './hpack-encoder.js'
import { startH2Origin, startH2RawOrigin } from './origin.js'
import { openH2RawClient } from './raw-client.js'

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

/** Each representation a prohibited field must be tried in (catalog §11.1, E). */
const REPRESENTATIONS: readonly [label: string, as: FieldRepresentation][] = [
  ['literal without indexing', { kind: 'literal', indexing: 'without' }],
  ['literal never indexed', { kind: 'literal', indexing: 'never' }],
  ['literal, Huffman name and value', { kind: 'literal', huffman: true }],
  ['literal, Huffman value', { kind: 'literal', huffman: { value: true } }],
  ['literal with incremental indexing', { kind: 'literal', indexing: 'incremental' }],
  // Refers to the entry the previous request added.
  ['dynamic-table reference', { kind: 'indexed' }],
]

describe('raw h2 client ↔ raw h2 origin', () => {
  let corpus: CertificateCorpus
  beforeAll(async () => {
    corpus = await getCertificateCorpus()
  }, 60_000)
  afterAll(() => disposeCertificateCorpus())

  it('an uppercase name and connection: keep-alive arrive as sent, in each HPACK representation (TLS)', async () => {
    const leaf = corpus.leaf('valid')
    await using origin = await startH2RawOrigin({ tls: { cert: leaf.cert, key: leaf.key } })
    await using client = await openH2RawClient({
      host: '127.0.0.1',
      port: origin.port,
      id: 'c1',
      tls: { ca: corpus.ca.cert, servername: 'localhost' },
      timeoutMs: 5_000,
    })
    expect(client.alpnProtocol).toBe('h2')
    for (const [i, [label, as]] of REPRESENTATIONS.entries()) {
      const fields: FieldSpec[] = [
        { name: 'X-Upper', value: 'Mixed', as },
        { name: 'connection', value: 'keep-alive', as },
      ]
      const path = `/rep-${i}`
      await client.request({ path, fields })
      const r = ended(await origin.waitForRequest((x) => x.field(':path') === path, WAIT))
      const got = r.fields.slice(4)
      expect(
        got.map((f) => [f.name, f.value]),
        label,
      ).toEqual([
        ['X-Upper', 'Mixed'],
        ['connection', 'keep-alive'],
      ])
      const expected = as.kind === 'indexed' ? 'indexed' : (as.indexing ?? 'without')
      expect(
        got.map((f) => f.rep),
        label,
      ).toEqual([expected, expected])
      if (as.kind === 'indexed') expect(got.map((f) => f.index)).toEqual([63, 62])
      if (as.kind === 'literal' && as.huffman !== undefined) {
        expect(got[0]?.huffman.value, label).toBe(true)
      }
    }
  })

  it('static-table names (content-length 28, cookie 32, host 38, transfer-encoding 57) and CR/LF/NUL values arrive as sent (cleartext)', async () => {
    await using origin = await startH2RawOrigin()
    await using client = await openH2RawClient({
      host: '127.0.0.1',
      port: origin.port,
      id: 'c2',
      timeoutMs: 5_000,
    })
    const byName = { kind: 'literal', name: 'indexed' } as const
    await client.request({
      method: 'POST',
      path: '/static',
      fields: [
        { name: 'content-length', value: '99', as: byName },
        { name: 'cookie', value: 'a=b', as: { ...byName, huffman: true } },
        { name: 'host', value: 'other.test', as: { ...byName, indexing: 'never' } },
        { name: 'transfer-encoding', value: 'chunked', as: { ...byName, indexing: 'incremental' } },
        { name: 'x-split', value: 'a\r\nInjected: 1\0', as: { kind: 'literal', huffman: true } },
      ],
      body: 'short',
    })
    const r = ended(await origin.waitForRequest((x) => x.field(':path') === '/static', WAIT))
    expect(r.fields.slice(4).map((f) => [f.name, f.value, f.index])).toEqual([
      ['content-length', '99', 28],
      ['cookie', 'a=b', 32],
      ['host', 'other.test', 38],
      ['transfer-encoding', 'chunked', 57],
      ['x-split', 'a\r\nInjected: 1\0', undefined],
    ])
    expect(r.data.toString()).toBe('short')
    expect(r.end).toBe('end-stream')
  })

  it('sends malformed responses as scripted, and a HEADERS block split over CONTINUATION frames', async () => {
    await using origin = await startH2RawOrigin({
      respond: () => ({
        fields: [
          { name: ':status', value: '200' },
          { name: 'Connection', value: 'keep-alive' },
          { name: 'keep-alive', value: 'timeout=5' },
          { name: 'transfer-encoding', value: 'chunked', as: { kind: 'literal', name: 'indexed' } },
        ],
        split: 4,
        body: 'body',
      }),
    })
    await using client = await openH2RawClient({
      host: '127.0.0.1',
      port: origin.port,
      id: 'c3',
      timeoutMs: 5_000,
    })
    const id = await client.request({ path: '/malformed', split: [3] })
    const result = ended(await client.waitForStreamEnd(id, WAIT))
    expect(result.blocks[0]?.fields.map((f) => [f.name, f.value])).toEqual([
      [':status', '200'],
      ['Connection', 'keep-alive'],
      ['keep-alive', 'timeout=5'],
      ['transfer-encoding', 'chunked'],
    ])
    expect(result.data.toString()).toBe('body')
    const kinds = result.frames.map((r) => r.frame.kind)
    expect(kinds[0]).toBe('HEADERS')
    expect(kinds.filter((k) => k === 'CONTINUATION').length).toBeGreaterThan(1)
    // Our request went as HEADERS (3 octets) + CONTINUATION, and the origin put it back together.
    const sent = client.records.filter((r) => r.dir === 'sent' && r.frame.header.streamId === id)
    expect(sent.map((r) => r.frame.kind)).toEqual(['HEADERS', 'CONTINUATION'])
    expect(
      ended(await origin.waitForRequest((x) => x.field(':path') === '/malformed', WAIT)).end,
    ).toBe('end-stream')
    expect(origin.transcript('o1')).toContain('"Connection": "keep-alive"')
  })

  it("follows the peer's smaller SETTINGS_HEADER_TABLE_SIZE with a size update, and advertises open windows", async () => {
    await using origin = await startH2RawOrigin({ settings: [[SETTING.HEADER_TABLE_SIZE, 0]] })
    await using client = await openH2RawClient({
      host: '127.0.0.1',
      port: origin.port,
      id: 'c5',
      timeoutMs: 5_000,
    })
    const settings = ended(await client.connection.waitForSettings(WAIT))
    expect(settings.frame).toMatchObject({
      settings: [
        [SETTING.HEADER_TABLE_SIZE, 0],
        [SETTING.INITIAL_WINDOW_SIZE, 2 ** 31 - 1],
      ],
    })
    const window = ended(await client.waitForFrame((x) => x.frame.kind === 'WINDOW_UPDATE', WAIT))
    expect(window.frame).toMatchObject({ increment: 2 ** 31 - 1 - 65_535 })
    const body = Buffer.alloc(200_000, 0x61)
    await client.request({
      method: 'POST',
      path: '/big',
      fields: [{ name: 'x-i', value: '1', as: { kind: 'literal', indexing: 'incremental' } }],
      body,
      dataChunks: 16_384,
    })
    const r = ended(await origin.waitForRequest((x) => x.field(':path') === '/big', WAIT))
    expect(r.blocks[0]?.sizeUpdates).toEqual([0])
    expect(r.data.length).toBe(body.length)
  })

  it('records a client reset and a timeout is a value', async () => {
    await using origin = await startH2RawOrigin({ respond: () => undefined })
    await using client = await openH2RawClient({
      host: '127.0.0.1',
      port: origin.port,
      id: 'c4',
      timeoutMs: 5_000,
    })
    const id = await client.request({ path: '/reset-me', endStream: false })
    await client.connection.sendRst(id, 8)
    const r = ended(await origin.waitForRequest((x) => x.field(':path') === '/reset-me', WAIT))
    expect(r.end).toBe('reset')
    const silence = await client.waitForStreamEnd(id, { timeoutMs: 50 })
    expect(isTimeout(silence)).toBe(true)
  })
})

describe('lifecycle', () => {
  it('no handle outlives close()', async () => {
    const kinds = (): string[] =>
      process.getActiveResourcesInfo().filter((k) => /TCP|TLS|Pipe|Timeout/.test(k))
    const before = kinds().length
    const corpus = await getCertificateCorpus()
    const leaf = corpus.leaf('valid')
    const lib = await startH2Origin({ tls: { cert: leaf.cert, key: leaf.key } })
    const raw = await startH2RawOrigin()
    const a = await openH2RawClient({
      host: '127.0.0.1',
      port: lib.port,
      id: 'a',
      tls: { ca: corpus.ca.cert, servername: 'localhost' },
    })
    const b = await openH2RawClient({ host: '127.0.0.1', port: raw.port, id: 'b' })
    ended(await a.waitForStreamEnd(await a.request({ path: '/x' }), WAIT))
    ended(await b.waitForStreamEnd(await b.request({ path: '/y' }), WAIT))
    // One stream left hanging on each, so close() must cut live streams.
    await a.request({ path: '/hang', endStream: false })
    await b.request({ path: '/hang', endStream: false })
    expect(kinds().length).toBeGreaterThan(before)
    await Promise.all([a.close(), b.close(), lib.close(), raw.close()])
    await disposeCertificateCorpus()
    expect(kinds().length).toBeLessThanOrEqual(before)
  })
})
