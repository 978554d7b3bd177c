/**
 * What the pseudo-header and translation cases (H2-04, H2-05, H2-07, H2-09,
 * H2-10) share: an h2 connection kept across a case's probes (reopened when
 * the target closed or GOAWAYed it), the four HPACK encodings of catalog
 * §11.1, and "rejected with nothing forwarded" (§11.1): the stream ends in
 * RST_STREAM, a 4xx, or GOAWAY/close, and the origin got nothing of it. The
 * proof of "nothing" is a fence: a well-formed `/after-N` request sent once
 * the probe's streams ended, waited for at the origin; whatever the probe
 * caused arrived before it or never will.
 */
import type { CaseContext } from '../../../harness/engine/model/case-context.js'
import type { Level } from '../../../harness/engine/model/level.js'
import {
  conforms,
  timedOut,
  violates,
  type Outcome,
} from '../../../harness/engine/model/outcome.js'
import { ERROR_CODE, errorCodeName } from '../../../harness/h2/constants.js'
import type { BlockItem, FieldSpec } from '../../../harness/h2/hpack-encoder.js'
import type { H2RawClient, H2RequestSpec } from '../../../harness/h2/raw-client.js'
import type { StreamResult } from '../../../harness/h2/records.js'
import { isTimeout } from '../../../harness/net/deadline.js'
import { TOKEN_FIELD } from '../../../harness/net/token.js'
import type { OriginRequest } from '../../../harness/origin/types.js'

/** Whether a connection can carry another stream: open, and no GOAWAY from the target. */
export function usable(client: H2RawClient): boolean {
  return (
    client.connection.peerState === 'open' &&
    !client.records.some((r) => r.dir === 'received' && r.frame.kind === 'GOAWAY')
  )
}

/** One h2 connection a case's probes share, replaced by a new one when the target ended it. */
export class H2Lane {
  readonly #ctx: CaseContext
  #client: H2RawClient | undefined

  constructor(ctx: CaseContext) {
    this.#ctx = ctx
  }

