// H2-01, H2-02 (content-length and transfer-encoding: the H2.CL and H2.TE downgrade classes).
//
// RFC 9113 §8.1.1: "A request or response is also malformed if the value of a
// content-length header field does not equal the sum of the DATA frame payload
// lengths that form the content [...]. Intermediaries that process HTTP
// requests or responses (i.e., any intermediary not acting as a tunnel) MUST
// NOT forward a malformed request or response. Malformed requests or
// responses that are detected MUST be treated as a stream error of type
// PROTOCOL_ERROR." RFC 9113 §8.2.2: Transfer-Encoding is connection-specific,
// and "Any message containing connection-specific header fields MUST be
// treated as malformed". Both are the downgrade classes of §10.3 (an h2 front
// that writes HTTP/1.1 decides the framing the origin reads).
import { defineCase, type CaseDefinition } from '../../harness/engine/model/case.js'
import type { CaseContext } from '../../harness/engine/model/case-context.js'
import type { BlockItem } from '../../harness/h2/index.js'
import { fieldValues } from '../../harness/wire/fields.js'
import { runVariants } from '../support/variants.js'
import {
  ENCODING_LABEL,
  fieldAs,
  H2Connections,
  runAttempt,
  seedField,
  smuggledRequest,
  type Attempt,
  type AttemptPaths,
  type Encoding,
  type Observation,
} from './support/smuggling-probe.js'
import { lengthVerdict, refusedNothingForwarded } from './support/smuggling-verdicts.js'

/** One H2-01 variant: what it sends and the body length it declares (the least, for two values). */
interface LengthVariant {
  readonly letter: string
  readonly label: string
  readonly declared: number
  readonly attempt: (ctx: CaseContext, name: Encoding) => Attempt
}

/** An H2-01 variant as data: every one is a POST whose content-length fields disagree with its DATA. */
interface LengthRow {
  readonly letter: string
  readonly label: string
  readonly declared: number
  /** The attempt's own label, after its letter. */
  readonly short: string
  /** The content-length values, in order. */
  readonly lengths: readonly string[]
  /** The DATA, given the request smuggled in it (none: END_STREAM on HEADERS). */
  readonly body?: (smug: string) => string
  readonly dataChunks?: (smug: string) => readonly number[]
  readonly trailers?: readonly BlockItem[]
}

/** The one builder: a row as the POST it sends, content-length in the variant's encoding. */
function lengthVariant(row: LengthRow): LengthVariant {
  const { letter, label, declared } = row
  return {
    letter,
    label,
    declared,
    attempt: (ctx, encoding) => ({
      tag: `cl-${letter}-${encoding}`,
      label: `(${letter}) ${row.short}`,
      send: (client, paths) => {
        const smug = smuggledRequest(ctx, paths.smug)
        return client.request({
          ...ctx.h2Target(paths.main),
          method: 'POST',
          fields: row.lengths.map((value) => fieldAs(encoding, 'content-length', value)),
          ...(row.body === undefined ? {} : { body: row.body(smug) }),
          ...(row.dataChunks === undefined ? {} : { dataChunks: row.dataChunks(smug) }),
          ...(row.trailers === undefined ? {} : { trailers: row.trailers }),
        })
      },
    }),
  }
}

const LENGTH_VARIANTS: readonly LengthVariant[] = (
  [
    {
      letter: 'a',
      label: 'content-length: 0, then one DATA (END_STREAM) carrying a whole GET /smug-…',
      declared: 0,
      short: 'content-length: 0 with a smuggled GET as DATA',
      lengths: ['0'],
      body: (smug) => smug,
    },
    {
      letter: 'b',
      label: 'content-length: 4, DATA "abcd", then a second DATA with a whole GET /smug-…',
      declared: 4,
      short: 'content-length: 4, then a smuggled GET in a second DATA frame',
      lengths: ['4'],
      body: (smug) => `abcd${smug}`,
      dataChunks: (smug) => [4, smug.length],
    },
    {
      letter: 'c',
      label: 'content-length: 200, 10 bytes of DATA, END_STREAM',
      declared: 200,
      short: 'content-length: 200 with 10 bytes',
      lengths: ['200'],
      body: () => '0123456789',
    },
    {
      letter: 'd',
      label: 'content-length: 5 on a HEADERS frame with END_STREAM, no DATA',
      declared: 5,
      short: 'content-length: 5, END_STREAM on HEADERS',
      lengths: ['5'],
    },
    {
      letter: 'e',
      label: 'content-length: 5, 3 bytes of DATA, then a trailer HEADERS with END_STREAM',
      declared: 5,
      short: 'content-length: 5, 3 bytes, trailers',
      lengths: ['5'],
      body: () => 'abc',
      trailers: [{ name: 'x-trailer', value: '1' }],
    },
    {
      letter: 'f',
      label: 'two content-length fields, 5 and 6, with 5 bytes of DATA',
      declared: 5,
      short: 'content-length 5 and 6',
      lengths: ['5', '6'],
      body: () => 'abcde',
    },
  ] satisfies readonly LengthRow[]
).map(lengthVariant)

