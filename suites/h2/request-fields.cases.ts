// H2-03, H2-06, H2-08 (CR/LF/NUL, connection-specific fields, whitespace).
//
// RFC 9113 §8.2.1 (minimal validation, every sentence a MUST): "A field name
// MUST NOT contain characters in the ranges 0x00-0x20, 0x41-0x5a, or
// 0x7f-0xff"; "field names MUST NOT include a colon"; "A field value MUST NOT
// contain the zero value (ASCII NUL, 0x00), line feed (ASCII LF, 0x0a), or
// carriage return (ASCII CR, 0x0d) at any position"; "A field value MUST NOT
// start or end with an ASCII whitespace character"; "A request or response
// that contains a field that violates any of these conditions MUST be treated
// as malformed [...]. In particular, an intermediary that does not process
// fields when forwarding messages MUST NOT forward fields that contain any of
// the values that are listed as prohibited above." Beyond that minimum,
// "HTTP/2 implementations SHOULD validate field names and values" against
// RFC 9110 §5.1 and §5.5 (other controls, DEL): a SHOULD, so a WARN.
// RFC 9113 §8.2.2: Connection, Keep-Alive, Proxy-Connection, Transfer-Encoding
// and Upgrade make a message malformed; TE "MUST NOT contain any value other
// than 'trailers'".
// A malformed trailer section arrives after the head and body: a streaming
// target (nghttpx) has begun forwarding by then, and cannot unsend it. It
// conforms when the prohibited field never reaches the origin and the message
// under way is cut off by closing that upstream connection, as catalog H2-01
// allows for a content-length mismatch found late; completing it does not.
import { defineCase, type CaseDefinition } from '../../harness/engine/model/case.js'
import type { CaseContext } from '../../harness/engine/model/case-context.js'
import { conforms, timedOut, violates } from '../../harness/engine/model/outcome.js'
import type { BlockItem } from '../../harness/h2/index.js'
import { isTimeout } from '../../harness/net/deadline.js'
import { connectionOptions, fieldValues } from '../../harness/wire/fields.js'
import { runVariants } from '../support/variants.js'
import {
  ENCODING_LABEL,
  fieldAs,
  H2Connections,
  rawOf,
  runAttempt,
  seedField,
  smuggledRequest,
  STEP_MS,
  TUNNEL_MARKER,
  witnessOf,
  type Attempt,
  type AttemptPaths,
  type Encoding,
  type Observation,
} from './support/smuggling-probe.js'
import { refusedNothingForwarded } from './support/smuggling-verdicts.js'

/** One malformed field of H2-03: its name and value (the smuggled path filled in per attempt). */
interface BadField {
  readonly key: string
  readonly label: string
  /** Whether the payload is in the name (no static-table name can carry it). */
  readonly inName: boolean
  field(ctx: CaseContext, paths: AttemptPaths, valueName: string): { name: string; value: string }
}

const BAD_FIELDS: readonly BadField[] = [
  {
    key: 'crlf',
    label: 'a value with CRLF and a second field line',
    inName: false,
    field: (_ctx, _p, name) => ({ name, value: 'b\r\nx-injected: 1' }),
  },
  {
    key: 'crlf-request',
    label: 'a value with CRLF CRLF and a whole GET /smug-…',
    inName: false,
    field: (ctx, paths, name) => ({
      name,
      value: `b\r\n\r\n${smuggledRequest(ctx, paths.smug)}`,
    }),
  },
  {
    key: 'lf',
    label: 'a value with a bare LF',
    inName: false,
    field: (_ctx, _p, name) => ({ name, value: 'b\nx-injected: 1' }),
  },
  {
    key: 'cr',
    label: 'a value with a bare CR',
    inName: false,
    field: (_ctx, _p, name) => ({ name, value: 'b\rx-injected: 1' }),
  },
  {
    key: 'nul',
    label: 'a value with a NUL',
    inName: false,
    field: (_ctx, _p, name) => ({ name, value: 'b\x00x-injected: 1' }),
  },
  {
    key: 'name-crlf',
    label: 'the name "x-a\\r\\nx-injected"',
    inName: true,
    field: () => ({ name: 'x-a\r\nx-injected', value: '1' }),
  },
  {
    key: 'name-colon',
    label: 'the name "x:y"',
    inName: true,
    field: () => ({ name: 'x:y', value: '1' }),
  },
  {
    key: 'name-sp',
    label: 'the name "x y"',
    inName: true,
    field: () => ({ name: 'x y', value: '1' }),
  },
]

