/**
 * What the framing cases share: send exact bytes on a fresh connection, then
 * judge the answer and what reached the origin. The evidence names the origin
 * connection and the bytes it got, because in a smuggling bug that is the
 * whole story.
 */
import type { ReadResponseResult } from '../../harness/client/types.js'
import type { CaseContext } from '../../harness/model/case-context.js'
import { timedOut, violates, type Outcome } from '../../harness/model/outcome.js'
import { isTimeout } from '../../harness/net/deadline.js'
import type { OriginBehaviour, OriginRequest } from '../../harness/origin/types.js'
import type { HttpMessage, ResponseHead } from '../../harness/wire/types.js'
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

/** A request the target must refuse, or forward only in a form `forwarded` accepts. */
export interface RefusalProbe {
  /** What was sent, for the evidence: e.g. 'Content-Length: +5'. */
  readonly label: string
  /** The path suffix of its request (never a prefix of another probe's suffix in the case). */
  readonly suffix: string
  readonly bytes: Buffer
  /** Statuses that count as refusing it. @default [400] */
  readonly statuses?: readonly number[]
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

/**
 * Sends the probe on a fresh connection. Conforms (undefined) when the target
 * answers with one of the statuses and then closes, and nothing complete of it
 * reached the origin; or when forwarding is allowed and what arrived passes.
 */
export async function checkRefusal(
  ctx: CaseContext,
  probe: RefusalProbe,
): Promise<Outcome | undefined> {
  const statuses = probe.statuses ?? [400]
  const refusal = `${statuses.join(' or ')} and a close`
  const expected =
    probe.forwarded === undefined ? refusal : `${refusal}, or ${probe.forwarded.allowed}`
  ctx.note(`sending: ${probe.label}`)
  const client = await ctx.connect()
  await client.write(probe.bytes)
  const result = await client.readResponse()
  const complete = (): OriginRequest[] =>
    arrivals(ctx, probe.suffix).filter((r) => r.message.complete)
  const smuggled = (): OriginRequest[] =>
    (probe.smuggled ?? []).flatMap((suffix) => arrivals(ctx, suffix))
  if (result.kind === 'timeout') return timedOut(`a response to ${probe.label}`, result.afterMs)
  if (result.kind !== 'response') {
    return violates(
      `${expected} for ${probe.label}`,
      `${describeResult(result)}; ${describeArrivals(arrivals(ctx, probe.suffix))}`,
    )
  }
  const status = result.message.head.status
  if (statuses.includes(status)) {
    const closed = await client.waitForClose({ timeoutMs: ctx.quietMs })
    if (isTimeout(closed)) {
      return violates(
        `the connection closed after the ${status} to ${probe.label}`,
        `it was still open ${ctx.quietMs} ms later`,
      )
    }
    const leaked = [...complete(), ...smuggled()]
    if (leaked.length > 0) {
      return violates(
        `nothing of ${probe.label} forwarded once it was refused with ${status}`,
        describeArrivals(leaked),
      )
    }
    return undefined
  }
  const arrived = complete()
  const answeredItself = `the target answered ${status} itself`
  const problem =
    probe.forwarded === undefined
      ? arrived.length > 0
        ? 'it was forwarded'
        : answeredItself
      : arrived.length > 0
        ? probe.forwarded.check(arrived)
        : answeredItself
  const leaked = smuggled()
  if (problem === undefined && leaked.length === 0) return undefined
  return violates(
    `${expected} for ${probe.label}`,
    `${statusLine(result.message)}; ${problem ?? 'a smuggled request reached the origin'}: ${describeArrivals([...arrived, ...leaked])}`,
  )
}

/** Runs each probe in turn; the first violation is the outcome. */
export async function firstViolation(
  ctx: CaseContext,
  probes: readonly RefusalProbe[],
): Promise<Outcome | undefined> {
  for (const probe of probes) {
    const outcome = await checkRefusal(ctx, probe)
    if (outcome !== undefined) return outcome
  }
  return undefined
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
