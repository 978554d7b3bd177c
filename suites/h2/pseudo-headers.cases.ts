// H2-04, H2-07 (pseudo-header values and structurally malformed blocks).
//
// RFC 9113 §8.1.1: "Intermediaries that process HTTP requests or responses
// (i.e., any intermediary not acting as a tunnel) MUST NOT forward a
// malformed request or response." Every probe here is malformed, so the
// verdict is what reached the HTTP/1.1 origin: nothing (PASS, whatever the
// refusal looked like: RST_STREAM(PROTOCOL_ERROR) or 400 expected, another
// code or status is noted as INFO) or a request (FAIL). The harness origin's
// raw bytes per connection are the evidence; a fence request after each probe
// proves that nothing more is on its way (support/pseudo-probe.ts).
import type { CaseContext } from '../../harness/engine/model/case-context.js'
import { defineCase, type CaseDefinition } from '../../harness/engine/model/case.js'
import type { Outcome } from '../../harness/engine/model/outcome.js'
import type { SpecRef } from '../../harness/engine/model/spec-ref.js'
import type { FieldSpec } from '../../harness/h2/hpack-encoder.js'
import type { H2RawClient } from '../../harness/h2/raw-client.js'
import { fieldValues } from '../../harness/wire/fields.js'
import { runVariants } from '../support/variants.js'
import {
  checkRejected,
  encodedProbe,
  exactly,
  H2Lane,
  targetPseudo,
  tokenField,
  usable,
  type Encoding,
  type Forwarding,
  type RejectionProbe,
} from './support/pseudo-probe.js'

const ALL_ENCODINGS: readonly Encoding[] = [
  'literal name',
  'static indexed name',
  'huffman',
  'dynamic table',
]

type PseudoName = ':method' | ':scheme' | ':authority' | ':path'

/** One bad value of one pseudo-header field; `value(path)` for the probe's own path. */
interface BadValue {
  readonly label: string
  readonly suffix: string
  readonly value: (ctx: CaseContext, path: string) => string
}

/**
 * Probes that send a request for ctx.path(suffix) whose `name` pseudo-header
 * field holds a bad value, in each §11.1 encoding (pseudo-header names are
 * all in the HPACK static table, so the indexed-name encoding applies).
 */
function badValueProbes(
  ctx: CaseContext,
  name: PseudoName,
  values: readonly BadValue[],
): RejectionProbe[] {
  return values.flatMap((bad) =>
    ALL_ENCODINGS.map((encoding) => {
      const path = ctx.path(`${bad.suffix}${encoding.replace(/ /g, '-')}`)
      return encodedProbe(`${name}: ${JSON.stringify(bad.value(ctx, path))}`, encoding, (mark) => {
        const items = targetPseudo(ctx, path).map((f) =>
          f.name === name ? mark({ name, value: bad.value(ctx, path) }) : f,
        )
        return exactly(ctx, items)
      })
    }),
  )
}

/** Runs probes one after the other on a shared connection and grades them together. */
async function rejectAll(
  ctx: CaseContext,
  probes: readonly RejectionProbe[],
  forwarding?: Forwarding,
): Promise<Outcome> {
  const lane = new H2Lane(ctx)
  return runVariants(
    ctx,
    probes.map(
      (probe) => [probe.label, () => checkRejected(ctx, lane, probe, forwarding)] as const,
    ),
  )
}

const hostOf = (ctx: CaseContext): string => ctx.h2Target('/').authority

const H2_04_REQUIREMENT =
  'Pseudo-header values are validated before they become a request line, a Host field or a URI: an invalid value makes the request malformed, and a malformed request is never forwarded.'

/** Enough for ~50 probes, each with its fence, against a slow peer. */
const MANY_PROBES_MS = 30_000

/**
 * An H2-04 case: each bad value of pseudo-header field `name`, in each
 * encoding, on one shared connection; none may reach the origin. `also` are
 * the sections cited after RFC 9113 §8.3.1 and §8.1.1.
 */
