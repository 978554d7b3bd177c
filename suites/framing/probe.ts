/**
 * What the framing cases share: send exact bytes on a fresh connection, then
 * judge the answer and what reached the origin. The evidence names the origin
 * connection and the bytes it got, because in a smuggling bug that is the
 * whole story.
 */
import type { ReadResponseResult } from '../../harness/client/types.js'
import type { CaseContext } from '../../harness/engine/model/case-context.js'
import type { Level } from '../../harness/engine/model/level.js'
import { conforms, timedOut, violates, type Outcome } from '../../harness/engine/model/outcome.js'
import { isTimeout } from '../../harness/net/deadline.js'
import type { OriginBehaviour, OriginRequest } from '../../harness/origin/types.js'
import type { HttpMessage, ResponseHead } from '../../harness/wire/types.js'
import { originAnswers, provenance } from '../support/provenance.js'
import { statusLine } from '../support/request.js'

/** Origin requests of this case whose target contains ctx.path(suffix) (origin-form or absolute-form). */
export function arrivals(ctx: CaseContext, suffix: string): OriginRequest[] {
  const path = ctx.path(suffix)
  return ctx.origin.requests().filter((r) => r.message.head.target.includes(path))
}

/** "origin connection o2, request 1 on it: "POST /…"" — the bytes as the origin read them. */
export function describeArrival(r: OriginRequest): string {
  const raw = r.message.raw
  const shown = JSON.stringify(raw.subarray(0, 300).toString('latin1'))
  const more = raw.length > 300 ? `… (${raw.length} bytes)` : ''
  const incomplete = r.message.complete ? '' : ', incomplete'
  return `origin connection ${r.conn}, request ${r.connSeq} on it${incomplete}: ${shown}${more}`
}

export function describeArrivals(list: readonly OriginRequest[]): string {
  return list.length === 0 ? 'nothing reached the origin' : list.map(describeArrival).join('; ')
}

/** A one-line account of what the client read. */
export function describeResult(result: ReadResponseResult): string {
  switch (result.kind) {
    case 'response':
      return `${statusLine(result.message)}${result.message.complete ? '' : ' (incomplete)'}`
    case 'timeout':
      return `no response within ${Math.round(result.afterMs)} ms`
    case 'closed':
      return `the connection closed (${result.how}) after ${result.partial.length} bytes, no response`
    case 'malformed':
      return `a malformed response: ${result.error.message}`
  }
}

/**
 * A request the target must refuse, or forward only in a form `forwarded`
 * accepts. Refusing is always safe when nothing of the request reached the
 * origin; which status says so is graded at the level of the sentence that
 * names it (`statusLevel`) as INFO, and not at all when no sentence does.
 */
export interface RefusalProbe {
  /** What was sent, for the evidence: e.g. 'Content-Length: +5'. */
  readonly label: string
  /** The path suffix of its request (never a prefix of another probe's suffix in the case). */
  readonly suffix: string
  readonly bytes: Buffer
  /** The statuses the binding sentence names for the refusal. @default [400] */
  readonly statuses?: readonly number[]
  /**
   * The keyword of the sentence that names those statuses (e.g. RFC 9112 §6.3
   * "MUST respond with a 400"), shown in the evidence. The harness sent
   * something the RFCs forbid, so refusing it is always a correct answer:
   * another status, or a close with no response, with nothing forwarded, is
   * reported as INFO that names the sentence, never a failure (issue 10).
   * Undefined: no sentence names a status, and any refusal (4xx, 5xx or a
   * close) with nothing forwarded simply conforms.
   */
  readonly statusLevel?: Level
  /** Path suffixes of smuggled requests that must never reach the origin. */
  readonly smuggled?: readonly string[]
  /**
   * When forwarding is allowed too: what was wrong with what reached the
   * origin (complete requests only), or undefined when it is acceptable.
   */
  readonly forwarded?: ForwardingCheck
}

/** What may reach the origin when a target forwards instead of refusing. */
export interface ForwardingCheck {
  readonly allowed: string
  readonly check: (arrived: readonly OriginRequest[]) => string | undefined
}

/** One variant's result: conforms (a note), or the Outcome that says what went wrong. */
export interface VariantResult {
  readonly label: string
  readonly outcome: Outcome
}

const isRefusalStatus = (status: number): boolean => status >= 400 && status <= 599

/** "400 or 301"; a whole class reads as "a 4xx". */
function describeStatuses(statuses: readonly number[]): string {
  if (
    statuses.length > 10 &&
    statuses.every((s) => Math.floor(s / 100) === Math.floor(statuses[0]! / 100))
  )
    return `a ${Math.floor(statuses[0]! / 100)}xx`
  return statuses.join(' or ')
}

