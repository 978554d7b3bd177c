// RFC 9112 §6.3 rule 5, RFC 9110 §8.6: an invalid Content-Length is an
// unrecoverable framing error. A request gets 400 and a close, a response a
// 502 and a closed upstream connection; the invalid value never travels on.
import type { CaseContext } from '../../harness/engine/model/case-context.js'
import { defineCase } from '../../harness/engine/model/case.js'
import { conforms, timedOut, violates, type Outcome } from '../../harness/engine/model/outcome.js'
import { isTimeout } from '../../harness/net/deadline.js'
import { fieldValues } from '../../harness/wire/fields.js'
import type { FieldLine } from '../../harness/wire/types.js'
import { provenance } from '../support/provenance.js'
import { originRequest, statusLine } from '../support/request.js'
import type { OriginBehaviour } from '../../harness/origin/types.js'
import {
  allVariants,
  arrivals,
  bodyText,
  checkRefusal,
  describeArrivals,
  describeResult,
  rawBySuffix,
  worstOf,
  type ForwardingCheck,
  type RefusalProbe,
  type VariantResult,
  serverErrorStatus,
  upstreamRefusal,
} from './probe.js'
import type { ReadResponseResult } from '../../harness/client/types.js'

/** RFC 9112 §6.3 rule 5 names the status: "MUST respond with a 400 (Bad Request)". */
const mustBe400 = (probe: RefusalProbe): RefusalProbe => ({ ...probe, statusLevel: 'MUST' })

function lengthProbe(
  ctx: CaseContext,
  suffix: string,
  lines: readonly FieldLine[],
  body: string,
): RefusalProbe {
  const label = lines.map((l) => (typeof l === 'string' ? l : `${l[0]}: ${l[1]}`)).join(' + ')
  return {
    label: JSON.stringify(label),
    suffix,
    bytes: originRequest(ctx, { method: 'POST', suffix, headers: lines, body }),
  }
}

/** Content-Length values of valid digits past what 64-bit, 63-bit or double-precision integers hold. */
const LARGE_LENGTHS: readonly (readonly [string, string])[] = [
  ['2^64 + 5', '18446744073709551621'],
  ['2^63', '9223372036854775808'],
  ['2^53 + 1', '9007199254740993'],
  ['23 nines', '99999999999999999999999'],
]

/**
 * RFC 9110 §8.6: "Any Content-Length field value greater than or equal to zero
 * is valid. Since there is no predefined limit to the length of content, a
 * recipient MUST anticipate potentially large decimal numerals and prevent
 * parsing errors due to integer conversion overflows or precision loss due to
 * integer conversion." The client sends "hello" and, right after it, a GET:
 * under the value sent, those bytes are all body. A target that wraps the
 * value (2^64 + 5 read as 5) or rounds it ends the body early and takes the
 * GET for a second request, or forwards a length that is not the one received.
 * Refusing (any 4xx/5xx, or a close) with nothing forwarded is safe; so is
 * forwarding the value unchanged and streaming the body.
 */
async function largeLength(
  ctx: CaseContext,
  index: number,
  [name, value]: readonly [string, string],
  timeoutMs: number,
): Promise<VariantResult> {
  const label = `Content-Length: ${value} (${name}), body "hello", then a GET`
  const [suffix, smug] = [`big${index}-`, `smug${index}-`]
  ctx.note(`sending: ${label}`)
  // Closed when this variant returns: its receive buffer (up to 4 MiB of an
  // endless answer) must not wait for the case's last variant.
  await using client = await ctx.connect()
  await client.write(
    Buffer.concat([
      originRequest(ctx, {
        method: 'POST',
        suffix,
        headers: [['Content-Length', value]],
        body: 'hello',
      }),
      originRequest(ctx, { suffix: smug }),
    ]),
  )
  const first = await client.readResponse({ timeoutMs: (timeoutMs * 2) / 3 })
  // A second response means the target answered the GET: it read the body as 5 bytes.
  const second =
    first.kind === 'response'
      ? await client.readResponse({ timeoutMs: Math.min(ctx.quietMs, timeoutMs / 3) })
      : undefined
  const expected =
    'a refusal with nothing forwarded, or the request forwarded with the same Content-Length and the GET kept as body'
  const posts = arrivals(ctx, suffix)
  const smuggled = arrivals(ctx, smug)
  const lengths = posts.map((r) => fieldValues(r.message.head.headers, 'content-length').join(','))
  const whoGot = (read: ReadResponseResult): string => provenance(read, [...posts, ...smuggled])
  const seen = `${whoGot(first)}${second?.kind === 'response' ? `, and then ${whoGot(second)}` : ''}; ${describeArrivals([...posts, ...smuggled])}`
  if (smuggled.length > 0 || second?.kind === 'response')
    return {
      label,
      outcome: violates(
        expected,
        `the body ended early and the GET was taken for a request: ${seen}`,
      ),
    }
  const changed = lengths.find((l) => l.replace(/^0+(?=\d)/, '') !== value)
  if (changed !== undefined)
    return {
      label,
      outcome: violates(
        expected,
        `Content-Length ${JSON.stringify(changed)} forwarded for ${value}: ${seen}`,
      ),
    }
  if (posts.length > 0)
    return {
      label,
      outcome: conforms(
        `forwarded with the same length; the GET never became a request of its own (not at the origin, no second response); ${seen}`,
      ),
    }
  if (first.kind === 'timeout')
    return {
      label,
      outcome: conforms(
        `nothing forwarded and nothing answered within ${Math.round(first.afterMs)} ms (still reading the body)`,
      ),
    }
  return { label, outcome: conforms(whoGot(first)) }
}

