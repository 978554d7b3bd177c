/**
 * What the persistence-cookie cases share (LB-21, LB-22): clients with
 * cookie jars on keep-alive connections, origins that set two cookies of
 * their own on every response, and the profile the reference runs them with.
 */
import type { Backend } from '../../harness/backends/types.js'
import { lbRequest, parseLbResponse } from '../../harness/backends/lb-id.js'
import type { BalancerProfile } from '../../harness/engine/model/balancer-profile.js'
import type { CaseContext } from '../../harness/engine/model/case-context.js'
import type { RawClient } from '../../harness/client/types.js'
import type { HeaderField } from '../../harness/wire/types.js'
import { CookieJar } from './cookie-jar.js'

/** The persistence profile the reference runs the LB-21 and LB-22 cases with (HAProxy's shape). */
export const STICKY_PROFILE: BalancerProfile = {
  policy: 'round-robin',
  sticky: { cookie: 'SRV', mode: 'insert', indirect: true, nofailover: false },
}

/** Why a persistence case is not applicable under `declared`, if it is not. */
export function needsSticky(declared: BalancerProfile): string | undefined {
  if (declared.sticky === undefined) return 'the profile declares no persistence cookie'
  const mode = declared.sticky.mode ?? 'insert'
  return mode === 'insert' ? undefined : `only insert mode is graded (declared ${mode})`
}

/** The two Set-Cookie values an origin adds to every response, in this order (z before a: a sort shows). */
export function originCookies(backend: string): readonly [string, string] {
  return [`origin_z=${backend}-z; Path=/`, `origin_a=${backend}-a; Path=/; HttpOnly`]
}

/** Every backend of the case sets its two cookies on every client response. */
export function setOriginCookies(backends: readonly Backend[]): void {
  for (const backend of backends) {
    backend.addResponseFields(originCookies(backend.name).map((v) => ['Set-Cookie', v] as const))
  }
}

/** One request of a sticky client and what came back. */
export interface StickyAnswer {
  readonly id: string
  /** The Cookie value sent, if any. */
  readonly cookie: string | undefined
  readonly sentAt: number
  readonly answeredAt: number
  readonly status?: number
  /** X-Proxyspec-Backend of the answer. */
  readonly backend?: string
  /** The answer's head fields. */
  readonly fields: readonly HeaderField[]
  /** The answer was a complete message. */
  readonly complete: boolean
  /** Set when no response came (closed, timeout, malformed). */
  readonly error?: string
}

/** A user agent: a cookie jar and one keep-alive connection (a new one when the target closes it). */
export class StickyClient {
  readonly jar = new CookieJar()
  readonly answers: StickyAnswer[] = []
  readonly #ctx: CaseContext
  #client: RawClient | undefined

  constructor(ctx: CaseContext) {
    this.#ctx = ctx
  }

  /** Sends one GET with the jar's cookies; the answer's cookies go into the jar. */
  async get(id: string, readMs: number): Promise<StickyAnswer> {
    const answer = await this.#exchange(id, this.jar.header(), readMs, this.#client !== undefined)
    this.answers.push(answer)
    return answer
  }

  async #exchange(
    id: string,
    cookie: string | undefined,
    readMs: number,
    reused: boolean,
  ): Promise<StickyAnswer> {
    const ctx = this.#ctx
    const sentAt = performance.now()
    const base = { id, cookie, sentAt }
    this.#client ??= await ctx.connect()
    const client = this.#client
    await client.write(
      lbRequest(id, {
        host: ctx.originHost,
        headers: cookie === undefined ? [] : [['Cookie', cookie]],
      }),
    )
    const got = await client.readResponse({
      timeoutMs: Math.max(50, Math.min(readMs, ctx.remainingMs() - 100)),
    })
    const answeredAt = performance.now()
    if (got.kind !== 'response') {
      await this.close()
      // A reused connection closed with no response: C's one retry on a fresh one (§12.2.1).
      if (got.kind === 'closed' && reused) return this.#exchange(id, cookie, readMs, false)
      return { ...base, answeredAt, fields: [], complete: false, error: got.kind }
    }
    const { head } = got.message
    const parsed = parseLbResponse(got.message)
    this.jar.store(head.headers)
    const closing = head.headers.some(
      (f) => f.name.toLowerCase() === 'connection' && /\bclose\b/i.test(f.value),
    )
    if (closing) await this.close()
    return {
      ...base,
      answeredAt,
      status: head.status,
      ...(parsed.backend === undefined ? {} : { backend: parsed.backend }),
      fields: head.headers,
      complete: got.message.complete,
    }
  }

  async close(): Promise<void> {
    const client = this.#client
    this.#client = undefined
    await client?.close()
  }
}
