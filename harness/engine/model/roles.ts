/** The part a target plays in one run (DESIGN.md, "Roles"). */
export type Role =
  | 'forward'
  | 'reverse'
  | 'tls-terminator'
  | 'tls-originator'
  | 'tunnel'
  /** A reverse proxy over N backends with a declared profile (catalog §12). */
  | 'balancer'

export const ROLES: readonly Role[] = [
  'forward',
  'reverse',
  'tls-terminator',
  'tls-originator',
  'tunnel',
  'balancer',
]

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value)
}

/**
 * The cleartext role whose HTTP rules a role follows. A TLS terminator is a
 * reverse proxy (a gateway, RFC 9110 §3.7) behind TLS: on the decrypted bytes
 * it answers to every rule a reverse proxy does; so does a load balancer, a
 * reverse proxy with several backends. Every other role is itself.
 */
export function httpRole(role: Role): Role {
  return role === 'tls-terminator' || role === 'balancer' ? 'reverse' : role
}

/**
 * Roles that run a case declared for `role` too, behind TLS: a `reverse` case
 * also runs as a tls-terminator. (A reverse case also runs in the balancer
 * role, effectiveRoles; that is not "behind" anything: what is started for
 * the reverse role behind TLS is not started as a balancer.)
 */
export function rolesBehind(role: Role): readonly Role[] {
  return role === 'reverse' ? ['reverse', 'tls-terminator'] : [role]
}
