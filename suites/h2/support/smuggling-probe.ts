// The downgrade-smuggling probe of the h2 suite (catalog §11.1, §11.2: H2-01,
// H2-02, H2-03, H2-06, H2-08): one malformed request ("attempt") on its own
// stream, then a well-formed `/after-<tag>` whose arrival at the HTTP/1.1
// origin proves that everything the attempt could have caused has arrived
// (or never will). What the origin received for the attempt, as raw bytes,
// is the evidence; what the client saw on the stream says whether it was
// refused.
import { createHash } from 'node:crypto'
import type { CaseContext } from '../../../harness/engine/model/case-context.js'
import { endCase, timedOut } from '../../../harness/engine/model/outcome.js'
import type { BlockItem, H2RawClient, StreamResult } from '../../../harness/h2/index.js'
import { ERROR_CODE, errorCodeName } from '../../../harness/h2/index.js'
import { isTimeout } from '../../../harness/net/deadline.js'
import type { OriginRequest } from '../../../harness/origin/types.js'
import { fieldValues } from '../../../harness/wire/fields.js'
import type { HttpMessage, RequestHead } from '../../../harness/wire/types.js'

/** The four encodings of catalog §11.1 for a malformed field. */
export type Encoding = 'literal' | 'indexed-name' | 'huffman' | 'dynamic'

export const ENCODING_LABEL: Record<Encoding, string> = {
  literal: 'literal name, raw strings',
  'indexed-name': 'static-table name index, literal value',
  huffman: 'literal name, Huffman-coded strings',
  dynamic: 'dynamic-table reference to an entry an earlier block added',
}

/** The static-table index of `name`, if it has one (RFC 7541 Appendix A). */
export const STATIC_NAME_INDEX: Readonly<Record<string, number>> = {
  authorization: 23,
  'content-length': 28,
  cookie: 32,
  'transfer-encoding': 57,
  'user-agent': 58,
}

/**
 * `name: value` in `encoding` (for 'dynamic': the indexed reference; the
 * entry comes from seedField in an earlier block on the same connection).
 */
export function fieldAs(encoding: Encoding, name: string, value: string): BlockItem {
  switch (encoding) {
    case 'literal':
      return { name, value, as: { kind: 'literal', name: 'literal', indexing: 'without' } }
    case 'indexed-name': {
      const index = STATIC_NAME_INDEX[name]
      if (index === undefined) throw new TypeError(`[proxyspec] no static index for ${name}`)
      return { name, value, as: { kind: 'literal', name: index, indexing: 'without' } }
    }
    case 'huffman':
      return { name, value, as: { kind: 'literal', name: 'literal', huffman: true } }
    case 'dynamic':
      return { name, value, as: { kind: 'indexed' } }
  }
}

/** The literal with incremental indexing that puts `name: value` in the peer's dynamic table. */
export function seedField(name: string, value: string): BlockItem {
  return { name, value, as: { kind: 'literal', name: 'literal', indexing: 'incremental' } }
}

/** The paths one attempt uses, all under the case token. */
export interface AttemptPaths {
  /** The attempt itself: `/<token>/<tag>`. */
  readonly main: string
  /** A request smuggled inside it: `/<token>/smug-<tag>`. */
  readonly smug: string
  /** The follow-up: `/<token>/after-<tag>`. */
  readonly after: string
  /** The request that seeds the dynamic table: `/<token>/seed-<tag>`. */
  readonly seed: string
}

/** A complete HTTP/1.1 request for `path` on the origin, as bytes that must never reach it. */
export function smuggledRequest(ctx: CaseContext, path: string): string {
  return `GET ${path} HTTP/1.1\r\nHost: ${ctx.originHost}\r\n\r\n`
}

/** One malformed request of a case. */
export interface Attempt {
  /** Unique within the case, kebab (it becomes a path segment). */
  readonly tag: string
  /** What is sent, for the evidence and the verdict. */
  readonly label: string
  /**
   * Where the malformed part comes after the request began (e.g. "the
   * trailer section"): a target may have begun forwarding by then, and must
   * cut that message off instead of completing it.
   */
  readonly late?: string
  /** Fields to send first, on the same connection, in their own request (dynamic-table entries). */
  readonly seed?: (paths: AttemptPaths) => readonly BlockItem[]
  /** Sends the attempt; resolves with its stream id. */
  send(client: H2RawClient, paths: AttemptPaths): Promise<number>
}

