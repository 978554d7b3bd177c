/**
 * Persistence cookies (catalog §12.2.3 `sticky`, LB-21, LB-22), insert mode:
 * the balancer names a backend by a token of its own (s1, s2, … for the
 * primaries, b1, … for the backups), sets it in a Set-Cookie field line of
 * its own, sends a request carrying it to that backend while the backend is
 * a candidate, and in indirect mode removes it from the Cookie field before
 * forwarding. Nothing here runs when the profile declares no sticky.
 */
import type { BalancerProfile } from '../../engine/model/balancer-profile.js'
import type { HeaderField } from '../../wire/types.js'
import type { Backend } from './backend.js'
import type { BalanceRequest } from './policy.js'

/** The value the persistence cookie carries for `backend`. */
export function stickyToken(backend: Backend): string {
  return `${backend.backup ? 'b' : 's'}${backend.index + 1}`
}

const isCookieField = (field: HeaderField): boolean => field.name.toLowerCase() === 'cookie'

/**
 * The value of cookie `name` in a request's Cookie field lines (RFC 6265
 * §5.4: `name=value` pairs separated by "; "), or undefined. Cookie names
 * are case-sensitive.
 */
export function requestCookie(fields: readonly HeaderField[], name: string): string | undefined {
  for (const field of fields) {
    if (!isCookieField(field)) continue
    for (const pair of field.value.split(';')) {
      const at = pair.indexOf('=')
      if (at > 0 && pair.slice(0, at).trim() === name) return pair.slice(at + 1).trim()
    }
  }
  return undefined
}

/** Where a request's persistence cookie sends it. */
export type StickyChoice =
  /** To this backend: the one the cookie names, still a candidate. */
  | Backend
  /** Nowhere: the cookie names no candidate and the profile declares nofailover (a 503). */
  | 'refuse'
  /** No say: no sticky declared, no cookie, or a cookie naming no candidate (the policy picks). */
  | undefined

/**
 * The backend a request's persistence cookie pins it to, among `candidates`
 * (the usable backends not tried yet). A cookie that names none of them (its
 * backend is down, was tried, or is unknown) leaves the choice to the policy,
 * and the response re-pins the client; with `nofailover` it is refused
 * instead (Apache's stickysession nofailover, LB-22).
 */
export function stickyBackend(
  profile: BalancerProfile,
  request: BalanceRequest,
  candidates: readonly Backend[],
): StickyChoice {
  const sticky = profile.sticky
  if (sticky === undefined) return undefined
  const token = requestCookie(request.head.headers, sticky.cookie)
  if (token === undefined) return undefined
  const pinned = candidates.find((b) => stickyToken(b) === token)
  if (pinned !== undefined) return pinned
  return sticky.nofailover === true ? 'refuse' : undefined
}

/**
 * The set-cookie-string (RFC 6265 §4.1.1) the response from `backend` adds,
 * or undefined when the request already carries the cookie naming it:
 * `<cookie>=<token>; Path=/; HttpOnly`.
 */
export function stickyCookieFor(
  profile: BalancerProfile,
  request: BalanceRequest,
  backend: Backend,
): string | undefined {
  const sticky = profile.sticky
  if (sticky === undefined) return undefined
  const token = stickyToken(backend)
  if (requestCookie(request.head.headers, sticky.cookie) === token) return undefined
  return `${sticky.cookie}=${token}; Path=/; HttpOnly`
}

/**
 * The response's field lines with the balancer's own Set-Cookie added: a
 * field line of its own after the origin's, which stay as they came, in
 * their order (RFC 9110 §5.3; RFC 6265 §3: Set-Cookie lines are never folded).
 */
export function withStickyCookie(
  fields: readonly HeaderField[],
  setCookie: string,
): readonly HeaderField[] {
  return [
    ...fields,
    {
      name: 'Set-Cookie',
      value: setCookie,
      raw: Buffer.from(`Set-Cookie: ${setCookie}`, 'latin1'),
    },
  ]
}

/**
 * The request's field lines as forwarded: in indirect mode the balancer's
 * cookie is removed from each Cookie line and the client's other cookies
 * stay byte for byte, in order; a line left empty is dropped. Unchanged when
 * the mode is not indirect.
 */
export function forwardedCookie(
  profile: BalancerProfile,
  fields: readonly HeaderField[],
): readonly HeaderField[] {
  const sticky = profile.sticky
  if (sticky?.indirect !== true) return fields
  const out: HeaderField[] = []
  for (const field of fields) {
    if (!isCookieField(field)) {
      out.push(field)
      continue
    }
    const pieces = field.value.split(';')
    const kept = pieces.filter((piece) => {
      const at = piece.indexOf('=')
      return !(at > 0 && piece.slice(0, at).trim() === sticky.cookie)
    })
    if (kept.length === pieces.length) {
      out.push(field)
      continue
    }
    const value = kept.join(';').replace(/^[ \t]+/, '')
    if (value === '') continue
    out.push({ name: field.name, value, raw: Buffer.from(`${field.name}: ${value}`, 'latin1') })
  }
  return out
}
