/**
 * Inputs for fuzzing harness/wire: well-formed HTTP/1.1 messages built from
 * parts, then mutated the way broken intermediaries and smugglers mutate
 * them (bytes flipped, inserted, deleted, lines duplicated, CRLF turned into
 * LF, framing fields contradicting each other). Seeded, so a failure names
 * the seed that reproduces it.
 */
import fc from 'fast-check'

const token = fc.stringMatching(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,12}$/)
const value = fc.stringMatching(/^[\x20-\x7e\x80-\xff]{0,24}$/)
const framingField = fc.oneof(
  fc.nat({ max: 64 }).map((n) => `Content-Length: ${n}`),
  fc.constantFrom(
    'Transfer-Encoding: chunked',
    'Transfer-Encoding: gzip, chunked',
    'Transfer-Encoding: chunked, gzip',
    'Content-Length: 1, 2',
    'Content-Length: -1',
    'Content-Length: 0x10',
    'Transfer-Encoding : chunked',
    ' Transfer-Encoding: chunked',
  ),
)
const field = fc.oneof(
  { weight: 3, arbitrary: fc.tuple(token, value).map(([n, v]) => `${n}: ${v}`) },
  { weight: 2, arbitrary: framingField },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      'Connection: close',
      'Connection: keep-alive, Upgrade',
      'Upgrade: websocket',
      'Host: o.test',
    ),
  },
)
const chunkedBody = fc
  .array(fc.stringMatching(/^[a-z]{1,20}$/), { maxLength: 3 })
  .map((chunks) => chunks.map((c) => `${c.length.toString(16)}\r\n${c}\r\n`).join('') + '0\r\n\r\n')
// eslint-disable-next-line no-control-regex -- any octet may be in a body
const body = fc.oneof(fc.stringMatching(/^[\x00-\xff]{0,40}$/), chunkedBody)

const requestLine = fc
  .tuple(
    fc.constantFrom('GET', 'POST', 'HEAD', 'CONNECT', 'PUT', 'OPTIONS', 'G\x00T'),
    fc.constantFrom('/', '/a?b=c', 'http://o.test/x', 'o.test:443', '*', ''),
    fc.constantFrom('HTTP/1.1', 'HTTP/1.0', 'HTTP/2.0', 'HTTP/1.1 ', 'http/1.1'),
  )
  .map(([m, t, v]) => `${m} ${t} ${v}`)
const statusLine = fc
  .tuple(
    fc.constantFrom('HTTP/1.1', 'HTTP/1.0', 'HTTP/1.1x'),
    fc.constantFrom(100, 101, 200, 204, 304, 404, 999, 20),
    fc.constantFrom('OK', '', 'Switching Protocols'),
  )
  .map(([v, s, r]) => `${v} ${s} ${r}`)

const message = (startLine: fc.Arbitrary<string>): fc.Arbitrary<string> =>
  fc
    .tuple(startLine, fc.array(field, { maxLength: 6 }), body)
    .map(([start, fields, b]) => `${start}\r\n${fields.map((f) => `${f}\r\n`).join('')}\r\n${b}`)

type Mutation = (bytes: Buffer) => Buffer
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })).map(([at, byte]) => (b: Buffer): Buffer => {
    if (b.length === 0) return b
    const copy = Buffer.from(b)
    copy[at % copy.length] = byte
    return copy
  }),
  fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })).map(([at, byte]) => (b: Buffer): Buffer => {
    const i = b.length === 0 ? 0 : at % b.length
    return Buffer.concat([b.subarray(0, i), Buffer.from([byte]), b.subarray(i)])
  }),
  fc.nat().map((at) => (b: Buffer): Buffer => {
    if (b.length === 0) return b
    const i = at % b.length
    return Buffer.concat([b.subarray(0, i), b.subarray(i + 1)])
  }),
  fc.constant((b: Buffer): Buffer =>
    Buffer.from(b.toString('latin1').replace(/\r\n/g, '\n'), 'latin1'),
  ),
  fc.constant((b: Buffer): Buffer => Buffer.concat([b, b])),
)

/** One fuzz input: message bytes, how to feed them, and which parser reads them. */
export interface WireInput {
  readonly kind: 'request' | 'response'
  readonly bytes: Buffer
  /** Sizes of the pushes; the rest goes in one. */
  readonly pieces: readonly number[]
  readonly mode: 'strict' | 'lenient'
  readonly eof: boolean
  readonly requestMethod: string
}

export const wireInput: fc.Arbitrary<WireInput> = fc
  .record({
    kind: fc.constantFrom('request' as const, 'response' as const),
    request: message(requestLine),
    response: message(statusLine),
    mutations: fc.array(mutation, { maxLength: 3 }),
    pieces: fc.array(fc.integer({ min: 1, max: 16 }), { maxLength: 8 }),
    mode: fc.constantFrom('strict' as const, 'lenient' as const),
    eof: fc.boolean(),
    requestMethod: fc.constantFrom('GET', 'HEAD', 'CONNECT'),
  })
  .map((r) => {
    let bytes: Buffer = Buffer.from(r.kind === 'request' ? r.request : r.response, 'latin1')
    for (const m of r.mutations) bytes = m(bytes)
    return {
      kind: r.kind,
      bytes,
      pieces: r.pieces,
      mode: r.mode,
      eof: r.eof,
      requestMethod: r.requestMethod,
    }
  })
