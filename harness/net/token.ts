import { randomBytes } from 'node:crypto'

/**
 * Per-case tokens correlate what the origin sees with the case that caused it,
 * whatever connection or order it arrives in (cache-tests' UUID pattern).
 * Format: "t-<6 hex run id>-<counter>", carried as the first path segment.
 */
const TOKEN_IN_TARGET = /\/(t-[0-9a-f]{6}-[0-9]+)(?=[/?#]|$)/

export function tokenOf(target: string): string | undefined {
  return TOKEN_IN_TARGET.exec(target)?.[1]
}

export class TokenSource {
  readonly runId: string
  #counter = 0

  constructor(runId: string = randomBytes(3).toString('hex')) {
    this.runId = runId
  }

  next(): string {
    this.#counter += 1
    return `t-${this.runId}-${this.#counter}`
  }
}
