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

/**
 * The field that carries a case's token when the request-target cannot (the
 * asterisk-form of a server-wide OPTIONS, an absolute-form with no path):
 * proxies forward unknown fields, so the origin can still tell whose it is.
 */
export const TOKEN_FIELD = 'X-Proxyspec-Token'

const TOKEN_VALUE = /^t-[0-9a-f]{6}-[0-9]+$/

/** A request's token: from its target, else from TOKEN_FIELD. */
export function requestTokenOf(head: {
  readonly target: string
  readonly headers: readonly { readonly name: string; readonly value: string }[]
}): string | undefined {
  const fromTarget = tokenOf(head.target)
  if (fromTarget !== undefined) return fromTarget
  const field = head.headers.find((f) => f.name.toLowerCase() === TOKEN_FIELD.toLowerCase())
  const value = field?.value.trim() ?? ''
  return TOKEN_VALUE.test(value) ? value : undefined
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