function badValueCase(
  id: string,
  title: string,
  also: readonly SpecRef[],
  name: PseudoName,
  values: readonly BadValue[],
): CaseDefinition {
  return defineCase({
    id,
    title,
    requirements: ['H2-04'],
    spec: [{ rfc: 9113, section: '8.3.1' }, { rfc: 9113, section: '8.1.1' }, ...also],
    requirement: H2_04_REQUIREMENT,
    level: 'MUST',
    roles: ['reverse', 'forward'],
    front: 'h2',
    timeoutMs: MANY_PROBES_MS,
    run: (ctx) => rejectAll(ctx, badValueProbes(ctx, name, values)),
  })
}

/** A :method that carries a whole request after its own. */
const smuggledMethod = (c: CaseContext): string =>
  `GET ${c.requestTarget(c.path('m-smuggled'))} HTTP/1.1\r\nHost: ${c.originHost}\r\n\r\nGET`

const pseudoValueCases: CaseDefinition[] = [
  // RFC 9113 §8.3: "Endpoints MUST treat a request or response that contains
  // undefined or invalid pseudo-header fields as malformed"; :method is a
  // method token (RFC 9110 §9.1), and §8.1.1 forbids forwarding it.
  badValueCase(
    'method-validated-before-request-line',
    'A :method that is not a token (SP, CRLF, HTAB, a whole smuggled request) is refused, never written into a request line',
    [{ rfc: 9110, section: '9.1' }],
    ':method',
    [
      { label: 'a smuggled request', suffix: 'm1-', value: smuggledMethod },
      { label: 'a space', suffix: 'm2-', value: (c) => `GET ${c.path('m-x')}` },
      { label: 'a tab', suffix: 'm3-', value: () => 'G\tET' },
    ],
  ),

  // RFC 9113 §8.3.1: ":path ... the path and query parts of the target URI
  // (the absolute-path production and optionally a '?' character followed
  // by the query production)", and "An HTTP request that omits mandatory
  // pseudo-header fields or contains invalid values for those pseudo-header
  // fields is malformed"; §8.1.1 forbids forwarding it. Repairing the value
  // (dropping "#f", percent-encoding the SP) and forwarding is still
  // forwarding a malformed request.
  badValueCase(
    'path-validated-before-request-line',
    'A :path with CRLF, SP or "#", or without its leading "/", is refused, never written into a request line',
    [{ rfc: 9113, section: '10.3' }],
    ':path',
    [
      {
        label: 'an injected field',
        suffix: 'p1-',
        value: (_c, path) => `${path} HTTP/1.1\r\nx-injected: 1\r\nx-pad:`,
      },
      { label: 'a space', suffix: 'p2-', value: (_c, path) => `${path}a b` },
      { label: 'no leading slash', suffix: 'p3-', value: (_c, path) => path.slice(1) },
      { label: 'a fragment', suffix: 'p4-', value: (_c, path) => `${path}#f` },
    ],
  ),

  // RFC 9113 §8.3.1: ":authority ... MUST NOT include the deprecated userinfo
  // subcomponent for "http" or "https" schemed URIs", and it is the authority
  // (host[:port]) of the target URI: a "/" or CRLF makes it invalid (§8.3:
  // malformed; §8.1.1: never forwarded). On the HTTP/1.1 hop the same value
  // breaks RFC 9112 §3.2 ("a client MUST send a field value for Host that is
  // identical to that authority component, excluding any userinfo
  // subcomponent") and RFC 9110 §2.2 (no invalid protocol elements); a "/"
  // moved into the path reaches a resource the target's rules never saw.
  badValueCase(
    'authority-validated-before-host',
    'An :authority with a "/", userinfo, CRLF or a bad port is refused, never written into Host or a URI',
    [{ rfc: 9110, section: '4.2' }],
    ':authority',
    [
      { label: 'a path', suffix: 'a1-', value: (c) => `${hostOf(c)}/admin` },
      { label: 'userinfo', suffix: 'a2-', value: (c) => `evil@${hostOf(c)}` },
      {
        label: 'an injected field',
        suffix: 'a3-',
        value: (c) => `${hostOf(c)}\r\nx-injected: 1`,
      },
      // A port with a letter in it; an authority without a port (--host NAME) gets one.
      {
        label: 'a bad port',
        suffix: 'a4-',
        value: (c) => (/:\d+$/.test(hostOf(c)) ? `${hostOf(c)}x` : `${hostOf(c)}:80x`),
      },
    ],
  ),

  // RFC 9113 §8.3.1: ":scheme ... the scheme portion of the target URI"
  // (RFC 3986 §3.1: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )); any other
  // value is an invalid pseudo-header field (§8.3: malformed, §8.1.1).
  badValueCase(
    'scheme-validated',
    'A :scheme that is not a URI scheme (a URL, CRLF) is refused',
    [],
    ':scheme',
    [
      { label: 'a URL', suffix: 's1-', value: () => 'http://evil/' },
      { label: 'an injected field', suffix: 's2-', value: () => 'http\r\nx-injected: 1' },
    ],
  ),
]

