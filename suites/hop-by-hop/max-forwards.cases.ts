// RFC 9110 §7.6.2: Max-Forwards limits how far an OPTIONS or TRACE travels.
// At 0 the recipient answers as the final recipient (MUST NOT forward); above
// 0 it forwards the smaller of the value minus one and its own maximum (MUST),
// never adds the field (MUST NOT), and a large numeral must not wrap around.
// REQUIREMENTS.md §10: a proxy-generated 405 or 501 to TRACE also counts as
// answering as the final recipient.
// "Intermediary" binds a gateway as much as a proxy, so both roles are MUST.
// The decrement rule governs what is forwarded: a variant the target refuses
// (4xx, 5xx, or a close) with nothing forwarded is not graded, only noted
// (Apache answers 400 to 100000000000000000000). A 2xx the target makes up
// itself for a value above 0 is graded: it answered as the final recipient,
// as if the value were 0 (a wrapped counter).
import type { CaseContext } from '../../harness/engine/model/case-context.js'
import { defineCase } from '../../harness/engine/model/case.js'
import { conforms, observed, timedOut, violates } from '../../harness/engine/model/outcome.js'
import { fieldValues } from '../../harness/wire/fields.js'
import { originRequest, noResponse, statusLine } from '../support/request.js'
import { bothEnds, isRefusal, ownAnswer } from './exchange.js'

/** What the forwarded value must be for a received one (undefined: no field at all). */
type Check = (forwarded: readonly string[]) => string | undefined

const exactly =
  (value: string): Check =>
  (forwarded) =>
    forwarded.length === 1 && forwarded[0] === value ? undefined : `expected ${value}`

/** At most `received - 1`, never below 0, a plain numeral: no wrap-around (RFC 9110 §7.6.2). */
const atMostOneLess =
  (received: string): Check =>
  (forwarded) => {
    const [value] = forwarded
    if (forwarded.length !== 1 || value === undefined || !/^\d+$/.test(value))
      return 'expected one decimal value'
    return BigInt(value) <= BigInt(received) - 1n
      ? undefined
      : `expected at most ${BigInt(received) - 1n}`
  }

const VARIANTS: readonly {
  readonly sent: string | undefined
  readonly check: Check
}[] = [
  { sent: '1', check: exactly('0') },
  { sent: '10', check: exactly('9') },
  // Leading zeros are still decimal (RFC 9110 §7.6.2: Max-Forwards = 1*DIGIT).
  { sent: '012', check: exactly('11') },
  { sent: '100000000000000000000', check: atMostOneLess('100000000000000000000') },
  // 2^32: a 32-bit counter wraps to 0 and stops a request it should forward.
  { sent: '4294967296', check: atMostOneLess('4294967296') },
  { sent: undefined, check: (f) => (f.length === 0 ? undefined : 'expected no Max-Forwards') },
]

/** Sends OPTIONS or TRACE with Max-Forwards: 0 and reads the answer. */
async function finalRecipient(
  ctx: CaseContext,
  method: 'OPTIONS' | 'TRACE',
): Promise<string | undefined> {
  const client = await ctx.connect()
  await client.write(
    originRequest(ctx, {
      method,
      suffix: method.toLowerCase(),
      headers: [['Max-Forwards', '0']],
    }),
  )
  const read = await client.readResponse()
  // Both methods are tried whatever the first found: no answer is a problem, not the end.
  if (read.kind !== 'response') {
    const outcome = noResponse(read, `an answer to ${method} with Max-Forwards: 0`)
    return outcome.kind === 'violates' ? outcome.observed : `${method}: ${outcome.kind}`
  }
  ctx.note(`${method} with Max-Forwards: 0 answered ${statusLine(read.message)}`)
  return undefined
}