/** How the client's stream ended. */
export type ClientSide =
  | { readonly kind: 'refused'; readonly how: string; readonly status?: string }
  | { readonly kind: 'answered'; readonly status: string; readonly result: StreamResult }
  | { readonly kind: 'silent' }

/** What one attempt caused. */
export interface Observation {
  readonly attempt: Attempt
  readonly paths: AttemptPaths
  readonly client: ClientSide
  readonly result: StreamResult | undefined
  /** Origin requests for the attempt's own path (and its seed's). */
  readonly forwarded: readonly Seen[]
  /** Origin requests for the smuggled path. */
  readonly smuggled: readonly Seen[]
  /** The follow-up as the origin read it, or undefined when it never arrived. */
  readonly after: Seen | undefined
}

/** An origin request with its whole message once read (undefined while its body is pending). */
export interface Seen {
  readonly request: OriginRequest
  readonly message: HttpMessage<RequestHead> | undefined
}

/** Marker bytes the origin sends after a 101 (catalog H2-06: "then sends raw bytes"). */
export const TUNNEL_MARKER = 'proxyspec-origin-tunnel-bytes'

const WS_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC11B65'

/**
 * The origin for a smuggling case: every request is logged as soon as its
 * head is read (so a head whose body never comes is still evidence), and
 * answered 200 once its whole message is read, or 101 then TUNNEL_MARKER when
 * it asks for an Upgrade (catalog H2-06). A message cut off by the target's
 * close is never answered.
 */
export class SmugglingWitness {
  readonly #ctx: CaseContext
  readonly #messages = new Map<number, HttpMessage<RequestHead>>()
  readonly #waiters = new Map<number, () => void>()

  constructor(ctx: CaseContext) {
    this.#ctx = ctx
    ctx.origin.behave({
      kind: 'raw',
      on: 'head',
      respond: async (request, connection) => {
        const upgrade = fieldValues(request.message.head.headers, 'upgrade')
        if (upgrade.length > 0) {
          const key = fieldValues(request.message.head.headers, 'sec-websocket-key')[0] ?? ''
          const accept = createHash('sha1')
            .update(key + WS_GUID)
            .digest('base64')
          connection.write(
            `HTTP/1.1 101 Switching Protocols\r\nUpgrade: ${upgrade.join(', ')}\r\nConnection: Upgrade\r\n` +
              (key === '' ? '' : `Sec-WebSocket-Accept: ${accept}\r\n`) +
              `\r\n${TUNNEL_MARKER}`,
          )
          return
        }
        const whole = await this.#whole(request)
        if (whole) connection.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok')
      },
      rest: (message, request) => {
        this.#messages.set(request.id, message)
        this.#waiters.get(request.id)?.()
      },
    })
  }