/** The origin answers each request at its head and closes, so a target that streams the body has its answer. */
const ANSWER_LARGE_AT_HEAD: OriginBehaviour = {
  kind: 'raw',
  on: 'head',
  respond(_request, connection) {
    connection.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok')
    connection.end()
  },
}

export const contentLengthCases = [
  defineCase({
    id: 'invalid-content-length-rejected',
    title:
      'A request with an invalid Content-Length gets 400 and a close, and is never forwarded; a valid but huge one is refused or forwarded unchanged, never wrapped or rounded',
    requirements: ['SMUG-03'],
    spec: [
      { rfc: 9112, section: '6.3' },
      { rfc: 9110, section: '8.6' },
    ],
    requirement:
      'A request without Transfer-Encoding whose Content-Length is invalid is an unrecoverable framing error: the server MUST respond 400 and close the connection. A recipient MUST anticipate large decimal numerals and prevent overflow or precision loss in converting them.',
    level: 'MUST',
    roles: ['forward', 'reverse'],
    async run(ctx) {
      // RFC 9112 §6.3 rule 5: "the server MUST respond with a 400 (Bad Request) status code
      // and then close the connection".
      const values = ['', '+5', '0x5', '5 5', '-1']
      const probes = values.map((value, i) => ({
        ...lengthProbe(ctx, `cl${i}-`, [['Content-Length', value]], 'hello'),
        statusLevel: 'MUST' as const,
      }))
      const results: VariantResult[] = []
      const total = probes.length + LARGE_LENGTHS.length
      for (const [i, probe] of probes.entries()) {
        const share = Math.max(50, ctx.remainingMs() / (total - i))
        results.push({ label: probe.label, outcome: await checkRefusal(ctx, probe, share) })
      }
      // Only now: an origin answering at the head records no complete message, which the
      // invalid-value probes above need to see if they were forwarded.
      ctx.origin.behave(ANSWER_LARGE_AT_HEAD)
      for (const [i, large] of LARGE_LENGTHS.entries()) {
        const left = LARGE_LENGTHS.length - i
        const share = Math.max(50, ctx.remainingMs() / left)
        results.push(await largeLength(ctx, i, large, share))
      }
      return worstOf(results)
    },
  }),

  defineCase({
    id: 'content-length-lists',
    title:
      'Content-Length values that disagree get 400 and a close; identical ones are refused or forwarded as one Content-Length',
    requirements: ['SMUG-03'],
    spec: [
      { rfc: 9110, section: '8.6' },
      { rfc: 9112, section: '6.3' },
    ],
    requirement:
      'Several Content-Length values that differ are an unrecoverable framing error (400 and close); a list of identical values MAY be replaced by that one value before forwarding, or rejected.',
    level: 'MUST',
    roles: ['forward', 'reverse'],
    async run(ctx) {
      const collapsed: ForwardingCheck = {
        allowed: 'one "Content-Length: 5" at the origin with the 5-byte body',
        check(arrived) {
          const [first, ...rest] = arrived
          if (first === undefined || rest.length > 0) return 'not exactly one request arrived'
          const lengths = fieldValues(first.message.head.headers, 'content-length')
          if (lengths.length !== 1 || lengths[0] !== '5')
            return `Content-Length ${JSON.stringify(lengths)} arrived`
          if (first.message.body.toString('latin1') !== 'hello') return 'the body differs'
          return undefined
        },
      }
      const probes: RefusalProbe[] = [
        mustBe400(
          lengthProbe(
            ctx,
            'two-lines-',
            [
              ['Content-Length', '5'],
              ['Content-Length', '6'],
            ],
            'hello!',
          ),
        ),
        mustBe400(lengthProbe(ctx, 'list-', [['Content-Length', '5, 6']], 'hello!')),
        {
          ...lengthProbe(ctx, 'same-list-', [['Content-Length', '5, 5']], 'hello'),
          forwarded: collapsed,
        },
        {
          ...lengthProbe(
            ctx,
            'same-lines-',
            [
              ['Content-Length', '5'],
              ['Content-Length', '5'],
            ],
            'hello',
          ),
          forwarded: collapsed,
        },
      ]
      return allVariants(ctx, probes)
    },
  }),

  // RFC 9112 §6.3 item 5. The 502 binds "a proxy" ("the proxy MUST close the
  // connection to the server, discard the received response, and send a 502");
  // which 5xx is INFO in every role (upstreamRefusal). What is failed binds a
  // gateway too: "the recipient MUST treat it as an unrecoverable error", and,
  // as the client of its origin (RFC 9110 §3.7: a gateway "needs to conform to
  // user agent requirements on the gateway's inbound connection"), "the user
  // agent MUST close the connection to the server and discard the received
  // response".
  defineCase({
    id: 'invalid-response-content-length-is-502',
    title:
      'A response with an invalid Content-Length becomes a 502 (another 5xx is informational), its body is not relayed, and the upstream connection is closed',
    requirements: ['SMUG-04'],
    spec: [{ rfc: 9112, section: '6.3' }],
    requirement:
      'A proxy that receives a response without Transfer-Encoding and with an invalid Content-Length MUST close the upstream connection, discard the response and send 502 downstream.',
    level: 'MUST',
    roles: ['forward', 'reverse'],
    async run(ctx) {
      const answers: Record<string, string> = { 'list-': '5, 6', 'letters-': 'abc' }
      ctx.origin.behave(
        rawBySuffix(
          ctx,
          Object.fromEntries(
            Object.entries(answers).map(([suffix, value]) => [
              suffix,
              Buffer.from(`HTTP/1.1 200 OK\r\nContent-Length: ${value}\r\n\r\nhello!`),
            ]),
          ),
        ),
      )
      const results: VariantResult[] = []
      for (const [suffix, value] of Object.entries(answers)) {
        const label = `the origin's "Content-Length: ${value}"`
        results.push({ label, outcome: await invalidResponseLength(ctx, suffix, label) })
      }
      return worstOf(results)
    },
  }),
]

