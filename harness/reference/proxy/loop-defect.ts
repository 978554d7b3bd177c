/**
 * Seeded defect 'loops-through-itself' (RFC 9110 §7.6, HOP-19): a forward
 * proxy that also serves origin-form requests by their Host, as an
 * interception ("transparent") proxy does, and does not know its own
 * address. A request whose Host names the proxy goes round and round; only
 * a limit of 8 Via members stops the storm, so the kill matrix stays cheap.
 * Pure; route-request.ts applies it.
 */
import type { RequestHead } from '../../wire/types.js'
import type { ProxyDefect } from './defects.js'
import { parseAuthorityForm, type Authority } from './request-target.js'

/** Via members after which even the defective proxy gives up. */
const LOOP_LIMIT = 8

/** True when the defect is on and the request has not been round LOOP_LIMIT times yet. */
export function loopsThroughItself(head: RequestHead | undefined, defect?: ProxyDefect): boolean {
  if (defect !== 'loops-through-itself' || head === undefined) return false
  const members = head.headers
    .filter((f) => f.name.toLowerCase() === 'via')
    .flatMap((f) => f.value.split(','))
  return members.length < LOOP_LIMIT
}

/** Where the defective proxy sends an origin-form request: its Host, port 80 by default. */
export function transparentAuthority(
  head: RequestHead,
  defect?: ProxyDefect,
): Authority | undefined {
  if (defect !== 'loops-through-itself') return undefined
  const host = head.headers.find((f) => f.name.toLowerCase() === 'host')?.value
  if (host === undefined) return undefined
  return parseAuthorityForm(/:\d+$/.test(host) ? host : `${host}:80`)
}
