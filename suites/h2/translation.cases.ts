// H2-05, H2-09, H2-10 (Host from :authority, one well-formed h1 message, cookie crumbs).
//
// What the HTTP/1.1 origin receives is the evidence: its raw bytes, parsed by
// harness/wire (anomalies recorded), one request per variant, each variant
// closed by a fence request (support/pseudo-probe.ts) so a request that is
// not there is known not to be coming.
//
// One origin only: the harness cannot give "a.test" and "b.test" origins of
// their own. H2-05 therefore judges routing by the Host the origin receives
// and, in forward mode, by where the request went (b.test does not resolve,
// so a proxy that routes by the host field instead of :authority reaches
// nothing). A reverse proxy whose vhost rules send b.test elsewhere would show
// here only as the request not arriving; this case cannot see which backend
// a vhost split chose.
import type { CaseContext } from '../../harness/engine/model/case-context.js'
import { defineCase, type CaseDefinition } from '../../harness/engine/model/case.js'
import { conforms, violates, type Outcome } from '../../harness/engine/model/outcome.js'
import type { FieldSpec } from '../../harness/h2/hpack-encoder.js'
import type { H2RequestSpec } from '../../harness/h2/raw-client.js'
import { isTimeout } from '../../harness/net/deadline.js'
import type { OriginRequest } from '../../harness/origin/types.js'
import { isInformational } from '../../harness/wire/anomalies.js'
import { fieldValues } from '../../harness/wire/fields.js'
import { runVariants } from '../support/variants.js'
import {
  arrivedSince,
  describeArrival,
  describeStream,
  fence,
  H2Lane,
  streamWaitMs,
  targetPseudo,
  tokenField,
} from './support/pseudo-probe.js'

/** What one request of a variant led to: the client's view and what reached the origin. */
interface Exchange {
  readonly client: string
  readonly status: string | undefined
  readonly arrived: readonly OriginRequest[]
}

/** Sends `spec` on the lane, waits for its stream to end and for a fence; what arrived meanwhile. */
async function exchange(
  ctx: CaseContext,
  lane: H2Lane,
  spec: H2RequestSpec,
): Promise<Exchange | Outcome> {
  const client = await lane.client()
  const mark = ctx.origin.requests().length
  const id = await client.request(spec)
  const result = await client.waitForStreamEnd(id, { timeoutMs: streamWaitMs(ctx) })
  const fenced = await fence(ctx, lane)
  if (fenced !== undefined) return fenced
  const stream = isTimeout(result) ? undefined : result
  return {
    client: describeStream(stream),
    status: stream?.status,
    arrived: arrivedSince(ctx, mark),
  }
}

const isOutcome = (x: Exchange | Outcome): x is Outcome => 'kind' in x

const hostLines = (r: OriginRequest): string[] => fieldValues(r.message.head.headers, 'host')

/** The authority the H2-05 variants name in :authority: --host when the run has one, else "a.test". */
function entityA(ctx: CaseContext): string {
  return ctx.originHost !== ctx.origin.authority ? ctx.originHost : 'a.test'
}

const B = 'b.test'

/** A request for ctx.path(suffix) with :authority `authority` (omitted when undefined) and these host fields. */
function hostRequest(
  ctx: CaseContext,
  suffix: string,
  authority: string | undefined,
  hosts: readonly string[],
): H2RequestSpec {
  const pseudo = targetPseudo(ctx, ctx.path(suffix)).flatMap((f) =>
    f.name !== ':authority' ? [f] : authority === undefined ? [] : [{ ...f, value: authority }],
  )
  return {
    pseudo,
    fields: [...hosts.map((value) => ({ name: 'host', value })), tokenField(ctx)],
  }
}

