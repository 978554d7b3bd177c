/**
 * A small RFC 6265 cookie jar for the persistence-cookie cases (LB-21,
 * LB-22): Set-Cookie lines parsed as a user agent does (§5.2), their syntax
 * checked against the server grammar (§4.1.1), and one Cookie line sent back
 * (§5.4). Paths, domains and expiry are not modelled: every cookie of these
 * cases is for the whole site and the session.
 */
import type { HeaderField } from '../../harness/wire/types.js'

/** One Set-Cookie line as a user agent reads it (RFC 6265 §5.2). */
export interface SetCookie {
  readonly name: string
  readonly value: string
  /** Attribute names (lower case) and values, in order. */
  readonly attributes: readonly (readonly [name: string, value: string])[]
  /** The whole field line value. */
  readonly line: string
}

/**
 * Parses a set-cookie-string as §5.2 does: the name-value-pair up to the
 * first ";", then the attributes; undefined when §5.2 ignores the line (no
 * "=", or an empty name).
 */
export function parseSetCookie(line: string): SetCookie | undefined {
  const semi = line.indexOf(';')
  const pair = semi < 0 ? line : line.slice(0, semi)
  const at = pair.indexOf('=')
  if (at < 0) return undefined
  const name = pair.slice(0, at).trim()
  if (name === '') return undefined
  const attributes: (readonly [string, string])[] = []
  if (semi >= 0) {
    for (const av of line.slice(semi + 1).split(';')) {
      const eq = av.indexOf('=')
      const key = (eq < 0 ? av : av.slice(0, eq)).trim().toLowerCase()
      if (key !== '') attributes.push([key, eq < 0 ? '' : av.slice(eq + 1).trim()])
    }
  }
  return { name, value: pair.slice(at + 1).trim(), attributes, line }
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/
const COOKIE_VALUE =
  /^(?:[\x21\x23-\x2B\x2D-\x3A\x3C-\x5B\x5D-\x7E]*|"[\x21\x23-\x2B\x2D-\x3A\x3C-\x5B\x5D-\x7E]*")$/
// eslint-disable-next-line no-control-regex
const AV = /^[^\x00-\x1F\x7F;]+$/

/**
 * Why `line` is not a set-cookie-string of the server grammar (RFC 6265
 * §4.1.1: cookie-pair *( ";" SP cookie-av )), or undefined when it is.
 */
export function setCookieSyntaxProblem(line: string): string | undefined {
  const [pair = '', ...avs] = line.split('; ')
  const at = pair.indexOf('=')
  if (at < 0) return 'no "=" in the cookie-pair'
  if (!TOKEN.test(pair.slice(0, at))) return 'the cookie-name is not a token'
  if (!COOKIE_VALUE.test(pair.slice(at + 1)))
    return 'the cookie-value has octets outside cookie-octet'
  for (const av of avs)
    if (!AV.test(av)) return `attribute ${JSON.stringify(av)} is not a cookie-av`
  return undefined
}

/** The Set-Cookie field line values of a response head, in order. */
export function setCookieLines(fields: readonly HeaderField[]): string[] {
  return fields.filter((f) => f.name.toLowerCase() === 'set-cookie').map((f) => f.value)
}

/** One client's cookies: set by responses (or by the client itself), sent back in creation order. */
export class CookieJar {
  readonly #cookies = new Map<string, string>()

  /** A cookie the client sets itself (as a script would). */
  set(name: string, value: string): void {
    this.#cookies.set(name, value)
  }

  /** Stores every cookie the response's Set-Cookie lines set; a name seen before keeps its place (§5.3 step 11). */
  store(fields: readonly HeaderField[]): SetCookie[] {
    const parsed = setCookieLines(fields)
      .map(parseSetCookie)
      .filter((c): c is SetCookie => c !== undefined)
    for (const cookie of parsed) this.#cookies.set(cookie.name, cookie.value)
    return parsed
  }

  get(name: string): string | undefined {
    return this.#cookies.get(name)
  }

  /** The cookie-pairs sent back, in order. */
  pairs(): string[] {
    return [...this.#cookies].map(([name, value]) => `${name}=${value}`)
  }

  /** The Cookie field line value (§5.4: one line, pairs joined by "; "), undefined when empty. */
  header(): string | undefined {
    const pairs = this.pairs()
    return pairs.length === 0 ? undefined : pairs.join('; ')
  }
}