function badFieldAttempts(ctx: CaseContext, encoding: Encoding): Attempt[] {
  // The static-table family carries value payloads under a name the table has (user-agent, index 58).
  const valueName = encoding === 'indexed-name' ? 'user-agent' : 'x-a'
  const fields = BAD_FIELDS.filter((b) => !(b.inName && encoding === 'indexed-name'))
  return fields.flatMap((bad) =>
    (['headers', 'trailers'] as const).map((place): Attempt => {
      const make = (paths: AttemptPaths): { name: string; value: string } =>
        bad.field(ctx, paths, valueName)
      const item = (paths: AttemptPaths): BlockItem => {
        const f = make(paths)
        return fieldAs(encoding, f.name, f.value)
      }
      return {
        tag: `${bad.key}-${place}-${encoding}`,
        label: `${bad.label} in the ${place === 'headers' ? 'header' : 'trailer'} section`,
        ...(place === 'trailers' ? { late: 'the trailer section' } : {}),
        ...(encoding === 'dynamic'
          ? {
              seed: (paths: AttemptPaths) => {
                const f = make(paths)
                return [seedField(f.name, f.value)]
              },
            }
          : {}),
        send: (client, paths) =>
          place === 'headers'
            ? client.request({ ...ctx.h2Target(paths.main), fields: [item(paths)] })
            : client.request({
                ...ctx.h2Target(paths.main),
                method: 'POST',
                body: 'x',
                trailers: [item(paths)],
              }),
      }
    }),
  )
}

/** What an H2-03 forward let through: the injected line, the smuggled request, or the field itself. */
function injectionDetail(o: Observation): string {
  if (o.smuggled.length > 0) return 'the request smuggled in the value reached the origin'
  const injected = o.forwarded.some(
    (s) =>
      fieldValues(s.request.message.head.headers, 'x-injected').length > 0 ||
      (s.message?.trailers ?? []).some((t) => t.name.toLowerCase() === 'x-injected'),
  )
  return injected
    ? 'x-injected arrived at the origin as a field line of its own'
    : 'the request with the prohibited field was forwarded'
}

function badFieldCase(encoding: Encoding, id: string): CaseDefinition {
  return defineCase({
    id,
    title: `A field with CR, LF or NUL in its value, or a prohibited octet in its name (${ENCODING_LABEL[encoding]}), is refused and never reaches the origin`,
    requirements: ['H2-03'],
    // RFC 9113 §8.2.1: the minimal validation MUSTs quoted at the top of this file,
    // and "an intermediary that does not process fields [...] MUST NOT forward" them.
    spec: [
      { rfc: 9113, section: '8.2.1' },
      { rfc: 9113, section: '8.1.1' },
      { rfc: 9113, section: '10.3' },
    ],
    requirement:
      'A request with NUL, CR or LF in a field value, or a name with a control, SP, uppercase, DEL, non-ASCII or a colon, is malformed and MUST NOT be forwarded, in a header or a trailer section (400 is a SHOULD; which refusal is INFO).',
    level: 'MUST',
    roles: ['reverse', 'forward'],
    front: 'h2',
    timeoutMs: 40_000,
    run: (ctx) => {
      const connections = new H2Connections(ctx)
      return runVariants(
        ctx,
        badFieldAttempts(ctx, encoding).map((attempt) => [
          attempt.label,
          async () =>
            refusedNothingForwarded(ctx, await runAttempt(ctx, connections, attempt), {
              expected:
                'the request refused and nothing of it at the origin (or, for trailers, the message already under way cut off by closing its upstream connection)',
              forwardedDetail: injectionDetail,
              never: ['x-injected', '/smug-'],
            }),
        ]),
      )
    },
  })
}