/** One Host, its value: or what is wrong with the Host lines of the one request that arrived. */
function singleHost(arrived: readonly OriginRequest[]): { host: string } | { problem: string } {
  if (arrived.length !== 1)
    return {
      problem: `${arrived.length} requests reached the origin: ${arrived.map(describeArrival).join('; ')}`,
    }
  const hosts = hostLines(arrived[0]!)
  if (hosts.length !== 1)
    return {
      problem: `${hosts.length} Host lines reached the origin: ${describeArrival(arrived[0]!)}`,
    }
  return { host: hosts[0]! }
}

const H2_05_MUST =
  'RFC 9113 §8.3.1: the recipient MUST NOT use Host for the target URI when :authority is present; an intermediary that generates Host MUST use the :authority value (replacing any Host)'

async function reverseHostVariants(ctx: CaseContext): Promise<Outcome> {
  const lane = new H2Lane(ctx)
  const a = entityA(ctx)
  const https = ctx.h2Target('/').scheme === 'https'
  const aCased = `${a.toUpperCase()}${a.includes(':') ? '' : https ? ':443' : ':80'}`
  const forwardedHost = (
    label: string,
    x: Exchange,
    expectHost: string,
    rejected: Outcome,
    forwardedOk: (host: string) => Outcome,
  ): Outcome => {
    if (x.arrived.length === 0) return rejected
    const one = singleHost(x.arrived)
    if ('problem' in one) return violates(`${label}: one Host line`, one.problem)
    if (one.host === B)
      return violates(
        `${label}: Host: ${expectHost} (${H2_05_MUST})`,
        `Host: ${B}, from the host field; client saw ${x.client}`,
      )
    if (one.host !== expectHost && one.host.toLowerCase() === aCased.toLowerCase())
      return violates(
        `${label}: Host: ${expectHost} (${H2_05_MUST})`,
        `Host: ${one.host}, the host field's value; client saw ${x.client}`,
      )
    return forwardedOk(one.host)
  }
  return runVariants(ctx, [
    [
      `(a) :authority ${a}, host ${B}`,
      async () => {
        // RFC 9113 §8.3.1: "A server SHOULD treat a request as malformed if it contains a
        // Host header field that identifies an entity that differs from the entity in
        // the ":authority" pseudo-header field" (refusing is best: forwarding warns).
        const x = await exchange(ctx, lane, hostRequest(ctx, 'ha-', a, [B]))
        if (isOutcome(x)) return x
        return forwardedHost(
          '(a)',
          x,
          a,
          conforms(`refused (${x.client}), nothing forwarded`),
          (host) =>
            violates(
              `(a) refused as malformed (RFC 9113 §8.3.1 SHOULD: a Host naming another entity than :authority)`,
              `forwarded with Host: ${host}${host === a ? '' : ' (the intermediary rewrote the target)'}`,
              'SHOULD',
            ),
        )
      },
    ],
    [
      `(b) :authority ${a}, host ${aCased}`,
      async () => {
        // RFC 9113 §8.3.1: servers "MUST perform scheme-based normalization" before
        // comparing, so the same entity is no mismatch; Host is the :authority value.
        const x = await exchange(ctx, lane, hostRequest(ctx, 'hb-', a, [aCased]))
        if (isOutcome(x)) return x
        return forwardedHost(
          '(b)',
          x,
          a,
          violates(
            `(b) forwarded: ${aCased} and ${a} are the same entity after scheme-based normalization (RFC 9113 §8.3.1)`,
            `refused (${x.client}), nothing forwarded`,
            'SHOULD',
          ),
          (host) => conforms(`forwarded with Host: ${host}`),
        )
      },
    ],
    [
      `(c) no :authority, host ${a}`,
      async () => {
        // RFC 9113 §8.3.1: a request for an http(s) target "MUST contain either an
        // ":authority" pseudo-header field or a Host header field": Host alone is valid.
        const x = await exchange(ctx, lane, hostRequest(ctx, 'hc-', undefined, [a]))
        if (isOutcome(x)) return x
        if (x.arrived.length === 0)
          return violates(
            `(c) forwarded with Host: ${a} (a valid request)`,
            `refused (${x.client})`,
            'INFO',
          )
        const one = singleHost(x.arrived)
        if ('problem' in one) return violates('(c) one Host line', one.problem)
        return conforms(`forwarded with Host: ${one.host}`)
      },
    ],
    [
      `(d) :authority ${a}, host ${a} and host ${B}`,
      async () => {
        const x = await exchange(ctx, lane, hostRequest(ctx, 'hd-', a, [a, B]))
        if (isOutcome(x)) return x
        return forwardedHost(
          '(d)',
          x,
          a,
          conforms(`refused (${x.client}), nothing forwarded`),
          (host) => conforms(`forwarded with the one Host: ${host}`),
        )
      },
    ],
  ])
}