/** One invalid upstream Content-Length: a 5xx of the target's own, none of the body, the upstream closed. */
async function invalidResponseLength(
  ctx: CaseContext,
  suffix: string,
  label: string,
): Promise<Outcome> {
  ctx.note(`origin answers with ${label}`)
  const client = await ctx.connect()
  await client.write(originRequest(ctx, { suffix }))
  const result = await client.readResponse({
    timeoutMs: Math.max(ctx.quietMs, ctx.remainingMs() / 2),
  })
  const status = serverErrorStatus(result)
  if (status === undefined) {
    if (result.kind === 'timeout') return timedOut(`a 502 for ${label}`, result.afterMs)
    const relayed =
      result.kind === 'response'
        ? `${provenance(result, arrivals(ctx, suffix))}: ${statusLine(result.message)}, Content-Length ${JSON.stringify(fieldValues(result.message.head.headers, 'content-length'))}, body ${JSON.stringify(bodyText(result.message).slice(0, 80))}`
        : describeResult(result)
    return violates(`a 502 for ${label}, none of its body`, relayed)
  }
  if (result.kind === 'response' && bodyText(result.message).includes('hello!'))
    return violates(
      `none of the body of ${label} relayed`,
      `the ${status} carried the origin's "hello!"`,
    )
  const request = ctx.origin
    .requests()
    .find((r) => r.message.head.target.includes(ctx.path(suffix)))
  if (request === undefined) return violates('the request reached the origin', describeArrivals([]))
  const closedBy = await ctx.origin.connectionClosed(request.conn, ctx.quietMs)
  if (isTimeout(closedBy) || closedBy !== 'peer') {
    return violates(
      `origin connection ${request.conn} closed by the target after ${label}`,
      isTimeout(closedBy)
        ? `still open ${ctx.quietMs} ms after the ${status}`
        : 'the origin closed it itself',
    )
  }
  return upstreamRefusal(status, label, arrivals(ctx, suffix))
}
