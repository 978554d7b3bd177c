import { TOKEN_FIELD } from '../../harness/net/token.js'
// The request-target and Host a proxy forwards.
// RFC 9112 §3.2.2: "When a proxy receives a request with an absolute-form of
// request-target, the proxy MUST ignore the received Host header field (if
// any) and instead replace it with the host information of the
// request-target. A proxy that forwards such a request MUST generate a new
// Host field value based on the received request-target rather than forward
// the received Host field value." Toward an origin the target is origin-form
// (§3.2.1).
// RFC 9112 §3.2: "A server MUST respond with a 400 (Bad Request) status code
// to any HTTP/1.1 request message that lacks a Host header field and to any
// request message that contains more than one Host header field line or a
// Host header field with an invalid field value." A gateway is the server its
// client talks to, so an origin-form request to it is graded by that sentence
// (reverse role). A forward proxy gets absolute-form, and there the proxy
// sentence of §3.2.2 governs: the received Host is ignored, so a missing,
// repeated or invalid one is no reason to fail a proxy that forwards with a
// Host rebuilt from the target; a 400 (§3.2) is as good. What is graded (MUST)
// is the Host it forwards.
// RFC 9110 §7.7: path and query are forwarded byte for byte.
// A server-wide OPTIONS carries no path, so no case token: the origin's
// default answer, which names the request-target it read ("proxyspec origin:
// OPTIONS *"), is the evidence of what arrived there. RFC 9112 §3.2.4 binds
// "the last proxy on the request chain" that receives the absolute-form with
// an empty path (forward role, MUST); a gateway gets "OPTIONS *" itself, which
// asks about the server it is, so what it does with it is INFO (reverse role).
import type { CaseContext } from '../../harness/engine/model/case-context.js'
import { defineCase } from '../../harness/engine/model/case.js'
import {
  conforms,
  observed,
  timedOut,
  violates,
  type Outcome,
} from '../../harness/engine/model/outcome.js'
import { requestBytes } from '../../harness/wire/serialize.js'
import type { FieldLine } from '../../harness/wire/types.js'
import { responseOf, statusLine } from '../support/request.js'
import { bothEndsOf, isRefusal, listed, ownAnswer, requestAtOrigin } from './exchange.js'
import { provenance } from '../support/provenance.js'
import { exchange } from '../support/exchange.js'

/** The Host lines a request for the origin can carry that §3.2 calls missing, repeated or invalid. */
function badHosts(ctx: CaseContext): readonly {
  readonly name: string
  readonly hosts: readonly FieldLine[]
}[] {
  return [
    { name: 'no Host', hosts: [] },
    {
      name: 'Host twice',
      hosts: [
        ['Host', ctx.originHost],
        ['Host', ctx.originHost],
      ],
    },
    { name: 'a list', hosts: [['Host', `${ctx.originHost}, b.test`]] },
    { name: 'userinfo', hosts: [['Host', `a.test@${ctx.originHost}`]] },
    { name: 'a bad port', hosts: [['Host', 'a.test:80x']] },
  ]
}

/** The Host lines of a forwarded request. */
const hostLines = (headers: readonly { readonly name: string; readonly value: string }[]) =>
  headers.filter((f) => f.name.toLowerCase() === 'host').map((f) => f.value)

/** OPTIONS for the whole origin server: what arrived there, or what the target did instead. */
async function serverWideOptions(ctx: CaseContext): Promise<Outcome> {
  const client = await ctx.connect()
  // Forward: absolute-form with no path; reverse: the asterisk-form itself.
  const target = ctx.role === 'forward' ? `http://${ctx.origin.authority}` : '*'
  await client.write(
    // The target cannot carry the case token, so a field does (TOKEN_FIELD).
    requestBytes({
      method: 'OPTIONS',
      target,
      headers: [
        ['Host', ctx.originHost],
        [TOKEN_FIELD, ctx.token],
      ],
    }),
  )
  const read = responseOf(await client.readResponse(), 'an answer to OPTIONS')
  const echo = read.body.toString('latin1')
  if (!echo.startsWith('proxyspec origin: '))
    return observed(
      `OPTIONS ${target}: the proxy answered ${statusLine(read)} itself, nothing reached the origin`,
    )
  return echo === 'proxyspec origin: OPTIONS *'
    ? conforms()
    : violates('OPTIONS * at the origin', echo.replace('proxyspec origin: ', ''))
}