async function forwardHostVariant(ctx: CaseContext): Promise<Outcome> {
  const lane = new H2Lane(ctx)
  const target = ctx.h2Target('/').authority
  return runVariants(ctx, [
    [
      `(e) :scheme http, :authority ${target}, host ${B}`,
      async () => {
        const x = await exchange(ctx, lane, hostRequest(ctx, 'he-', target, [B]))
        if (isOutcome(x)) return x
        if (x.arrived.length === 0) {
          // b.test does not resolve: a 5xx with nothing at :authority's origin is routing by host.
          if (x.status?.startsWith('5') === true)
            return violates(
              `(e) routed to :authority ${target} (${H2_05_MUST})`,
              `${x.client} and nothing reached ${target}: routed by the host field ${B}?`,
            )
          return conforms(`refused (${x.client}), nothing forwarded`)
        }
        const one = singleHost(x.arrived)
        if ('problem' in one) return violates('(e) one Host line', one.problem)
        if (one.host !== target)
          return violates(
            `(e) Host: ${target} (${H2_05_MUST})`,
            `Host: ${one.host}; client saw ${x.client}`,
          )
        return violates(
          `(e) refused as malformed (RFC 9113 §8.3.1 SHOULD: a Host naming another entity than :authority)`,
          `forwarded to ${target} with Host: ${one.host} (routing and Host right)`,
          'SHOULD',
        )
      },
    ],
  ])
}

/** What a variant of H2-09 sent, and what the origin must get. */
interface Translation {
  readonly label: string
  readonly spec: H2RequestSpec
  readonly method: string
  /** The request-target the origin must see (first), or the others it may. */
  readonly target: string
  readonly targets: readonly string[]
  readonly body: string
  /** The request ended on its HEADERS frame: no body, no chunked framing. */
  readonly headersEnded: boolean
  /** The Host the origin must see (undefined: exactly one, any value). */
  readonly host?: string
}

/** What is wrong with the one message that arrived, or undefined (RFC 9112 §3, §3.2, §6.1, §6.3). */
function messageProblem(t: Translation, arrived: readonly OriginRequest[]): string | undefined {
  if (arrived.length !== 1) return `${arrived.length} messages reached the origin`
  const r = arrived[0]!
  const { head } = r.message
  const bad = r.message.anomalies.filter((a) => !isInformational(a.code))
  if (bad.length > 0)
    return `not a well-formed HTTP/1.1 message: ${bad.map((a) => a.code).join(', ')}`
  if (!r.message.complete) return 'the message was cut off'
  if (head.method !== t.method || !t.targets.includes(head.target))
    return `request line "${head.method} ${head.target} ${head.version}" (expected "${t.method} ${t.targets.join('" or "')}")`
  const hosts = hostLines(r)
  if (hosts.length !== 1) return `${hosts.length} Host lines`
  if (t.host !== undefined && hosts[0] !== t.host) return `Host: ${hosts[0]} (expected ${t.host})`
  const pseudo = head.headers.find((h) => h.name.startsWith(':'))
  if (pseudo !== undefined) return `a pseudo-header name on the wire: ${pseudo.name}`
  const cl = fieldValues(head.headers, 'content-length')
  const te = fieldValues(head.headers, 'transfer-encoding')
  if (cl.length > 0 && te.length > 0)
    return `both Content-Length (${cl.join(', ')}) and Transfer-Encoding (${te.join(', ')})`
  if (t.headersEnded && te.length > 0)
    return `Transfer-Encoding: ${te.join(', ')} on a request that ended on its HEADERS frame`
  if (t.headersEnded && cl.some((v) => v !== '0'))
    return `Content-Length: ${cl.join(', ')} on a request without a body`
  if (r.message.body.toString('latin1') !== t.body)
    return `body ${JSON.stringify(r.message.body.toString('latin1'))} (sent ${JSON.stringify(t.body)})`
  return undefined
}