/** Runs `letters` of H2-01 with the content-length name in `encoding`, a new connection each. */
function lengthCase(
  ctx: CaseContext,
  encoding: Encoding,
  letters: readonly string[],
): ReturnType<typeof runVariants> {
  const connections = new H2Connections(ctx)
  return runVariants(
    ctx,
    LENGTH_VARIANTS.filter((v) => letters.includes(v.letter)).map((v) => [
      `(${v.letter}) ${v.label}`,
      async () => {
        const o = await runAttempt(ctx, connections, v.attempt(ctx, encoding), { fresh: true })
        return lengthVerdict(ctx, o, v.declared)
      },
    ]),
  )
}

const LENGTH_SPEC = [
  { rfc: 9113, section: '8.1.1' },
  { rfc: 9113, section: '10.3' },
  { rfc: 9112, section: '6.3' },
] as const

const LENGTH_REQUIREMENT =
  'A request whose content-length disagrees with its DATA is malformed; an intermediary MUST NOT forward it and MUST treat it as a stream error, cutting off any message it had begun to forward.'

/** The four H2-02 values, each without and with a content-length equal to the DATA length. */
const TE_VALUES = ['chunked', 'chunked, identity', 'identity', 'gzip'] as const

function teAttempts(ctx: CaseContext, encoding: Encoding): Attempt[] {
  return TE_VALUES.flatMap((value, i) =>
    [false, true].map((withLength): Attempt => {
      const tag = `te-${encoding}-${i}${withLength ? '-cl' : ''}`
      return {
        tag,
        label: `transfer-encoding: ${value}${withLength ? ' with a matching content-length' : ''}`,
        ...(encoding === 'dynamic' ? { seed: () => [seedField('transfer-encoding', value)] } : {}),
        send: (client, paths) => {
          const body = teBody(ctx, paths)
          return client.request({
            ...ctx.h2Target(paths.main),
            method: 'POST',
            fields: [
              fieldAs(encoding, 'transfer-encoding', value),
              ...(withLength ? [fieldAs('literal', 'content-length', String(body.length))] : []),
            ],
            body,
          })
        },
      }
    }),
  )
}

/** The DATA every H2-02 attempt sends: an empty chunked body, then a whole request. */
function teBody(ctx: CaseContext, paths: AttemptPaths): string {
  return `0\r\n\r\n${smuggledRequest(ctx, paths.smug)}`
}

/**
 * H2-02's two failures apart. Exploitable ("security") when the client's
 * field or its chunk framing reached the origin: the smuggled request
 * arrived, a Transfer-Encoding other than the plain `chunked` a front may
 * write for a body of unknown length (RFC 9112 §6.1) arrived, or the body the
 * origin decoded is not the DATA the client sent. Otherwise the front dropped
 * the field and framed the body by its DATA: still a forwarded malformed
 * request, "not exploitable".
 */
