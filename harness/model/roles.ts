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