  /** The current connection when usable, else a new one. */
  async client(): Promise<H2RawClient> {
    if (this.#client !== undefined && usable(this.#client)) return this.#client
    return this.fresh()
  }

  /** A new connection, from now on the current one. */
  async fresh(): Promise<H2RawClient> {
    this.#client = await this.#ctx.h2()
    return this.#client
  }
}

/** The four encodings of catalog §11.1 (a static indexed name only where the name has one). */
export type Encoding = 'literal name' | 'static indexed name' | 'huffman' | 'dynamic table'

/** How the field under test is written in one encoding (for 'dynamic table': the first, indexing, request). */
export function represent(field: FieldSpec, encoding: Encoding): FieldSpec {
  switch (encoding) {
    case 'literal name':
      return { ...field, as: { kind: 'literal', name: 'literal', indexing: 'without' } }
    case 'static indexed name':
      return { ...field, as: { kind: 'literal', name: 'indexed', indexing: 'without' } }
    case 'huffman':
      return { ...field, as: { kind: 'literal', name: 'literal', huffman: true } }
    case 'dynamic table':
      return { ...field, as: { kind: 'literal', name: 'literal', indexing: 'incremental' } }
  }
}

/** The same field as a reference to the dynamic-table entry an earlier block made (RFC 7541 §6.1). */
export function fromTable(field: FieldSpec): FieldSpec {
  return { ...field, as: { kind: 'indexed' } }
}

/** `:method`, `:scheme`, `:authority`, `:path` of ctx.h2Target(path), as block items. */
export function targetPseudo(ctx: CaseContext, path: string): FieldSpec[] {
  const t = ctx.h2Target(path)
  return [
    { name: ':method', value: t.method },
    { name: ':scheme', value: t.scheme },
    { name: ':authority', value: t.authority },
    { name: ':path', value: t.path },
  ]
}

/** The field that attributes a request to the case at the origin when its target cannot. */
export function tokenField(ctx: CaseContext): FieldSpec {
  return { name: TOKEN_FIELD.toLowerCase(), value: ctx.token }
}

/**
 * A malformed request (or a short series on one connection) the target must
 * refuse. `send` returns the streams to judge.
 */
export interface RejectionProbe {
  readonly label: string
  send(client: H2RawClient): Promise<readonly number[]>
}

/**
 * A probe that writes one field under test in `encoding`: `build(mark)` is the
 * request, with `mark` applied to that field. The dynamic-table encoding sends
 * it twice on one connection: first added to the table (incremental indexing),
 * then as a bare index to that entry; both streams must be refused.
 */
export function encodedProbe(
  label: string,
  encoding: Encoding,
  build: (mark: (field: FieldSpec) => FieldSpec) => H2RequestSpec,
): RejectionProbe {
  return {
    label: `${label} (${encoding})`,
    async send(client) {
      const first = await client.request(build((f) => represent(f, encoding)))
      if (encoding !== 'dynamic table') return [first]
      const ended = await client.waitForStreamEnd(first, { timeoutMs: 2000 })
      if (isTimeout(ended) || !usable(client)) return [first]
      const second = await client.request(build(fromTable))
      return [first, second]
    },
  }
}

/** A request spec whose pseudo-header fields and fields are exactly `items` (plus the token field). */
export function exactly(
  ctx: CaseContext,
  items: readonly BlockItem[],
  rest: H2RequestSpec = {},
): H2RequestSpec {
  return { ...rest, pseudo: [], fields: [...items, tokenField(ctx)] }
}

let fences = 0

/** How long one stream may take to end: 2 s, less near the case deadline (room left for the fence). */
export function streamWaitMs(ctx: CaseContext): number {
  return Math.max(50, Math.min(2000, ctx.remainingMs() - 500))
}

/** Requests of this case that arrived at the origin since `mark` (requests().length), fences left out. */
export function arrivedSince(ctx: CaseContext, mark: number): OriginRequest[] {
  const fence = ctx.path('after-')
  return ctx.origin
    .requests()
    .slice(mark)
    .filter((r) => !r.message.head.target.includes(fence))
}

/**
 * Sends a well-formed GET `/after-N` (on the lane's connection, or a new one
 * when the target ended it) and waits until the origin has it. Resolves with
 * undefined, or the Outcome of a target that never forwarded it.
 */
export async function fence(ctx: CaseContext, lane: H2Lane): Promise<Outcome | undefined> {
  fences += 1
  const path = ctx.path(`after-${fences}`)
  // One waiter for the whole fence: a resent copy has the same path.
  const arrived = (async (): Promise<Outcome | undefined> => {
    for (;;) {
      const seen = await ctx.origin.nextRequest(ctx.remainingMs())
      if (isTimeout(seen))
        return timedOut(
          `the well-formed ${path} sent after the probe to reach the origin`,
          seen.afterMs,
        )
      if (seen.message.head.target.includes(path)) return undefined
    }
  })()
  // A target may answer the probe with GOAWAY and close just after the fence went out on
  // the same connection (nginx: 400, then GOAWAY naming only the probe's stream): a fence
  // the connection dropped never reaches the origin, so it is sent once more on a new one.
  for (let attempt = 0; attempt < 2; attempt += 1) {
    const client = attempt === 0 ? await lane.client() : await lane.fresh()
    const id = await client.request({ ...ctx.h2Target(path), fields: [tokenField(ctx)] })
    const ended = client
      .waitForStreamEnd(id, { timeoutMs: ctx.remainingMs() })
      .then((end) => ({ end }))
    const first = await Promise.race([arrived.then((outcome) => ({ outcome })), ended])
    if ('outcome' in first) return first.outcome
    const dropped =
      !isTimeout(first.end) && (first.end.end === 'goaway' || first.end.end === 'closed')
    if (!dropped) return arrived
  }
  return arrived
}

/** "origin connection o2, request 1: "GET …"" */
export function describeArrival(r: OriginRequest): string {
  const raw = r.message.raw
  const shown = JSON.stringify(raw.subarray(0, 400).toString('latin1'))
  const more = raw.length > 400 ? `… (${raw.length} bytes)` : ''
  const incomplete = r.message.complete ? '' : ' (incomplete)'
  return `origin connection ${r.conn}, request ${r.connSeq}${incomplete}: ${shown}${more}`
}

/** One line on how a stream ended, as the client saw it. */
export function describeStream(result: StreamResult | undefined): string {
  if (result === undefined) return 'no end of stream before the deadline'
  const status = result.status === undefined ? '' : `:status ${result.status}, `
  switch (result.end) {
    case 'reset':
      return `${status}RST_STREAM(${errorCodeName(result.rstCode ?? 0)})`
    case 'end-stream':
      return `${status}END_STREAM`
    case 'goaway':
      return `${status}GOAWAY excluding the stream`
    case 'closed':
      return `${status}the connection closed`
  }
}

/** What reaching the origin may be, when forwarding is acceptable too (e.g. a field dropped: WARN). */
export interface Forwarding {
  /** What was wrong with what arrived, or undefined when it is acceptable. */
  check(
    arrived: readonly OriginRequest[],
  ): { readonly problem: string; readonly level?: Level } | undefined
  readonly allowed: string
}

/**
 * Sends the probe and grades it (catalog §11.1, "rejected"): a complete
 * request at the origin violates (at the case's level, or as `forwarded`
 * says); a refusal with nothing forwarded conforms, with which RST code or
 * which 4xx noted as INFO when it is not PROTOCOL_ERROR or 400 (RFC 9113
 * §8.1.1 names the stream error type PROTOCOL_ERROR; no sentence binds the
 * status of a response sent before the reset). A head cut off before its end
 * is not forwarding: the origin never got a message it could act on.
 */
export async function checkRejected(
  ctx: CaseContext,
  lane: H2Lane,
  probe: RejectionProbe,
  forwarding?: Forwarding,
): Promise<Outcome> {
  const client = await lane.client()
  const mark = ctx.origin.requests().length
  const ids = await probe.send(client)
  const results: (StreamResult | undefined)[] = []
  for (const id of ids) {
    const r = await client.waitForStreamEnd(id, { timeoutMs: streamWaitMs(ctx) })
    results.push(isTimeout(r) ? undefined : r)
  }
  const seen = results.map((r, i) => `stream ${ids[i] ?? '?'}: ${describeStream(r)}`).join(', ')
  const fenced = await fence(ctx, lane)
  const arrived = arrivedSince(ctx, mark)
  const complete = arrived.filter((r) => r.message.complete)
  const expected = `${probe.label} rejected (RST_STREAM, a 4xx, or GOAWAY) with nothing forwarded${
    forwarding === undefined ? '' : `, or ${forwarding.allowed}`
  }`
  if (complete.length > 0) {
    const verdict =
      forwarding === undefined ? { problem: 'it was forwarded' } : forwarding.check(complete)
    if (verdict !== undefined)
      return violates(
        expected,
        `${verdict.problem}: ${complete.map(describeArrival).join('; ')} (client saw ${seen})`,
        verdict.level,
      )
    return conforms(`forwarded as allowed (${forwarding?.allowed ?? ''}); client saw ${seen}`)
  }
  if (fenced !== undefined) return fenced
  const cut =
    arrived.length > 0 ? `; cut off before its end: ${arrived.map(describeArrival).join('; ')}` : ''
  const answered = results.filter((r) => r !== undefined)
  if (answered.length < results.length)
    return timedOut(
      `${probe.label}: the stream to be refused (nothing was forwarded)`,
      ctx.remainingMs(),
    )
  const notes: string[] = []
  for (const r of answered) {
    if (r.end === 'reset' && r.rstCode !== ERROR_CODE.PROTOCOL_ERROR)
      notes.push(`INFO: RST_STREAM(${errorCodeName(r.rstCode ?? 0)}) rather than PROTOCOL_ERROR`)
    if (r.status !== undefined && r.status !== '400')
      notes.push(
        r.status.startsWith('4')
          ? `INFO: ${r.status} rather than 400`
          : `INFO: ${r.status}, not a 4xx, but nothing was forwarded`,
      )
  }
  return conforms(
    `${probe.label}: refused (${seen}), nothing forwarded${cut}${notes.length > 0 ? `; ${notes.join('; ')}` : ''}`,
  )
}