/** A structurally malformed block: `fields(path)` is the whole block for the probe's path. */
function blockProbe(
  ctx: CaseContext,
  label: string,
  suffix: string,
  fields: (path: string) => readonly FieldSpec[],
): RejectionProbe {
  return {
    label,
    async send(client: H2RawClient) {
      return [await client.request(exactly(ctx, fields(ctx.path(suffix))))]
    },
  }
}

const replace = (
  items: readonly FieldSpec[],
  name: string,
  by: readonly FieldSpec[],
): FieldSpec[] => items.flatMap((f) => (f.name === name ? by : [f]))

const H2_07_SPEC = [
  { rfc: 9113, section: '8.3' },
  { rfc: 9113, section: '8.1.1' },
] as const

const structureCases: CaseDefinition[] = [
  defineCase({
    id: 'repeated-pseudo-header-rejected',
    title:
      'A block with :path (or :method, :authority, :scheme) twice is refused, in either order, never forwarded with one of them',
    requirements: ['H2-07'],
    spec: [...H2_07_SPEC],
    requirement:
      'A field block with a repeated pseudo-header field name is malformed (RFC 9113 §8.3); a malformed request is never forwarded (§8.1.1).',
    level: 'MUST',
    roles: ['reverse', 'forward'],
    front: 'h2',
    timeoutMs: MANY_PROBES_MS,
    run(ctx) {
      // RFC 9113 §8.3: "The same pseudo-header field name MUST NOT appear more than
      // once in a field block. A field block for an HTTP request or response that
      // contains a repeated pseudo-header field name MUST be treated as malformed."
      const twice = (
        suffix: string,
        name: PseudoName,
        other: (path: string) => string,
        otherFirst: boolean,
      ): RejectionProbe => {
        const path = ctx.path(suffix)
        return blockProbe(
          ctx,
          `${name} twice${otherFirst ? ' (the other value first)' : ''}`,
          suffix,
          () => {
            const base = targetPseudo(ctx, path)
            const own = base.find((f) => f.name === name)!
            const extra = { name, value: other(path) }
            return replace(base, name, otherFirst ? [extra, own] : [own, extra])
          },
        )
      }
      const admin = (suffix: string) => (): string => ctx.path(`${suffix}admin`)
      return rejectAll(ctx, [
        twice('r1-', ':path', admin('r1-'), false),
        twice('r2-', ':path', admin('r2-'), true),
        twice('r3-', ':method', () => 'POST', false),
        twice('r4-', ':authority', () => 'other.test', false),
        twice('r5-', ':scheme', () => 'https', false),
      ])
    },
  }),

  defineCase({
    id: 'misplaced-or-unknown-pseudo-header-rejected',
    title:
      'A pseudo-header after a regular field, an unknown one (:foo), a response one (:status), or one in trailers is refused',
    requirements: ['H2-07'],
    spec: [...H2_07_SPEC, { rfc: 9113, section: '8.1' }],
    requirement:
      'Pseudo-header fields come first, only those defined for requests, never in trailers; otherwise the request is malformed (RFC 9113 §8.3, §8.1) and never forwarded (§8.1.1).',
    level: 'MUST',
    roles: ['reverse', 'forward'],
    front: 'h2',
    timeoutMs: MANY_PROBES_MS,
    run(ctx) {
      // RFC 9113 §8.3: "Endpoints MUST treat a request or response that contains
      // undefined or invalid pseudo-header fields as malformed"; "Pseudo-header
      // fields defined for responses MUST NOT appear in requests"; "Any request or
      // response that contains a pseudo-header field that appears in a field block
      // after a regular field line MUST be treated as malformed"; §8.1:
      // "Pseudo-header fields MUST NOT appear in a trailer section" (with §8.3:
      // "Pseudo-header fields MUST NOT appear in a trailer section").
      const block = (
        suffix: string,
        label: string,
        make: (base: FieldSpec[], path: string) => FieldSpec[],
      ) => blockProbe(ctx, label, suffix, (path) => make(targetPseudo(ctx, path), path))
      const trailers: RejectionProbe = {
        label: 'a trailer section with :path',
        async send(client) {
          const path = ctx.path('u5-')
          return [
            await client.request({
              ...exactly(ctx, [
                ...targetPseudo(ctx, path).map((f) =>
                  f.name === ':method' ? { ...f, value: 'POST' } : f,
                ),
              ]),
              body: 'abc',
              trailers: [{ name: ':path', value: ctx.path('u5-admin') }],
            }),
          ]
        },
      }
      return rejectAll(ctx, [
        block('u1-', 'x-a: 1 before :path', (base) => [
          ...base.filter((f) => f.name !== ':path'),
          { name: 'x-a', value: '1' },
          base.find((f) => f.name === ':path')!,
        ]),
        block('u2-', ':foo: 1', (base) => [...base, { name: ':foo', value: '1' }]),
        block('u3-', ':status: 200', (base) => [...base, { name: ':status', value: '200' }]),
        trailers,
      ])
    },
  }),

  defineCase({
    id: 'missing-or-empty-pseudo-header-rejected',
    title: 'A request without :scheme, :method or :path, or with an empty :path, is refused',
    requirements: ['H2-07'],
    spec: [
      { rfc: 9113, section: '8.3.1' },
      { rfc: 9113, section: '8.1.1' },
    ],
    requirement:
      'Every request other than CONNECT carries exactly one valid :method, :scheme and :path, and :path is not empty for http or https (RFC 9113 §8.3.1); otherwise it is malformed and never forwarded (§8.1.1).',
    level: 'MUST',
    roles: ['reverse', 'forward'],
    front: 'h2',
    timeoutMs: MANY_PROBES_MS,
    run(ctx) {
      // RFC 9113 §8.3.1: "All HTTP/2 requests MUST include exactly one valid value
      // for the ":method", ":scheme", and ":path" pseudo-header fields, unless they
      // are CONNECT requests ... An HTTP request that omits mandatory pseudo-header
      // fields is malformed"; ":path ... MUST NOT be empty for "http" or "https" URIs".
      const without = (suffix: string, name: PseudoName): RejectionProbe =>
        blockProbe(ctx, `no ${name}`, suffix, (path) => {
          const base = targetPseudo(ctx, path).filter((f) => f.name !== name)
          // Without :path, the token rides in a field the origin reads (tokenField).
          return base
        })
      return rejectAll(ctx, [
        without('e1-', ':scheme'),
        without('e2-', ':method'),
        without('e3-', ':path'),
        blockProbe(ctx, 'an empty :path', 'e4-', (path) =>
          targetPseudo(ctx, path).map((f) => (f.name === ':path' ? { ...f, value: '' } : f)),
        ),
      ])
    },
  }),

  defineCase({
    id: 'malformed-field-name-rejected',
    title:
      'A field name with uppercase letters, or an empty one, makes the request malformed: refused, never forwarded',
    requirements: ['H2-07'],
    spec: [
      { rfc: 9113, section: '8.2.1' },
      { rfc: 9113, section: '8.2' },
      { rfc: 9113, section: '8.1.1' },
      { rfc: 9110, section: '5.1' },
    ],
    requirement:
      'A request with an uppercase character in a field name is malformed (RFC 9113 §8.2, §8.2.1) and never forwarded (§8.1.1); an empty name is not a field name (RFC 9110 §5.1) and never reaches the HTTP/1.1 hop.',
    level: 'MUST',
    roles: ['reverse', 'forward'],
    front: 'h2',
    timeoutMs: MANY_PROBES_MS,
    run(ctx) {
      // RFC 9113 §8.2: "A request or response containing uppercase characters in
      // field names MUST be treated as malformed". An empty name is outside the
      // token grammar (RFC 9110 §5.1); RFC 9113 §8.2.1 asks implementations to
      // validate names (SHOULD) and RFC 9110 §2.2 forbids generating an invalid
      // field line on the HTTP/1.1 hop (MUST). So: an empty-name line at the
      // origin fails; the request forwarded without it warns.
      const names: readonly Encoding[] = ['literal name', 'huffman', 'dynamic table']
      const upper = (
        name: string,
        value: string,
        suffix: string,
        method = 'GET',
      ): RejectionProbe[] =>
        names.map((encoding) => {
          const path = ctx.path(`${suffix}${encoding.replace(/ /g, '-')}`)
          return encodedProbe(`${name}: ${value}`, encoding, (mark) =>
            exactly(ctx, [
              ...targetPseudo(ctx, path).map((f) =>
                f.name === ':method' ? { ...f, value: method } : f,
              ),
              mark({ name, value }),
            ]),
          )
        })
      const empty = (suffix: string, before: FieldSpec): RejectionProbe =>
        blockProbe(ctx, `an empty name before ${String(before.name)}`, suffix, (path) => [
          ...targetPseudo(ctx, path),
          { name: '', value: '1', as: { kind: 'literal', name: 'literal' } },
          before,
        ])
      const emptyDropped: Forwarding = {
        allowed:
          'the request forwarded without the empty-name field (WARN: RFC 9113 §8.2.1 SHOULD validate)',
        check(arrived) {
          const line = arrived.find((r) => r.message.head.headers.some((h) => h.name.trim() === ''))
          if (line !== undefined) return { problem: 'an empty-name field line reached the origin' }
          const acl = arrived.some(
            (r) => fieldValues(r.message.head.headers, 'x-acl-bypass').length > 0,
          )
          return {
            problem: `forwarded without the empty-name field${acl ? ' (x-acl-bypass with it)' : ''}`,
            level: 'SHOULD',
          }
        },
      }
      const lane = new H2Lane(ctx)
      const rejected = (probe: RejectionProbe, forwarding?: Forwarding) =>
        [probe.label, () => checkRejected(ctx, lane, probe, forwarding)] as const
      return runVariants(ctx, [
        ...upper('Content-Length', '0', 'n1-', 'POST').map((p) => rejected(p)),
        ...upper('X-Token', '1', 'n2-').map((p) => rejected(p)),
        rejected(empty('n3-', { name: 'content-length', value: '0' }), emptyDropped),
        rejected(empty('n4-', { name: 'x-acl-bypass', value: '1' }), emptyDropped),
      ])
    },
  }),

  defineCase({
    id: 'second-headers-without-end-stream-rejected',
    title:
      'A second HEADERS frame without END_STREAM (HEADERS, DATA, HEADERS, DATA) makes the request malformed: refused, never forwarded',
    requirements: ['H2-07'],
    spec: [
      { rfc: 9113, section: '8.1' },
      { rfc: 9113, section: '8.1.1' },
    ],
    requirement:
      'After the HEADERS that opens a request, a HEADERS frame without END_STREAM makes it malformed (RFC 9113 §8.1); it is never forwarded (§8.1.1).',
    level: 'MUST',
    roles: ['reverse', 'forward'],
    front: 'h2',
    timeoutMs: MANY_PROBES_MS,
    run(ctx) {
      // RFC 9113 §8.1: "An endpoint that receives a HEADERS frame without the
      // END_STREAM flag set after receiving the HEADERS frame that opens a request
      // or after receiving a final (non-informational) status code MUST treat the
      // corresponding request or response as malformed."
      const probe: RejectionProbe = {
        label: 'HEADERS, DATA, HEADERS (x-late: 1) without END_STREAM, DATA with END_STREAM',
        async send(client) {
          const id = client.nextStreamId()
          const path = ctx.path('h1-')
          const head = targetPseudo(ctx, path).map((f) =>
            f.name === ':method' ? { ...f, value: 'POST' } : f,
          )
          await client.connection.sendHeaders(id, [...head, tokenField(ctx)], { endStream: false })
          await client.connection.sendData(id, 'abc', { endStream: false })
          await client.connection.sendHeaders(id, [{ name: 'x-late', value: '1' }], {
            endStream: false,
          })
          // Sent at once: a target that reset the stream already ignores it (or answers STREAM_CLOSED).
          if (usable(client)) await client.connection.sendData(id, 'def', { endStream: true })
          return [id]
        },
      }
      return rejectAll(ctx, [probe])
    },
  }),
]

export const pseudoHeaderCases: readonly CaseDefinition[] = [...pseudoValueCases, ...structureCases]
