// Verdicts of the smuggling probe (smuggling-probe.ts): one variant's
// Observation graded into a VariantResult for runVariants.
import type { CaseContext } from '../../../harness/engine/model/case-context.js'
import type { Level } from '../../../harness/engine/model/level.js'
import { conforms, timedOut, violates } from '../../../harness/engine/model/outcome.js'
import { isTimeout } from '../../../harness/net/deadline.js'
import type { VariantResult } from '../../support/variants.js'
import {
  afterProblem,
  describeObservation,
  rawOf,
  refusalNote,
  STEP_MS,
  type Observation,
} from './smuggling-probe.js'

/** The client was told no, or the case observed what reached the origin. */
function clientProblem(o: Observation): string | undefined {
  if (o.client.kind === 'refused') return undefined
  return o.client.kind === 'answered'
    ? `the stream was answered ${o.client.status}, not refused`
    : 'the stream was neither answered nor refused'
}

function conformsWith(ctx: CaseContext, o: Observation): VariantResult {
  const note = refusalNote(o)
  if (note !== undefined) ctx.note(`${o.attempt.tag}: ${note}`)
  return conforms(describeObservation(o))
}

/**
 * Whether every message the target began to forward for `o` was cut off by
 * the target closing that upstream connection (never completed, never left
 * waiting), with no smuggled request and none of `never` in its bytes; the
 * problem otherwise.
 */
async function cutOffProblem(
  ctx: CaseContext,
  o: Observation,
  never: readonly string[],
): Promise<string | undefined> {
  if (o.smuggled.length > 0) return `the smuggled GET ${o.paths.smug} reached the origin`
  for (const seen of o.forwarded) {
    const raw = rawOf(seen).toString('latin1')
    const leaked = never.find((n) => raw.toLowerCase().includes(n.toLowerCase()))
    if (leaked !== undefined) return `${JSON.stringify(leaked)} reached the origin`
    if (seen.message?.complete === true)
      return `the message on ${seen.request.conn} was completed, malformed part and all`
    const closed = await ctx.origin.connectionClosed(
      seen.request.conn,
      Math.min(STEP_MS, Math.max(0, ctx.remainingMs() - 100)),
    )
    if (isTimeout(closed))
      return `the message on ${seen.request.conn} was left waiting for the rest, its upstream connection open`
    if (closed === 'origin')
      return `the message on ${seen.request.conn} was never cut off by the target (the origin closed first)`
  }
  return undefined
}

/**
 * Rows whose request must be refused with nothing forwarded (H2-02, H2-03,
 * H2-06, H2-08): anything for the attempt at the origin violates, described
 * by `forwardedDetail` (e.g. "security" or "not exploitable"); a stream the
 * target answered violates; a stream left silent with nothing forwarded is a
 * timeout. An attempt whose malformed part comes late (`Attempt.late`, a
 * trailer section) may find forwarding begun, as H2-01 allows: the target
 * then cuts that message off by closing its upstream connection, and none of
 * `never` (the injected bytes) reaches the origin.
 */
export async function refusedNothingForwarded(
  ctx: CaseContext,
  o: Observation,
  options: {
    readonly expected: string
    readonly forwardedDetail?: (o: Observation) => string
    readonly level?: Level
    readonly never?: readonly string[]
  },
): Promise<VariantResult> {
  const reached = o.forwarded.length > 0 || o.smuggled.length > 0
  const late = o.attempt.late
  if (reached && late !== undefined && o.client.kind === 'refused') {
    const problem = await cutOffProblem(ctx, o, options.never ?? [])
    if (problem === undefined) {
      ctx.note(
        `${o.attempt.tag}: forwarding had begun before ${late} arrived; the target cut the message off by closing its upstream connection`,
      )
      return conformsWith(ctx, o)
    }
    return violates(options.expected, `${problem}; ${describeObservation(o)}`, options.level)
  }
  if (reached) {
    const detail = options.forwardedDetail?.(o)
    return violates(
      options.expected,
      `${detail === undefined ? '' : `${detail}: `}${describeObservation(o)}`,
      options.level,
    )
  }
  const problem = clientProblem(o)
  if (problem !== undefined) {
    if (o.client.kind === 'silent') return timedOut(`the refusal of ${o.attempt.label}`, STEP_MS)
    return violates(options.expected, `${problem}; ${describeObservation(o)}`, options.level)
  }
  const after = afterProblem(o)
  if (after !== undefined)
    return violates(options.expected, `${after}; ${describeObservation(o)}`, options.level)
  return conformsWith(ctx, o)
}

/**
 * H2-01: refused toward the client; no smuggled request and no body beyond
 * `declared` at the origin; a message the target began to forward is cut
 * off by the target closing that upstream connection, never left waiting
 * and reused; the follow-up arrives as a request of its own.
 */
export async function lengthVerdict(
  ctx: CaseContext,
  o: Observation,
  declared: number,
): Promise<VariantResult> {
  const problems: string[] = []
  if (o.smuggled.length > 0) problems.push(`the smuggled GET ${o.paths.smug} reached the origin`)
  for (const seen of o.forwarded) {
    const message = seen.message
    if (message !== undefined && message.body.length > declared)
      problems.push(
        `the origin read ${message.body.length} body bytes on ${seen.request.conn} against a declared ${declared}`,
      )
    if (message?.body.toString('latin1').includes(o.paths.after) === true)
      problems.push(
        `${seen.request.conn} was reused: the follow-up request became the body of the mismatched one`,
      )
    if (message?.complete !== true) {
      const closed = await ctx.origin.connectionClosed(
        seen.request.conn,
        Math.min(STEP_MS, Math.max(0, ctx.remainingMs() - 100)),
      )
      if (isTimeout(closed))
        problems.push(
          `the message forwarded on ${seen.request.conn} still waits for body bytes and the target left that upstream connection open`,
        )
      else if (closed === 'origin')
        problems.push(
          `the message forwarded on ${seen.request.conn} was never cut off by the target (the origin closed first)`,
        )
    }
  }
  const client = clientProblem(o)
  if (client !== undefined) problems.push(client)
  const after = afterProblem(o)
  if (after !== undefined) problems.push(after)
  if (problems.length === 0) return conformsWith(ctx, o)
  if (
    o.client.kind === 'silent' &&
    o.forwarded.length === 0 &&
    o.smuggled.length === 0 &&
    after === undefined
  )
    return timedOut(`the refusal of ${o.attempt.label}`, STEP_MS)
  return violates(
    'refused toward the client, nothing smuggled or beyond the declared length at the origin, a started message cut off by closing its upstream connection, and the follow-up as a request of its own',
    `${problems.join('; ')}; ${describeObservation(o)}`,
  )
}