export const hostAndTargetCases = [
  defineCase({
    id: 'rebuilds-host-from-absolute-form',
    title:
      'An absolute-form request goes to the origin in origin-form, with Host taken from the target',
    requirements: ['HOP-13'],
    spec: [
      { rfc: 9112, section: '3.2.2' },
      { rfc: 9112, section: '3.2.1' },
    ],
    requirement:
      'A proxy MUST ignore the received Host of an absolute-form request and replace it with the host of the request-target; toward an origin it sends origin-form.',
    level: 'MUST',
    roles: ['forward'],
    async run(ctx) {
      const seen = await requestAtOrigin(ctx, {
        suffix: 'p?q=1',
        noHost: true,
        headers: [['Host', 'evil.test']],
      })
      const { head } = seen.message
      const hosts = head.headers.filter((f) => f.name.toLowerCase() === 'host').map((f) => f.value)
      const problems = [
        ...(head.target === ctx.path('p?q=1')
          ? []
          : [`request-target "${head.target}" (expected ${ctx.path('p?q=1')})`]),
        ...(hosts.length === 1 && hosts[0] === ctx.originHost ? [] : [`Host ${listed(hosts)}`]),
      ]
      return problems.length === 0
        ? conforms()
        : violates(
            `GET ${ctx.path('p?q=1')} with exactly one Host: ${ctx.originHost}`,
            problems.join('; '),
          )
    },
  }),
  // Fails on most real gateways (nginx, HAProxy, squid reverse forward some
  // of these requests). Still a violation for the server the client talks to:
  // RFC 9112 §3.2 "A server MUST respond with a 400 (Bad Request) status code
  // to any HTTP/1.1 request message that lacks a Host header field and to any
  // request message that contains more than one Host header field line or a
  // Host header field with an invalid field value" (any refusal with nothing
  // forwarded passes).
  defineCase({
    id: 'rejects-missing-repeated-or-invalid-host',
    title:
      'An origin-form request with no Host, two Host lines or an invalid Host value gets 400 and goes nowhere',
    requirements: ['HOP-14'],
    spec: [
      { rfc: 9112, section: '3.2' },
      { rfc: 9110, section: '7.2' },
    ],
    requirement:
      'A server (a gateway, to its client) MUST respond with 400 to an HTTP/1.1 request that lacks Host, has more than one Host line, or an invalid Host value.',
    level: 'MUST',
    roles: ['reverse'],
    async run(ctx) {
      const wrong: string[] = []
      const notes: string[] = []
      let silent = 0
      // One connection per variant, one after the other, each reported.
      for (const [index, variant] of badHosts(ctx).entries()) {
        const path = ctx.path(`h${index}`)
        const { answer, request } = await bothEndsOf(
          ctx,
          requestBytes({ method: 'GET', target: path, headers: variant.hosts }),
          ctx.quietMs,
        )
        if (request !== undefined) {
          wrong.push(
            `${variant.name}: forwarded to the origin as Host ${listed(hostLines(request.message.head.headers))}; ${provenance(answer, [request])}`,
          )
          continue
        }
        ctx.note(`${variant.name}: ${ownAnswer(answer)}, nothing forwarded`)
        if (answer.kind === 'timeout') silent += 1
        else if (answer.kind === 'response' && answer.message.head.status === 400) continue
        else if (isRefusal(answer)) notes.push(`${variant.name}: ${ownAnswer(answer)}`)
        else wrong.push(`${variant.name}: ${ownAnswer(answer)}`)
      }
      if (wrong.length > 0)
        return violates('400 to each, and nothing at the origin', wrong.join('; '))
      if (silent > 0) return timedOut(`an answer to ${silent} variant(s)`, ctx.quietMs)
      // §3.2 names 400; another refusal with nothing forwarded keeps the bad request from going on.
      return conforms(
        notes.length > 0
          ? `refused, not with 400, nothing forwarded: ${notes.join('; ')}`
          : undefined,
      )
    },
  }),
  defineCase({
    id: 'absolute-form-ignores-received-host',
    title:
      'An absolute-form request with no Host, two Host lines or an invalid Host value is refused, or forwarded with Host rebuilt from the target',
    requirements: ['HOP-13', 'HOP-14'],
    spec: [
      { rfc: 9112, section: '3.2.2' },
      { rfc: 9112, section: '3.2' },
    ],
    requirement:
      'A proxy MUST ignore the received Host of an absolute-form request and forward a Host generated from the request-target; a 400 (RFC 9112 §3.2) is also correct.',
    level: 'MUST',
    roles: ['forward'],
    async run(ctx) {
      const wrong: string[] = []
      const refused: string[] = []
      const forwarded: string[] = []
      let silent = 0
      for (const [index, variant] of badHosts(ctx).entries()) {
        const path = ctx.path(`a${index}`)
        const { answer, request } = await bothEndsOf(
          ctx,
          requestBytes({
            method: 'GET',
            target: `http://${ctx.origin.authority}${path}`,
            headers: variant.hosts,
          }),
          ctx.quietMs,
        )
        if (request !== undefined) {
          const { head } = request.message
          const hosts = hostLines(head.headers)
          const problems = [
            ...(hosts.length === 1 && hosts[0] === ctx.origin.authority
              ? []
              : [`Host ${listed(hosts)}`]),
            ...(head.target === path ? [] : [`request-target "${head.target}"`]),
          ]
          ctx.note(`${variant.name}: forwarded with Host ${listed(hosts)}`)
          if (problems.length > 0) wrong.push(`${variant.name}: forwarded ${problems.join(', ')}`)
          else forwarded.push(variant.name)
          continue
        }
        ctx.note(`${variant.name}: ${ownAnswer(answer)}, nothing forwarded`)
        if (answer.kind === 'timeout') silent += 1
        else if (isRefusal(answer)) refused.push(variant.name)
        else wrong.push(`${variant.name}: ${ownAnswer(answer)}, nothing forwarded`)
      }
      if (wrong.length > 0) {
        return violates(
          `a refusal, or GET ${ctx.path('aN')} forwarded with exactly one Host: ${ctx.origin.authority}`,
          wrong.join('; '),
        )
      }
      if (silent > 0) return timedOut(`an answer to ${silent} variant(s)`, ctx.quietMs)
      return conforms(
        [
          forwarded.length > 0 ? `forwarded with Host rebuilt: ${forwarded.join(', ')}` : '',
          refused.length > 0 ? `refused, nothing forwarded: ${refused.join(', ')}` : '',
        ]
          .filter((part) => part !== '')
          .join('; '),
      )
    },
  }),
  defineCase({
    id: 'forwards-path-and-query-byte-for-byte',
    title:
      'Path and query reach the origin byte for byte: no decoding, no dot-segments, no slash merging',
    requirements: ['HOP-15'],
    spec: [
      { rfc: 9110, section: '7.7' },
      { rfc: 9112, section: '3.2.1' },
    ],
    requirement:
      'A proxy MUST NOT change the path or query of the request-target it forwards (beyond an empty path becoming "/").',
    level: 'MUST',
    roles: ['forward', 'reverse'],
    async run(ctx) {
      const suffix = 'a/%2e%2e/b//c;x?y=%20&z=%2F'
      const seen = await requestAtOrigin(ctx, { suffix })
      const got = seen.message.head.target
      return got === ctx.path(suffix)
        ? conforms()
        : violates(`request-target ${ctx.path(suffix)} at the origin`, `request-target ${got}`)
    },
  }),
  // RFC 9112 §3.2.1: "If the target URI's path component is empty, the client
  // MUST send "/" as the path within the origin-form of request-target." Toward
  // the origin the proxy is that client. A proxy that copies what follows the
  // authority sends "GET ?q=… HTTP/1.1", which no origin can route.
  defineCase({
    id: 'sends-slash-for-an-empty-path',
    title: 'An absolute-form target with an empty path reaches the origin as "/", its query kept',
    requirements: ['HOP-15'],
    spec: [
      { rfc: 9112, section: '3.2.1' },
      { rfc: 9110, section: '7.7' },
    ],
    requirement:
      'A client MUST send "/" as the path of an origin-form request-target whose URI has an empty path; a proxy forwarding absolute-form is that client.',
    level: 'MUST',
    roles: ['forward'],
    run: (ctx) =>
      exchange(ctx, {
        // The target cannot carry the case token in a path, so a field does (TOKEN_FIELD).
        send: requestBytes({
          method: 'GET',
          target: `http://${ctx.origin.authority}?q=${ctx.token}`,
          headers: [
            ['Host', ctx.originHost],
            [TOKEN_FIELD, ctx.token],
          ],
        }),
        expectAtOrigin: ({ message }) =>
          message.head.target === `/?q=${ctx.token}`
            ? undefined
            : `request-target ${message.head.target}`,
        expected: `request-target /?q=${ctx.token} at the origin`,
      }),
  }),
  // Fails on every real forward proxy (squid, tinyproxy and Apache all send
  // "OPTIONS /"). Still a violation: RFC 9112 §3.2.4 "If a proxy receives an
  // OPTIONS request with an absolute-form of request-target in which the URI
  // has an empty path and no query component, then the last proxy on the
  // request chain MUST send a request-target of "*" when it forwards the
  // request to the indicated origin server." "/" asks about one resource.
  defineCase({
    id: 'forwards-server-wide-options-as-asterisk',
    title: 'OPTIONS for a whole server (no path) reaches the origin as OPTIONS *',
    requirements: ['HOP-15'],
    spec: [
      { rfc: 9112, section: '3.2.4' },
      { rfc: 9110, section: '9.3.7' },
    ],
    requirement:
      'The last proxy on the chain MUST send "*" as the request-target of an OPTIONS whose absolute-form target has an empty path.',
    level: 'MUST',
    roles: ['forward'],
    run: serverWideOptions,
  }),
  defineCase({
    id: 'gateway-forwards-options-asterisk',
    title: 'A gateway that forwards OPTIONS * sends it on as OPTIONS *',
    requirements: ['HOP-15'],
    spec: [
      { rfc: 9112, section: '3.2.4' },
      { rfc: 9110, section: '9.3.7' },
    ],
    requirement:
      'No sentence binds a gateway here: RFC 9112 §3.2.4 binds a proxy that received the absolute-form; a gateway is the server OPTIONS * asks about, and may answer it itself.',
    level: 'INFO',
    roles: ['reverse'],
    run: serverWideOptions,
  }),
]
