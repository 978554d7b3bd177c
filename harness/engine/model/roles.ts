/** The part a target plays in one run (DESIGN.md, "Roles"). */
export type Role =
  | 'forward'
  | 'reverse'
  | 'tls-terminator'
  | 'tls-originator'
  | 'tunnel'
  /** A reverse proxy over N backends with a declared profile (catalog §12). */
  | 'balancer'
  /**
   * An HTTP→FTP protocol gateway (catalog §13, role FG): HTTP in, FTP (RFC 959)
   * to the harness FTP origin, the answer in HTTP as the origin server would
   * give it (RFC 9110 §3.7). Two modes (FtpMode): absolute-form `GET ftp://…`
   * (forward) or a path prefix mapped onto an FTP base URL (reverse).
   *
   * No HTTP suite applies to it, and none is made to (httpRole, effectiveRoles):
   * their cases need an HTTP origin behind the target, and an FTP gateway has
   * none. A forward proxy that also gateways ftp:// (squid) is tested in the
   * forward role for its HTTP behaviour, in a run of its own.
   */
  | 'ftp-gateway'

export const ROLES: readonly Role[] = [
  'forward',
  'reverse',
  'tls-terminator',
  'tls-originator',
  'tunnel',
  'balancer',
  'ftp-gateway',
]

/**
 * How an ftp-gateway target is addressed (catalog §13.1.1): FG/f, a forward
 * proxy taking absolute-form `GET ftp://host:port/path`; FG/r, a reverse
 * mapping of the HTTP path prefix FTP_REVERSE_PREFIX onto {ftp_base}.
 */
export type FtpMode = 'forward' | 'reverse'

export const FTP_MODES: readonly FtpMode[] = ['forward', 'reverse']

/** The HTTP path prefix an FG/r target maps onto {ftp_base} (`ProxyPass "/files/" "{ftp_base}"`). */
export const FTP_REVERSE_PREFIX = '/files/'

export function isFtpMode(value: string): value is FtpMode {
  return (FTP_MODES as readonly string[]).includes(value)
}

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value)
}

/**
 * The cleartext role whose HTTP rules a role follows. A TLS terminator is a
 * reverse proxy (a gateway, RFC 9110 §3.7) behind TLS: on the decrypted bytes
 * it answers to every rule a reverse proxy does; so does a load balancer, a
 * reverse proxy with several backends. Every other role is itself (an
 * ftp-gateway too: it follows the FTP rows of catalog §13, not a proxy's).
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