  /** Resolves true once the request's message is whole, false when its connection closed first. */
  async #whole(request: OriginRequest): Promise<boolean> {
    if (this.#messages.has(request.id)) return true
    const read = new Promise<true>((resolve) => this.#waiters.set(request.id, () => resolve(true)))
    const closed = this.#ctx.origin
      .connectionClosed(request.conn, this.#ctx.remainingMs())
      .then(() => this.#messages.has(request.id))
    return Promise.race([read, closed])
  }

  /** The origin's requests whose target holds `path`, each with its message when whole. */
  seen(path: string): Seen[] {
    return this.#ctx.origin
      .requests()
      .filter((r) => r.message.head.target.includes(path))
      .map((request) => ({ request, message: this.#messages.get(request.id) }))
  }

  /** Waits (bounded) for the origin to read a request for `path`. */
  async arrival(path: string, withinMs: number): Promise<Seen | undefined> {
    const found = (): Seen | undefined => this.seen(path)[0]
    const until = performance.now() + withinMs
    for (;;) {
      const seen = found()
      if (seen !== undefined) return seen
      const left = Math.min(until - performance.now(), this.#ctx.remainingMs() - 50)
      if (left <= 0) return undefined
      const next = await this.#ctx.origin.nextRequest(left)
      if (isTimeout(next)) return found()
    }
  }
}

/** The connection attempts go on: reused while the target keeps it open, else a new one. */
export class H2Connections {
  readonly #ctx: CaseContext
  #client: H2RawClient | undefined

  constructor(ctx: CaseContext) {
    this.#ctx = ctx
  }

  async current(): Promise<H2RawClient> {
    if (this.#client === undefined || !usable(this.#client)) this.#client = await this.#ctx.h2()
    return this.#client
  }

  async fresh(): Promise<H2RawClient> {
    this.#client = await this.#ctx.h2()
    return this.#client
  }

  /** The target ended the connection (GOAWAY or close): the next attempt opens another. */
  drop(): void {
    this.#client = undefined
  }
}

/** The connection is open and the target sent no GOAWAY on it (a stream error may come with one, RFC 9113 §5.4.1). */
function usable(client: H2RawClient): boolean {
  return (
    !client.connection.socket.destroyed &&
    !client.records.some((r) => r.dir === 'received' && r.frame.kind === 'GOAWAY')
  )
}

/** Longest wait for one event of one attempt (the failure path only reaches it). */
export const STEP_MS = 1500

function within(ctx: CaseContext): number {
  const left = ctx.remainingMs() - 100
  if (left <= 0) endCase(timedOut('time to run the remaining variants', ctx.remainingMs()))
  return Math.min(STEP_MS, left)
}

function clientSide(result: StreamResult | undefined): ClientSide {
  if (result === undefined) return { kind: 'silent' }
  const status = result.status
  const statusPart = status === undefined ? '' : `${status} then `
  switch (result.end) {
    case 'reset':
      return {
        kind: 'refused',
        how: `${statusPart}RST_STREAM(${errorCodeName(result.rstCode ?? 0)})`,
        ...(status === undefined ? {} : { status }),
      }
    case 'goaway':
    case 'closed':
      return {
        kind: 'refused',
        how: `${statusPart}${result.end === 'goaway' ? 'GOAWAY' : 'the connection closed'}`,
        ...(status === undefined ? {} : { status }),
      }
    case 'end-stream':
      if (status !== undefined && Number(status) >= 400)
        return { kind: 'refused', how: `${status} then END_STREAM`, status }
      return { kind: 'answered', status: status ?? '(no status)', result }
  }
}

/**
 * Runs one attempt on `client` (after its seed, if any), then `/after-<tag>`
 * on the same connection when it is still open (else a new one), and waits
 * until the origin has read the follow-up.
 */
export async function runAttempt(
  ctx: CaseContext,
  connections: H2Connections,
  attempt: Attempt,
  options: { readonly fresh?: boolean } = {},
): Promise<Observation> {
  const witness = witnessOf(ctx)
  const paths: AttemptPaths = {
    main: ctx.path(attempt.tag),
    smug: ctx.path(`smug-${attempt.tag}`),
    after: ctx.path(`after-${attempt.tag}`),
    seed: ctx.path(`seed-${attempt.tag}`),
  }
  let client = options.fresh === true ? await connections.fresh() : await connections.current()
  if (attempt.seed !== undefined) {
    const seedId = await client.request({
      ...ctx.h2Target(paths.seed),
      fields: attempt.seed(paths),
    })
    const seeded = await client.waitForStreamEnd(seedId, { timeoutMs: within(ctx) })
    // A GOAWAY may follow the reset of the seeding stream: a PING answered proves none did.
    // A seed the target holds (or forwards and waits on) leaves the connection usable.
    let alive = isTimeout(seeded) || (seeded.end !== 'goaway' && seeded.end !== 'closed')
    if (alive) {
      const from = client.records.length
      await client.connection.sendPing(Buffer.from('seedping'))
      const pong = await client.waitForFrame(
        (r) => r.dir === 'received' && (r.frame.kind === 'PING' || r.frame.kind === 'GOAWAY'),
        { timeoutMs: within(ctx), from, what: 'a PING ACK or GOAWAY after the seeding request' },
      )
      alive = !isTimeout(pong) && usable(client)
    }
    if (!alive) {
      connections.drop()
      endCase({
        kind: 'unsupported',
        reason: `the target ended the connection on the request that seeds the dynamic table (${isTimeout(seeded) ? 'no answer' : seeded.end}${usable(client) ? '' : ', GOAWAY'}), so no later block can refer to it`,
      })
    }
  }
  const id = await attempt.send(client, paths)
  const ended = await client.waitForStreamEnd(id, { timeoutMs: within(ctx) })
  const result = isTimeout(ended) ? undefined : ended
  if (result?.end === 'goaway' || result?.end === 'closed' || !usable(client)) connections.drop()
  client = await connections.current()
  // The follow-up goes again on a new connection when the target did not take it on this one
  // (a GOAWAY that followed the reset, a refused or dropped stream).
  const afterId = await client.request({ ...ctx.h2Target(paths.after) })
  const afterEnd = await client.waitForStreamEnd(afterId, { timeoutMs: within(ctx) })
  const taken =
    !isTimeout(afterEnd) &&
    (afterEnd.end === 'end-stream' ||
      (afterEnd.end === 'reset' && afterEnd.rstCode !== ERROR_CODE.REFUSED_STREAM))
  if (!taken && witness.seen(paths.after).length === 0) {
    connections.drop()
    client = await connections.current()
    await client.request({ ...ctx.h2Target(paths.after) })
  }
  const after = await witness.arrival(paths.after, within(ctx))
  return {
    attempt,
    paths,
    client: clientSide(result),
    result,
    // The seed carries the same field: if it was forwarded, that is this attempt's evidence too.
    forwarded: [...witness.seen(paths.seed), ...witness.seen(paths.main)],
    smuggled: witness.seen(paths.smug),
    after,
  }
}

const witnesses = new WeakMap<CaseContext, SmugglingWitness>()

/** The case's witness origin (installed on first use). */
export function witnessOf(ctx: CaseContext): SmugglingWitness {
  let witness = witnesses.get(ctx)
  if (witness === undefined) {
    witness = new SmugglingWitness(ctx)
    witnesses.set(ctx, witness)
  }
  return witness
}

/** Raw bytes, quoted, bounded. */
export function quoteBytes(bytes: Buffer, max = 240): string {
  const text = bytes.subarray(0, max).toString('latin1')
  return JSON.stringify(text) + (bytes.length > max ? `…(+${bytes.length - max} bytes)` : '')
}

/** What the origin read of a request: its whole message, or its head when the body never came. */
export function rawOf(seen: Seen): Buffer {
  return seen.message?.raw ?? seen.request.message.head.raw
}

/** The evidence line of an observation: the client's side, then the origin's raw bytes. */
export function describeObservation(o: Observation): string {
  const client =
    o.client.kind === 'refused'
      ? `refused (${o.client.how})`
      : o.client.kind === 'answered'
        ? `answered ${o.client.status}`
        : 'no end of stream within the wait'
  const origin = [...o.forwarded, ...o.smuggled]
  const bytes =
    origin.length === 0
      ? 'the origin received nothing of it'
      : `the origin received ${origin.map((s) => `on ${s.request.conn}: ${quoteBytes(rawOf(s))}${s.message === undefined ? ' (body never completed)' : ''}`).join('; ')}`
  return `${client}; ${bytes}`
}

/** The follow-up is a clean request of its own: a GET for its path, whole, without a body. */
export function afterProblem(o: Observation): string | undefined {
  if (o.after === undefined)
    return `the follow-up GET ${o.paths.after} never reached the origin as a request of its own`
  const head = o.after.request.message.head
  if (head.method !== 'GET' || o.after.message === undefined || o.after.message.body.length > 0)
    return `the follow-up arrived as ${quoteBytes(rawOf(o.after))}`
  return undefined
}

/** A line the evidence gets for the status or reset code (INFO: which one is never a failure). */
export function refusalNote(o: Observation): string | undefined {
  if (o.client.kind !== 'refused') return undefined
  const wanted = o.client.status === '400' || o.client.how.includes('PROTOCOL_ERROR')
  return wanted ? undefined : `INFO: refused with ${o.client.how} (400 or PROTOCOL_ERROR expected)`
}