/** H2-06: the fields a request may not carry, one stream each. */
const CONNECTION_SPECIFIC: readonly {
  readonly tag: string
  readonly fields: readonly (readonly [string, string])[]
}[] = [
  { tag: 'connection-close', fields: [['connection', 'close']] },
  {
    tag: 'connection-option',
    fields: [
      ['connection', 'x-hop'],
      ['x-hop', '1'],
    ],
  },
  { tag: 'keep-alive', fields: [['keep-alive', 'timeout=5']] },
  { tag: 'proxy-connection', fields: [['proxy-connection', 'keep-alive']] },
  {
    tag: 'upgrade-websocket',
    fields: [
      ['upgrade', 'websocket'],
      ['connection', 'upgrade'],
      ['sec-websocket-key', 'dGhlIHNhbXBsZSBub25jZQ=='],
      ['sec-websocket-version', '13'],
    ],
  },
  {
    tag: 'upgrade-h2c',
    fields: [
      ['upgrade', 'h2c'],
      ['http2-settings', 'AAMAAABkAARAAAAAAAIAAAAA'],
    ],
  },
  { tag: 'te-trailers-gzip', fields: [['te', 'trailers, gzip']] },
  { tag: 'te-gzip', fields: [['te', 'gzip']] },
]

/** H2-06: reported apart when an Upgrade reached the origin, and whether its 101 or bytes came back. */
function upgradeDetail(o: Observation): string {
  const upgraded = o.forwarded.filter(
    (s) => fieldValues(s.request.message.head.headers, 'upgrade').length > 0,
  )
  if (upgraded.length === 0) return 'a request with a connection-specific field was forwarded'
  const relayed =
    o.result !== undefined &&
    (o.result.blocks.some((b) => b.fields.some((f) => f.name === ':status' && f.value === '101')) ||
      o.result.data.includes(TUNNEL_MARKER))
  return `the h2 request became an HTTP/1.1 Upgrade request at the origin${relayed ? ', and the target relayed the 101 or the bytes after it' : ''}`
}

/** H2-08: the line the origin got for `name`, and whether the whitespace stayed or went. */
function whitespaceDetail(name: string, sent: string) {
  return (o: Observation): string => {
    const lines = o.forwarded.flatMap((s) =>
      rawOf(s)
        .toString('latin1')
        .split('\r\n')
        .filter((l) => l.toLowerCase().startsWith(`${name}:`)),
    )
    if (lines.length === 0) return `forwarded without a ${name} line`
    // One SP after the colon is the writer's separator; what follows it is the value as written.
    const written = lines[0]!.slice(name.length + 1).replace(/^ /, '')
    const how = written === sent ? 'as sent' : written === sent.trim() ? 'trimmed' : 'changed'
    return `the value arrived ${how}: ${JSON.stringify(lines[0])}`
  }
}

const WHITESPACE: readonly {
  readonly tag: string
  readonly name: string
  readonly value: string
  readonly body?: string
}[] = [
  { tag: 'ws-leading-sp', name: 'x-a', value: ' v' },
  { tag: 'ws-trailing-tab', name: 'x-a', value: 'v\t' },
  { tag: 'ws-only-sp', name: 'x-a', value: ' ' },
  { tag: 'ws-cookie', name: 'cookie', value: ' s=1' },
  { tag: 'ws-content-length', name: 'content-length', value: ' 5', body: 'abcde' },
  { tag: 'ws-authorization', name: 'authorization', value: 'Bearer t ' },
]

const CONTROL: readonly { readonly tag: string; readonly value: string }[] = [
  { tag: 'ctl-soh', value: 'v\x01v' },
  { tag: 'ctl-del', value: 'v\x7fv' },
]

