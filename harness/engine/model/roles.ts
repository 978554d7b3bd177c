/** The part a target plays in one run (DESIGN.md, "Roles"). */
export type Role = 'forward' | 'reverse' | 'tls-terminator' | 'tls-originator' | 'tunnel'

export const ROLES: readonly Role[] = [
  'forward',
  'reverse',
  'tls-terminator',
  'tls-originator',
  'tunnel',
]

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value)
}

/**
 * The cleartext role whose HTTP rules a role follows. A TLS terminator is a
 * reverse proxy (a gateway, RFC 9110 §3.7) behind TLS: on the decrypted bytes
 * it answers to every rule a reverse proxy does. Every other role is itself.
 */
export function httpRole(role: Role): Role {
  return role === 'tls-terminator' ? 'reverse' : role
}

/** Roles that run a case declared for `role` too: a `reverse` case also runs behind TLS. */
export function rolesBehind(role: Role): readonly Role[] {
  return role === 'reverse' ? ['reverse', 'tls-terminator'] : [role]
}