/** INFO notes: the framing chosen and the Via member added. */
function framingNote(r: OriginRequest): string {
  const { headers } = r.message.head
  const te = fieldValues(headers, 'transfer-encoding')
  const cl = fieldValues(headers, 'content-length')
  const framing =
    te.length > 0 ? `chunked` : cl.length > 0 ? `Content-Length: ${cl[0]}` : 'no framing field'
  const via = fieldValues(headers, 'via')
  return `${framing}${via.length > 0 ? `, Via: ${via.join(', ')}` : ', no Via'}`
}

function translations(ctx: CaseContext): Translation[] {
  const forward = ctx.role === 'forward'
  const item = (
    suffix: string,
    method: string,
    rest: Omit<H2RequestSpec, 'pseudo'> = {},
  ): H2RequestSpec => {
    const pseudo = targetPseudo(ctx, ctx.path(suffix)).map((f) =>
      f.name === ':method' ? { ...f, value: method } : f,
    )
    return { ...rest, pseudo, fields: [...(rest.fields ?? []), tokenField(ctx)] }
  }
  const list: Omit<Translation, 'targets'>[] = [
    {
      label: '(a) POST in 3 DATA frames, no content-length',
      spec: item('t-a', 'POST', { body: 'abcdefghi', dataChunks: 3 }),
      method: 'POST',
      target: ctx.path('t-a'),
      body: 'abcdefghi',
      headersEnded: false,
    },
    {
      label: '(b) POST with a matching content-length',
      spec: item('t-b', 'POST', { body: 'hello', contentLength: 5 }),
      method: 'POST',
      target: ctx.path('t-b'),
      body: 'hello',
      headersEnded: false,
    },
    {
      label: '(c) GET, END_STREAM on HEADERS',
      spec: item('t-c', 'GET'),
      method: 'GET',
      target: ctx.path('t-c'),
      body: '',
      headersEnded: true,
    },
    {
      label: '(d) POST, END_STREAM on HEADERS',
      spec: item('t-d', 'POST'),
      method: 'POST',
      target: ctx.path('t-d'),
      body: '',
      headersEnded: true,
    },
    {
      label: '(e) POST, content-length: 0, an empty DATA with END_STREAM',
      spec: item('t-e', 'POST', { contentLength: 0, endStream: false }),
      method: 'POST',
      target: ctx.path('t-e'),
      body: '',
      headersEnded: false,
    },
    {
      label: '(f) OPTIONS with :path *',
      spec: {
        pseudo: targetPseudo(ctx, '*').map((f) =>
          f.name === ':method' ? { ...f, value: 'OPTIONS' } : f,
        ),
        fields: [tokenField(ctx)],
      },
      method: 'OPTIONS',
      target: '*',
      body: '',
      headersEnded: true,
    },
  ]
  // A forward proxy may believe its next hop is another proxy (nghttpx --http2-proxy
  // does): RFC 9112 §3.2.2 then asks for absolute-form, and §3.2.4 keeps
  // "http://authority" for a server-wide OPTIONS until the last proxy.
  const authority = ctx.h2Target('/').authority
  const also = (t: Omit<Translation, 'targets'>): Translation => ({
    ...t,
    targets: !forward
      ? [t.target]
      : [t.target, t.target === '*' ? `http://${authority}` : `http://${authority}${t.target}`],
  })
  if (forward) {
    list.push({
      label: '(g) :scheme http, :authority of the origin, :path with a query',
      spec: item('t-g?q=1', 'GET'),
      method: 'GET',
      target: ctx.path('t-g?q=1'),
      body: '',
      headersEnded: true,
      host: authority,
    })
  }
  return list.map(also)
}