export const maxForwardsCases = [
  defineCase({
    id: 'answers-max-forwards-zero-itself',
    title: 'OPTIONS and TRACE with Max-Forwards: 0 are answered by the proxy, not forwarded',
    requirements: ['HOP-06'],
    spec: [{ rfc: 9110, section: '7.6.2' }],
    requirement:
      'A recipient of TRACE or OPTIONS with Max-Forwards 0 MUST NOT forward it and MUST respond as the final recipient.',
    level: 'MUST',
    roles: ['forward', 'reverse'],
    async run(ctx) {
      const problems = [
        await finalRecipient(ctx, 'OPTIONS'),
        await finalRecipient(ctx, 'TRACE'),
      ].filter((p) => p !== undefined)
      // Both answers are in: anything the origin got was forwarded before them.
      const forwarded = ctx.origin.requests().map((r) => r.message.head.method)
      if (forwarded.length > 0) {
        return violates(
          'nothing at the origin: the proxy answers as the final recipient',
          `forwarded to the origin: ${forwarded.join(', ')}`,
        )
      }
      return problems.length === 0
        ? conforms()
        : violates('an answer from the proxy to each', problems.join('; '))
    },
  }),
  // Fails on most real peers (nginx and HAProxy forward Max-Forwards as
  // received; squid and tinyproxy drop or keep the huge value). Still a
  // violation: RFC 9110 §7.6.2 binds every intermediary: "Each intermediary that
  // receives a TRACE or OPTIONS request containing a Max-Forwards header field
  // MUST check and update its value prior to forwarding the request ... the
  // intermediary MUST generate an updated Max-Forwards field in the forwarded
  // message". A refusal with nothing forwarded passes (issue 10).
  defineCase({
    id: 'decrements-max-forwards',
    title:
      'Max-Forwards is forwarded as the received value minus one (or less), without overflow, and never added',
    requirements: ['HOP-07'],
    spec: [
      { rfc: 9110, section: '7.6.2' },
      { rfc: 9110, section: '9.3.7' },
    ],
    requirement:
      'A forwarded OPTIONS or TRACE carries the smaller of the received Max-Forwards minus one and the proxy maximum; a request without it gets none.',
    level: 'MUST',
    roles: ['forward', 'reverse'],
    async run(ctx) {
      // Every variant runs and is reported in the evidence.
      const wrong: string[] = []
      const refused: string[] = []
      let graded = 0
      let silent = 0
      for (const [index, variant] of VARIANTS.entries()) {
        const sent = variant.sent ?? '(none)'
        const { answer, request } = await bothEnds(
          ctx,
          {
            method: 'OPTIONS',
            suffix: `mf${index}`,
            headers: variant.sent === undefined ? [] : [['Max-Forwards', variant.sent]],
          },
          ctx.quietMs,
        )
        if (request !== undefined) {
          graded += 1
          const forwarded = fieldValues(request.message.head.headers, 'max-forwards')
          const problem = variant.check(forwarded)
          ctx.note(`sent ${sent}: forwarded ${forwarded.join(', ') || '(none)'}`)
          if (problem !== undefined)
            wrong.push(`sent ${sent}: forwarded ${forwarded.join(', ') || '(none)'}, ${problem}`)
          continue
        }
        ctx.note(`sent ${sent}: ${ownAnswer(answer)}, nothing forwarded`)
        if (isRefusal(answer)) {
          refused.push(`sent ${sent}: ${ownAnswer(answer)}`)
        } else if (answer.kind === 'timeout') {
          silent += 1
        } else if (answer.kind === 'malformed') {
          wrong.push(`sent ${sent}: ${ownAnswer(answer)}`)
        } else if (variant.sent !== undefined) {
          // A 1xx-3xx made up by the target for a value above 0: answered as the final recipient.
          wrong.push(`sent ${sent}: ${ownAnswer(answer)} as if it were 0, nothing forwarded`)
        }
      }
      if (wrong.length > 0)
        return violates(
          '1→0, 10→9, 012→11, large values without wrap-around, none→none (or a refusal)',
          wrong.join('; '),
        )
      if (graded === 0) {
        return silent > 0
          ? timedOut('an answer, or an OPTIONS at the origin', ctx.quietMs)
          : observed(`nothing forwarded to grade: ${refused.join('; ')}`)
      }
      if (silent > 0) return timedOut(`an answer to ${silent} variant(s)`, ctx.quietMs)
      return conforms(
        refused.length > 0 ? `refused, nothing forwarded: ${refused.join('; ')}` : undefined,
      )
    },
  }),
]