function simpleAttempt(
  ctx: CaseContext,
  tag: string,
  fields: readonly (readonly [string, string])[],
  body?: string,
): Attempt {
  return {
    tag,
    label: fields.map(([n, v]) => `${n}: ${JSON.stringify(v)}`).join(', '),
    send: (client, paths) =>
      client.request({
        ...ctx.h2Target(paths.main),
        ...(body === undefined ? {} : { method: 'POST', body }),
        fields: fields.map(([name, value]) => ({ name, value })),
      }),
  }
}

export const requestFieldCases: readonly CaseDefinition[] = [
  badFieldCase('literal', 'field-crlf-nul-rejected'),
  badFieldCase('indexed-name', 'field-crlf-nul-indexed-name-rejected'),
  badFieldCase('huffman', 'field-crlf-nul-huffman-rejected'),
  badFieldCase('dynamic', 'field-crlf-nul-dynamic-reference-rejected'),

  defineCase({
    id: 'connection-specific-fields-rejected',
    title:
      'An h2 request with Connection, Keep-Alive, Proxy-Connection, Upgrade or a TE other than trailers is refused, and never becomes an HTTP/1.1 Upgrade',
    requirements: ['H2-06'],
    // RFC 9113 §8.2.2: "Any message containing connection-specific header fields
    // MUST be treated as malformed"; TE "MUST NOT contain any value other than
    // 'trailers'"; §8.1.1: "MUST NOT forward a malformed request".
    spec: [
      { rfc: 9113, section: '8.2.2' },
      { rfc: 9113, section: '8.1.1' },
      { rfc: 9110, section: '7.6.1' },
    ],
    requirement:
      'An h2 request carrying a connection-specific field, or TE with anything but "trailers", is malformed and MUST NOT be forwarded.',
    level: 'MUST',
    roles: ['reverse', 'forward'],
    front: 'h2',
    timeoutMs: 20_000,
    run: (ctx) => {
      const connections = new H2Connections(ctx)
      return runVariants(
        ctx,
        CONNECTION_SPECIFIC.map(({ tag, fields }) => {
          const attempt = simpleAttempt(ctx, tag, fields)
          return [
            attempt.label,
            async () =>
              refusedNothingForwarded(ctx, await runAttempt(ctx, connections, attempt), {
                expected: 'the request refused and nothing of it at the origin',
                forwardedDetail: upgradeDetail,
              }),
          ]
        }),
      )
    },
  }),

  defineCase({
    id: 'te-trailers-accepted',
    title:
      'An h2 request with te: trailers is forwarded, and TE reaches the HTTP/1.1 origin only with its te connection option',
    requirements: ['H2-06'],
    // RFC 9113 §8.2.2: TE "MAY be present in an HTTP/2 request" with the value
    // "trailers"; RFC 9110 §10.1.4: "a sender of TE MUST also send a 'TE'
    // connection option within the Connection header field (Section 7.6.1) in
    // order to prevent the TE header field from being forwarded by
    // intermediaries that do not support its semantics". The front that writes
    // HTTP/1.1 is that sender; nghttpx, HAProxy and Caddy write `te: trailers`
    // alone (nginx and Apache drop TE), which is
    // why this fails on most peers: the sentence has no exception for a
    // translating intermediary. Refusing the well-formed request breaks no
    // keyword: graded SHOULD (WARN).
    spec: [
      { rfc: 9113, section: '8.2.2' },
      { rfc: 9110, section: '10.1.4' },
    ],
    requirement:
      'te: trailers is the one TE an h2 request may carry; forwarded on HTTP/1.1, TE MUST travel with a "te" connection option.',
    level: 'MUST',
    roles: ['reverse', 'forward'],
    front: 'h2',
    async run(ctx) {
      const witness = witnessOf(ctx)
      const client = await ctx.h2()
      const path = ctx.path('te-trailers')
      const id = await client.request({
        ...ctx.h2Target(path),
        fields: [{ name: 'te', value: 'trailers' }],
      })
      const ended = await client.waitForStreamEnd(id, { timeoutMs: ctx.remainingMs() - 200 })
      const seen = await witness.arrival(path, isTimeout(ended) ? 0 : STEP_MS)
      if (seen === undefined) {
        if (isTimeout(ended)) return timedOut('the answer to a GET with te: trailers', STEP_MS)
        return violates(
          'the well-formed request with te: trailers forwarded',
          `refused (${ended.status ?? ended.end}${ended.rstCode === undefined ? '' : `, RST_STREAM ${ended.rstCode}`}) and nothing reached the origin`,
          'SHOULD',
        )
      }
      const head = seen.request.message.head
      const te = fieldValues(head.headers, 'te')
      ctx.note(`the origin received ${JSON.stringify(head.raw.toString('latin1'))}`)
      if (te.length === 0) return conforms('forwarded; TE not passed on (a hop-by-hop field)')
      const options = connectionOptions(head.headers)
      if (!options.includes('te') || te.some((v) => v.trim().toLowerCase() !== 'trailers'))
        return violates(
          'TE: trailers together with Connection: te, or no TE at all',
          `TE ${JSON.stringify(te)} with Connection options ${JSON.stringify(options)}`,
        )
      return conforms('forwarded with TE: trailers and its te connection option')
    },
  }),

  defineCase({
    id: 'field-value-whitespace-rejected',
    title:
      'An h2 field value that starts or ends with SP or HTAB is refused, neither forwarded as sent nor trimmed',
    requirements: ['H2-08'],
    // RFC 9113 §8.2.1: "A field value MUST NOT start or end with an ASCII
    // whitespace character (ASCII SP or HTAB, 0x20 or 0x09)", and such a request
    // "MUST be treated as malformed"; §8.1.1: "MUST NOT forward".
    spec: [
      { rfc: 9113, section: '8.2.1' },
      { rfc: 9113, section: '8.1.1' },
    ],
    requirement:
      'A field value with leading or trailing SP/HTAB makes the request malformed; it MUST NOT be forwarded, trimmed or not.',
    level: 'MUST',
    roles: ['reverse', 'forward'],
    front: 'h2',
    timeoutMs: 15_000,
    run: (ctx) => {
      const connections = new H2Connections(ctx)
      return runVariants(
        ctx,
        WHITESPACE.map(({ tag, name, value, body }) => {
          const attempt = simpleAttempt(ctx, tag, [[name, value]], body)
          return [
            attempt.label,
            async () =>
              refusedNothingForwarded(ctx, await runAttempt(ctx, connections, attempt), {
                expected: 'the request refused and nothing of it at the origin',
                forwardedDetail: whitespaceDetail(name, value),
              }),
          ]
        }),
      )
    },
  }),

  defineCase({
    id: 'field-value-control-bytes-rejected',
    title: 'An h2 field value with a control octet or DEL is refused (400 expected)',
    requirements: ['H2-08'],
    // RFC 9113 §8.2.1: "HTTP/2 implementations SHOULD validate field names and
    // values, respectively, and treat messages that contain prohibited
    // characters as malformed" (RFC 9110 §5.5 field-content: no CTL but HTAB, no DEL).
    spec: [
      { rfc: 9113, section: '8.2.1' },
      { rfc: 9110, section: '5.5' },
    ],
    requirement:
      'A field value with a control octet other than HTAB, or DEL, SHOULD be treated as malformed and answered 400.',
    level: 'SHOULD',
    roles: ['reverse', 'forward'],
    front: 'h2',
    timeoutMs: 10_000,
    run: (ctx) => {
      const connections = new H2Connections(ctx)
      return runVariants(
        ctx,
        CONTROL.map(({ tag, value }) => {
          const attempt = simpleAttempt(ctx, tag, [['x-a', value]])
          return [
            attempt.label,
            async () =>
              refusedNothingForwarded(ctx, await runAttempt(ctx, connections, attempt), {
                expected: 'the request refused (400 expected)',
                forwardedDetail: () => 'the request was forwarded (WARN: SHOULD)',
              }),
          ]
        }),
      )
    },
  }),
]
