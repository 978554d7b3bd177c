import { readFileSync } from 'node:fs'
import type { Role } from '../../harness/engine/model/roles.js'
import { HarnessError } from '../../harness/net/errors.js'

/**
 * Which side a non-pass cell is wrong on, once investigated:
 * - peer: the implementation deviates from the RFC (its documentation or
 *   source says so, quoted in the reason);
 * - config: the peer can conform but its documented default or our config
 *   does not (the reason names the directive);
 * - harness: a proxyspec bug (the reason names file and case; reported);
 * - info: informational: the RFCs allow what the peer does (a MAY it does not
 *   take, a feature it does not offer); explained, never a deviation.
 */
export type ReasonSide = 'peer' | 'config' | 'harness' | 'info'

export interface Reason {
  readonly side: ReasonSide
  readonly text: string
}

/**
 * test-fixtures/peers/reasons.json: keys "PEER CASE-ID" (every role and
 * profile), "PEER/ROLE CASE-ID" (one role), "PEER:PROFILE CASE-ID" or
 * "PEER:PROFILE/ROLE CASE-ID" (one profile of the peer, peer:squid:chained);
 * the most specific key wins. Values { side, reason }.
 */
export class Reasons {
  readonly #entries: ReadonlyMap<string, Reason>

  constructor(entries: ReadonlyMap<string, Reason>) {
    this.#entries = entries
  }

  static empty(): Reasons {
    return new Reasons(new Map())
  }

  static parse(text: string, source: string): Reasons {
    let data: unknown
    try {
      data = JSON.parse(text)
    } catch (error) {
      throw new HarnessError('HARNESS_BAD_INPUT', `${source} is not JSON: ${String(error)}`)
    }
    const entries = new Map<string, Reason>()
    for (const [key, value] of Object.entries(data as Record<string, unknown>)) {
      if (key.startsWith('//')) continue // comments
      const v = value as { side?: unknown; reason?: unknown }
      if (
        !/^[a-z]+(?::[a-z0-9-]+)?(?:\/[a-z-]+)? [a-z0-9-]+\/[a-z0-9-]+$/.test(key) ||
        (v.side !== 'peer' && v.side !== 'config' && v.side !== 'harness' && v.side !== 'info') ||
        typeof v.reason !== 'string'
      ) {
        throw new HarnessError(
          'HARNESS_BAD_INPUT',
          `${source}: entry "${key}" must be "PEER[:PROFILE][/ROLE] CASE-ID": { "side": "peer"|"config"|"harness"|"info", "reason": "..." }`,
        )
      }
      entries.set(key, { side: v.side, text: v.reason })
    }
    return new Reasons(entries)
  }

  static read(path: string): Reasons {
    return Reasons.parse(readFileSync(path, 'utf8'), path)
  }

  lookup(peer: string, role: Role, caseId: string, profile?: string): Reason | undefined {
    const scoped =
      profile === undefined
        ? undefined
        : (this.#entries.get(`${peer}:${profile}/${role} ${caseId}`) ??
          this.#entries.get(`${peer}:${profile} ${caseId}`))
    return (
      scoped ??
      this.#entries.get(`${peer}/${role} ${caseId}`) ??
      this.#entries.get(`${peer} ${caseId}`)
    )
  }
}