function teExploitability(ctx: CaseContext, o: Observation): string {
  if (o.smuggled.length > 0)
    return 'FAIL (security): the request smuggled in the chunked body reached the origin'
  for (const seen of o.forwarded) {
    const te = fieldValues(seen.request.message.head.headers, 'transfer-encoding')
    if (te.length > 0 && !(te.length === 1 && te[0]!.trim().toLowerCase() === 'chunked'))
      return `FAIL (security): Transfer-Encoding ${JSON.stringify(te)} reached the origin`
    // Only the attempt's own POST carries the DATA: the bodiless seed GET of the
    // dynamic-table variant was forwarded too, and its empty body is no evidence.
    if (!seen.request.message.head.target.includes(o.paths.main)) continue
    const body = seen.message?.body.toString('latin1')
    if (body !== teBody(ctx, o.paths))
      return `FAIL (security): the origin read the body as ${body === undefined ? 'never ending' : JSON.stringify(body)}, not the DATA sent (the client's chunk framing took effect)`
  }
  return 'FAIL (not exploitable): the target dropped transfer-encoding and forwarded the request, framed by its DATA'
}

function teCase(encoding: Encoding, id: string, extra: string): CaseDefinition {
  return defineCase({
    id,
    title: `An h2 request with transfer-encoding (${ENCODING_LABEL[encoding]}) is refused and nothing reaches the origin`,
    requirements: ['H2-02'],
    // RFC 9113 §8.2.2: "Any message containing connection-specific header
    // fields MUST be treated as malformed (Section 8.1.1)", Transfer-Encoding
    // among them; §8.1.1: intermediaries "MUST NOT forward a malformed request".
    spec: [
      { rfc: 9113, section: '8.2.2' },
      { rfc: 9113, section: '8.1.1' },
      { rfc: 9112, section: '6.1' },
    ],
    requirement: `An h2 request carrying transfer-encoding is malformed and MUST NOT be forwarded, whatever its value and however it is encoded${extra}.`,
    level: 'MUST',
    roles: ['reverse', 'forward'],
    front: 'h2',
    timeoutMs: 30_000,
    run: (ctx) => {
      const connections = new H2Connections(ctx)
      return runVariants(
        ctx,
        teAttempts(ctx, encoding).map((attempt) => [
          attempt.label,
          async () =>
            refusedNothingForwarded(ctx, await runAttempt(ctx, connections, attempt), {
              expected:
                'the request refused (400 or RST_STREAM) and nothing of it at the origin, neither with nor without the field',
              forwardedDetail: (o) => teExploitability(ctx, o),
            }),
        ]),
      )
    },
  })
}

/**
 * An H2-01 case: RFC 9113 §8.1.1 (the content-length sentence and "MUST NOT
 * forward a malformed request"), `letters` of its variants with content-length
 * in `encoding`.
 */
function lengthMismatchCase(
  id: string,
  title: string,
  timeoutMs: number,
  encoding: Encoding,
  letters: readonly string[],
): CaseDefinition {
  return defineCase({
    id,
    title,
    requirements: ['H2-01'],
    spec: [...LENGTH_SPEC],
    requirement: LENGTH_REQUIREMENT,
    level: 'MUST',
    roles: ['reverse', 'forward'],
    front: 'h2',
    timeoutMs,
    run: (ctx) => lengthCase(ctx, encoding, letters),
  })
}

export const requestBodyCases: readonly CaseDefinition[] = [
  // Variants (a)–(f) of H2-01, content-length as a literal name.
  lengthMismatchCase(
    'content-length-mismatch-not-forwarded',
    'An h2 request whose content-length disagrees with its DATA is refused, and nothing smuggled or beyond the declared length reaches the origin',
    20_000,
    'literal',
    ['a', 'b', 'c', 'd', 'e', 'f'],
  ),
  // H2-01 (a)–(c) repeated with the name as HPACK static index 28.
  lengthMismatchCase(
    'content-length-mismatch-indexed-name-not-forwarded',
    'An h2 request whose content-length (static-table name index 28) disagrees with its DATA is refused, and nothing smuggled reaches the origin',
    15_000,
    'indexed-name',
    ['a', 'b', 'c'],
  ),
  teCase('literal', 'transfer-encoding-rejected', ''),
  teCase(
    'indexed-name',
    'transfer-encoding-static-index-rejected',
    ' (here: HPACK static index 57)',
  ),
  teCase('huffman', 'transfer-encoding-huffman-rejected', ' (here: Huffman-coded name and value)'),
  teCase(
    'dynamic',
    'transfer-encoding-dynamic-reference-rejected',
    ' (here: a dynamic-table reference to an entry an earlier request added)',
  ),
]