/**
 * Sends the probe on a fresh connection and grades it. Forwarding it (a
 * complete request at the origin that `forwarded` does not accept), or a
 * smuggled request reaching the origin, violates at the case's level. A
 * refusal with nothing forwarded conforms, unless the status (or the lack of
 * one) misses what the sentence at `statusLevel` names. A head forwarded and
 * then cut off is not forwarding: the origin never got a message it could act on.
 */
export async function checkRefusal(
  ctx: CaseContext,
  probe: RefusalProbe,
  timeoutMs = ctx.remainingMs(),
): Promise<Outcome> {
  const statuses = probe.statuses ?? [400]
  const refusal =
    probe.statusLevel === undefined
      ? 'a refusal (4xx, 5xx or a close) with nothing forwarded'
      : `${describeStatuses(statuses)} and a close`
  const expected =
    probe.forwarded === undefined ? refusal : `${refusal}, or ${probe.forwarded.allowed}`
  ctx.note(`sending: ${probe.label}`)
  // Closed when this variant returns: its receive buffer (up to 4 MiB of an
  // endless answer) must not wait for the case's last variant.
  await using client = await ctx.connect()
  await client.write(probe.bytes)
  const result = await client.readResponse({ timeoutMs })
  const complete = (): OriginRequest[] =>
    arrivals(ctx, probe.suffix).filter((r) => r.message.complete)
  const smuggled = (): OriginRequest[] =>
    (probe.smuggled ?? []).flatMap((suffix) => arrivals(ctx, suffix))
  const forwardedProblem = (arrived: readonly OriginRequest[]): string | undefined =>
    probe.forwarded === undefined ? 'it was forwarded' : probe.forwarded.check(arrived)
  const status = result.kind === 'response' ? result.message.head.status : undefined
  const seen = describeResult(result)
  const arrived = complete()
  /** Who produced what the client got, against every request of this probe at the origin. */
  const who = (): string =>
    provenance(result, [...arrivals(ctx, probe.suffix), ...smuggled()], {
      what: complete().length > 0 ? 'the request' : 'an unfinished request',
    })
  // Bytes forwarded are the verdict, whatever the client saw (a timeout included).
  if (arrived.length > 0) {
    const problem = forwardedProblem(arrived)
    const leaked = smuggled()
    if (problem !== undefined || leaked.length > 0) {
      return violates(
        `${expected} for ${probe.label}`,
        `${problem ?? 'a smuggled request reached the origin'}: ${describeArrivals([...arrived, ...leaked])}; ${who()}`,
      )
    }
    return conforms(`forwarded as allowed (${probe.forwarded?.allowed ?? ''}); ${who()}`)
  }
  const leaked = smuggled()
  if (leaked.length > 0) {
    return violates(
      `${expected} for ${probe.label}`,
      `a smuggled request reached the origin: ${describeArrivals(leaked)}; ${who()}`,
    )
  }
  if (result.kind === 'timeout')
    return timedOut(
      `a response to ${probe.label} (nothing complete reached the origin)`,
      result.afterMs,
    )
  if (result.kind === 'malformed') {
    return violates(
      `${expected} for ${probe.label}`,
      `${seen}; nothing complete reached the origin`,
      'INFO',
    )
  }
  if (status === undefined) {
    // A close with no response: nothing forwarded, so safe; the missing status is graded by its sentence.
    const note = who()
    if (probe.statusLevel === undefined) return conforms(note)
    return otherRefusal(probe, statuses, note)
  }
  if (!isRefusalStatus(status) && !statuses.includes(status)) {
    return violates(`${expected} for ${probe.label}`, who())
  }
  const closed = await client.waitForClose({ timeoutMs: Math.min(ctx.quietMs, timeoutMs) })
  const stillNothing = [...complete(), ...smuggled()]
  if (stillNothing.length > 0) {
    return violates(
      `nothing of ${probe.label} forwarded once it was refused with ${status}`,
      describeArrivals(stillNothing),
    )
  }
  if (isTimeout(closed)) {
    return violates(
      `the connection closed after the ${status} to ${probe.label}`,
      `it was still open ${Math.round(Math.min(ctx.quietMs, timeoutMs))} ms later`,
    )
  }
  const note = `${who()}; then it closed the connection`
  if (statuses.includes(status) || probe.statusLevel === undefined) return conforms(note)
  return otherRefusal(probe, statuses, note)
}

/**
 * A refusal, with nothing forwarded, that is not the one the sentence names:
 * correct all the same (the harness sent the invalid message), so INFO, with
 * the sentence's keyword in the expectation.
 */
function otherRefusal(probe: RefusalProbe, statuses: readonly number[], note: string): Outcome {
  return violates(
    `${describeStatuses(statuses)} for ${probe.label} (${probe.statusLevel ?? 'no'} sentence names it; any refusal is correct)`,
    note,
    'INFO',
  )
}