/** Cookie crumbs: literal names, or static index 32 (the encoder's default for "cookie"). */
function cookieFields(literal: boolean): FieldSpec[] {
  const as = literal ? ({ as: { kind: 'literal', name: 'literal' } } as const) : {}
  return [
    { name: 'cookie', value: 'a=1', ...as },
    { name: 'x-mid', value: '1' },
    { name: 'cookie', value: 'b=2', ...as },
    { name: 'cookie', value: 'c=3; d=4', ...as },
  ]
}

export const translationCases: readonly CaseDefinition[] = [
  defineCase({
    id: 'host-from-authority',
    title:
      'With :authority present, the request is routed by it and reaches the origin with exactly one Host equal to it; a disagreeing host field is refused or overridden',
    requirements: ['H2-05'],
    spec: [
      { rfc: 9113, section: '8.3.1' },
      { rfc: 9113, section: 'B' },
      { rfc: 9110, section: '7.2' },
    ],
    requirement:
      'The recipient never uses Host for the target when :authority is present, and an intermediary writing Host takes the :authority value, replacing any Host (MUST); a Host naming another entity should make the request malformed (SHOULD).',
    level: 'MUST',
    roles: ['reverse', 'forward'],
    front: 'h2',
    timeoutMs: 15_000,
    run(ctx) {
      // RFC 9113 §8.3.1: "The recipient of an HTTP/2 request MUST NOT use the Host
      // header field to determine the target URI if ":authority" is present" and "An
      // intermediary that needs to generate a Host header field ... MUST use the value
      // from the ":authority" pseudo-header field as the value of the Host field,
      // unless the intermediary also changes the request target. This replaces any
      // existing Host field".
      return ctx.role === 'forward' ? forwardHostVariant(ctx) : reverseHostVariants(ctx)
    },
  }),

  defineCase({
    id: 'one-well-formed-h1-message',
    title:
      'Each h2 request reaches the HTTP/1.1 origin as exactly one well-formed message: one Host, no pseudo-header names, one framing matching the DATA sent',
    requirements: ['H2-09'],
    spec: [
      { rfc: 9113, section: '8.1' },
      { rfc: 9113, section: '8.3.1' },
      { rfc: 9112, section: '3.2' },
      { rfc: 9112, section: '6.1' },
      { rfc: 9112, section: '6.3' },
    ],
    requirement:
      'An h2 request becomes one HTTP/1.1 message: method SP target SP version, exactly one Host, no pseudo-header fields, Content-Length equal to the DATA or chunked, never both, and no body framing for a request that ended on its HEADERS.',
    level: 'MUST',
    roles: ['reverse', 'forward'],
    front: 'h2',
    timeoutMs: 15_000,
    run(ctx) {
      // RFC 9112 §6.1: "A sender MUST NOT send a Content-Length header field in any
      // message that contains a Transfer-Encoding header field"; §3.2: "A client MUST
      // send a Host header field ... in all HTTP/1.1 request messages" (one: "more
      // than one Host header field line" is a 400); §3.2.1 origin-form toward an
      // origin, §3.2.4 "*" for a server-wide OPTIONS; RFC 9113 §8.3: pseudo-header
      // fields "are not HTTP header fields" (never written as fields).
      const lane = new H2Lane(ctx)
      return runVariants(
        ctx,
        translations(ctx).map((t) => [
          t.label,
          async (): Promise<Outcome> => {
            if (t.label.startsWith('(e)')) {
              // HEADERS (content-length 0) then an empty DATA frame with END_STREAM.
              const client = await lane.client()
              const mark = ctx.origin.requests().length
              const id = await client.request(t.spec)
              await client.connection.sendData(id, Buffer.alloc(0), { endStream: true })
              const result = await client.waitForStreamEnd(id, { timeoutMs: streamWaitMs(ctx) })
              const fenced = await fence(ctx, lane)
              if (fenced !== undefined) return fenced
              return judge(t, {
                client: describeStream(isTimeout(result) ? undefined : result),
                status: isTimeout(result) ? undefined : result.status,
                arrived: arrivedSince(ctx, mark),
              })
            }
            const x = await exchange(ctx, lane, t.spec)
            return isOutcome(x) ? x : judge(t, x)
          },
        ]),
      )
    },
  }),

  defineCase({
    id: 'cookie-crumbs-joined',
    title:
      'Several cookie fields reach the HTTP/1.1 origin as one Cookie line, joined with "; " in order',
    requirements: ['H2-10'],
    spec: [{ rfc: 9113, section: '8.2.3' }],
    requirement:
      'Cookie crumbs of an h2 request are concatenated with "; " into one Cookie field before the request goes to an HTTP/1.1 hop.',
    level: 'MUST',
    roles: ['reverse', 'forward'],
    front: 'h2',
    timeoutMs: 10_000,
    run(ctx) {
      // RFC 9113 §8.2.3: "If there are multiple cookie header fields after
      // decompression, these MUST be concatenated into a single octet string using
      // the two-octet delimiter of 0x3b, 0x20 (the ASCII string "; ") before being
      // passed into a non-HTTP/2 context, such as an HTTP/1.1 connection".
      const lane = new H2Lane(ctx)
      const want = 'a=1; b=2; c=3; d=4'
      const variant = (literal: boolean, suffix: string) =>
        [
          literal ? 'cookie names as literals' : 'cookie names as static index 32',
          async (): Promise<Outcome> => {
            const x = await exchange(ctx, lane, {
              pseudo: targetPseudo(ctx, ctx.path(suffix)),
              fields: [...cookieFields(literal), tokenField(ctx)],
            })
            if (isOutcome(x)) return x
            if (x.arrived.length !== 1)
              return violates(
                `the request forwarded once with Cookie: ${want}`,
                `${x.arrived.length} requests reached the origin (client saw ${x.client})`,
                x.arrived.length === 0 ? 'INFO' : undefined,
              )
            const cookies = fieldValues(x.arrived[0]!.message.head.headers, 'cookie')
            if (cookies.length !== 1 || cookies[0] !== want)
              return violates(
                `exactly one Cookie: ${want}`,
                `${cookies.length} Cookie line(s): ${cookies.map((c) => JSON.stringify(c)).join(', ')}`,
              )
            return conforms(`Cookie: ${cookies[0]}`)
          },
        ] as const
      return runVariants(ctx, [variant(true, 'ck-literal'), variant(false, 'ck-indexed')])
    },
  }),
]

/** H2-09's verdict on one variant: a malformed message fails; not forwarding a valid request is INFO. */
function judge(t: Translation, x: Exchange): Outcome {
  if (x.arrived.length === 0)
    return violates(
      `${t.label} forwarded as one well-formed message`,
      `nothing reached the origin (client saw ${x.client}); no sentence binds forwarding it`,
      'INFO',
    )
  const problem = messageProblem(t, x.arrived)
  if (problem !== undefined)
    return violates(
      `${t.label}: one well-formed HTTP/1.1 message "${t.method} ${t.target}", one Host, one framing matching the DATA`,
      `${problem}: ${x.arrived.map(describeArrival).join('; ')}`,
    )
  return conforms(`INFO: ${framingNote(x.arrived[0]!)}`)
}
