/**
 * Seeded defect 'loops-through-itself' (RFC 9110 §7.6, HOP-19): a forward
 * proxy that also serves origin-form requests by their Host, as an
 * interception ("transparent") proxy does, and does not know its own
 * address. A request whose Host names the proxy goes round and round; only
 * a limit of 8 Via members stops the storm, so the kill matrix stays cheap.
 * Pure: the replacements of the forwardsLooping and originFormAuthority steps.
 */
import type { RequestHead } from '../../../harness/wire/types.js'
import {
  parseAuthorityForm,
  type Authority,
} from '../../../harness/reference/proxy/request-target.js'

/** Via members after which even the defective proxy gives up. */
const LOOP_LIMIT = 8

/** True until the request has been round LOOP_LIMIT times (a CONNECT, without a head, never loops). */
export function loopsUntilViaLimit(head: RequestHead | undefined): boolean {
  if (head === undefined) return false
  const members = head.headers
    .filter((f) => f.name.toLowerCase() === 'via')
    .flatMap((f) => f.value.split(','))
  return members.length < LOOP_LIMIT
}

/** Where the defective proxy sends an origin-form request: its Host, port 80 by default. */
export function hostAuthority(head: RequestHead): Authority | undefined {
  const host = head.headers.find((f) => f.name.toLowerCase() === 'host')?.value
  if (host === undefined) return undefined
  return parseAuthorityForm(/:\d+$/.test(host) ? host : `${host}:80`)
}