/**
 * Runs every probe, each on its own connection and with a fair share of the
 * case's deadline (a target that hangs on one costs that share, not the rest),
 * and reports each one in the evidence. The outcome is the worst of
 * them: a violation at the case's level, then a timeout, then the weaker
 * (SHOULD, INFO) violations; conforms when every variant does.
 */
export async function allVariants(
  ctx: CaseContext,
  probes: readonly RefusalProbe[],
): Promise<Outcome> {
  const results: VariantResult[] = []
  for (const [i, probe] of probes.entries()) {
    const share = Math.max(50, ctx.remainingMs() / (probes.length - i))
    results.push({ label: probe.label, outcome: await checkRefusal(ctx, probe, share) })
  }
  return worstOf(results)
}

const RANK = (o: Outcome): number => {
  if (o.kind === 'violates')
    return o.level === undefined || o.level === 'MUST' ? 4 : o.level === 'SHOULD' ? 2 : 1
  if (o.kind === 'timeout') return 3
  return 0
}

function describeVariant(r: VariantResult): string {
  const o = r.outcome
  switch (o.kind) {
    case 'conforms':
      return `${r.label}: ok${o.note === undefined ? '' : `, ${o.note}`}`
    case 'violates':
      return `${r.label}: ${o.level === undefined ? 'violates' : `violates (${o.level})`}, expected ${o.expected}; observed ${o.observed}`
    case 'timeout':
      return `${r.label}: no answer within ${Math.round(o.afterMs)} ms while waiting for ${o.waitingFor}`
    case 'observed':
      return `${r.label}: ${o.observation}`
    case 'unsupported':
      return `${r.label}: unsupported, ${o.reason}`
  }
}

/** One Outcome for several variants, every one of them named in it. */
export function worstOf(results: readonly VariantResult[]): Outcome {
  const worst = results.reduce<VariantResult | undefined>(
    (a, b) => (a === undefined || RANK(b.outcome) > RANK(a.outcome) ? b : a),
    undefined,
  )
  const each = results.map((r, i) => `[${i + 1}] ${describeVariant(r)}`).join(' | ')
  if (worst === undefined || RANK(worst.outcome) === 0) return conforms(each)
  const o = worst.outcome
  if (o.kind === 'timeout')
    return timedOut(`${worst.label}: ${o.waitingFor} (all variants: ${each})`, o.afterMs)
  if (o.kind !== 'violates') return conforms(each)
  const bad = results.filter((r) => RANK(r.outcome) > 0).length
  return violates(o.expected, `${bad} of ${results.length} variants deviate: ${each}`, o.level)
}

/** An origin that answers each request with the raw bytes given for its path suffix (else 404). */
export function rawBySuffix(
  ctx: CaseContext,
  answers: Readonly<Record<string, Buffer>>,
): OriginBehaviour {
  return {
    kind: 'raw',
    respond(request, connection) {
      const target = request.message.head.target
      const suffix = Object.keys(answers).find((s) => target.includes(ctx.path(s)))
      connection.write(
        suffix === undefined
          ? 'HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n'
          : (answers[suffix] ?? Buffer.alloc(0)),
      )
    },
  }
}

/** The body of a response as text (latin1). */
export const bodyText = (message: HttpMessage<ResponseHead>): string =>
  message.body.toString('latin1')

/**
 * The 5xx status the target answered with, from a whole response or from the
 * first line of one the client could not read to its end (cut short, unparsable,
 * or still waiting for the body its Content-Length promised): the Content-Length
 * of a target's own error page is not what a framing case grades.
 */
export function serverErrorStatus(result: ReadResponseResult): number | undefined {
  if (result.kind === 'response') {
    const status = result.message.head.status
    return status >= 500 && status <= 599 ? status : undefined
  }
  const line = /^HTTP\/1\.[01] (5\d\d)\b/.exec(result.partial.toString('latin1'))
  return line?.[1] === undefined ? undefined : Number(line[1])
}

/**
 * A refusal of an upstream message the harness made invalid on purpose:
 * conforms for 502; any other 5xx is still a refusal, and which 5xx is only
 * informational (REQUIREMENTS.md §1.2), so it is an INFO-level violation.
 * `requests` (the case's requests at the origin) say who produced the 5xx:
 * the target, for the origin's message or before anything reached the origin.
 */
export function upstreamRefusal(
  status: number,
  what: string,
  requests: readonly OriginRequest[],
): Outcome {
  const who =
    requests.length === 0
      ? `the target answered ${status} itself; nothing reached the origin, so ${what} was never sent`
      : originAnswers(requests).some((a) => a.status === status)
        ? `a ${status} came back, and the origin had sent ${status} itself (${what})`
        : `the target answered ${status} itself for ${what}`
  if (status === 502) return conforms(who)
  return violates(`502 for ${what}`, `${who} (a refusal; which 5xx is informational)`, 'INFO')
}
