import { HarnessError } from '../../net/errors.js'
import type { BalancerProfile } from '../model/balancer-profile.js'

/** The balancer role's placeholders (catalog §12.2.4), {originN} and {backupN} aside. */
export const BALANCER_PLACEHOLDERS = [
  'origins',
  'backup',
  'weights',
  'health_path',
  'health_method',
  'health_host',
  'interval_ms',
  'interval_s',
  'timeout_ms',
  'fall',
  'rise',
  'max_fails',
  'fail_timeout_s',
  'max_conns',
  'slow_start_s',
  'cookie',
  'hash_key',
  'workers',
  'config_dir',
  'profile',
] as const

/**
 * The ftp-gateway role's placeholders (catalog §13.1.2): {ftp_origin} the
 * harness FTP origin's 127.0.0.1:PORT, {ftp_host} {ftp_port} its halves,
 * {ftp_base} `ftp://{ftp_origin}/pub/` (what an FG/r mapping of /files/
 * names), {ftp_user} {ftp_pass} fixed credentials for a mapping that logs in
 * itself, {x_ip} the loopback alias of the third-party listener X (a
 * gateway's access rules may deny it), {ftp_timeout} the FTP/read timeout in
 * seconds it must be configured with.
 */
export const FTP_PLACEHOLDERS = [
  'ftp_origin',
  'ftp_host',
  'ftp_port',
  'ftp_base',
  'ftp_user',
  'ftp_pass',
  'x_ip',
  'ftp_timeout',
] as const

/** What the ftp-gateway role's placeholders are rendered from (the run's RunFtp). */
export interface FtpPlaceholderInput {
  readonly origin: { readonly host: string; readonly port: number; readonly authority: string }
  readonly base: string
  readonly user: string
  readonly pass: string
  readonly xIp: string
  readonly timeoutS: number
}

/** The ftp-gateway role's placeholder values. */
export function ftpPlaceholders(input: FtpPlaceholderInput): Readonly<Record<string, string>> {
  return {
    ftp_origin: input.origin.authority,
    ftp_host: input.origin.host,
    ftp_port: String(input.origin.port),
    ftp_base: input.base,
    ftp_user: input.user,
    ftp_pass: input.pass,
    x_ip: input.xIp,
    ftp_timeout: String(input.timeoutS),
  }
}

/**
 * What --spawn may name; each is filled in when the harness knows its value.
 * {next_hop}: host:port of the harness next-hop proxy (harness/nexthop) the
 * target must send its CONNECTs on to, for the chained CONNECT rows; only
 * filled in for runs that start one.
 * {origin_tls}: host:port of the harness TLS origin, the upstream of a
 * tls-originator ("localhost:PORT": localhost is the name it must verify and
 * send as SNI); {ca}: path of the run CA (PEM) it must trust; {cert} {key}:
 * paths of the chain (leaf, then its intermediate CA) and key a
 * tls-terminator serves (valid for localhost, origin.test, 127.0.0.1, ::1).
 * {proxy_user} {proxy_pass}: the Basic proxy credentials the target must
 * require (--proxy-auth USER:PASS); only filled in when they are declared.
 * In the balancer role (catalog §12.2.4, balancerPlaceholders): {origins}
 * {origin1}… {backup} {backup1}… and the profile's {weights} {health_path}
 * {health_method} {health_host} {interval_ms} {interval_s} {timeout_ms}
 * {fall} {rise} {max_fails} {fail_timeout_s} {max_conns} {slow_start_s}
 * {cookie} {hash_key} {workers}, and {config_dir} {profile}.
 * In the ftp-gateway role: FTP_PLACEHOLDERS.
 */
export const SPAWN_PLACEHOLDERS = [
  'port',
  'origin',
  'origin_url',
  'connect_ports',
  'next_hop',
  'origin_tls',
  'ca',
  'cert',
  'key',
  'proxy_user',
  'proxy_pass',
  ...BALANCER_PLACEHOLDERS,
  ...FTP_PLACEHOLDERS,
] as const

/** What the balancer role's placeholders are rendered from. */
export interface BalancerPlaceholderInput {
  /** The primaries, in profile order ("host:port"). */
  readonly origins: readonly string[]
  readonly backups: readonly string[]
  /** The profile in force; undefined: only the lists and files are filled in. */
  readonly profile: BalancerProfile | undefined
  /** The backends' health path, when the profile names none. */
  readonly healthPath: string
  /** A private directory for a wrapper's files, and the profile JSON written in it. */
  readonly configDir: string
  readonly profilePath: string
}

const seconds = (ms: number): string => String(Math.round(ms / 100) / 10)

/**
 * The balancer role's placeholder values (catalog §12.2.4). A value the
 * profile does not declare is left out, so a command naming it is refused
 * with the reason (substitutePlaceholders), never run with a made-up value.
 */
export function balancerPlaceholders(
  input: BalancerPlaceholderInput,
): Readonly<Record<string, string>> {
  const { profile } = input
  const values: Record<string, string> = {
    origins: input.origins.join(','),
    backup: input.backups.join(','),
    config_dir: input.configDir,
    profile: input.profilePath,
    health_path: profile?.active?.path ?? input.healthPath,
    health_method: profile?.active?.method ?? 'GET',
  }
  input.origins.forEach((origin, i) => (values[`origin${i + 1}`] = origin))
  input.backups.forEach((backup, i) => (values[`backup${i + 1}`] = backup))
  if (profile === undefined) return values
  values.weights = input.origins.map((_, i) => String(profile.weights?.[i] ?? 1)).join(',')
  const set = (name: string, value: string | number | undefined): void => {
    if (value !== undefined) values[name] = String(value)
  }
  const { active, passive } = profile
  set('health_host', active?.host)
  set('interval_ms', active?.interval_ms)
  set('interval_s', active === undefined ? undefined : seconds(active.interval_ms))
  set('timeout_ms', active?.timeout_ms)
  set('fall', active?.fall)
  set('rise', active?.rise)
  set('max_fails', passive?.max_fails)
  set('fail_timeout_s', passive?.fail_timeout_s)
  set('max_conns', profile.max_conns_per_backend)
  set('slow_start_s', profile.slow_start_s)
  set('cookie', profile.sticky?.cookie)
  set('hash_key', profile.hash?.key)
  set('workers', profile.workers ?? 1)
  return values
}

/** Every placeholder value as the environment variable a wrapper reads: {fall} → PROXYSPEC_FALL. */
export function placeholderEnv(
  values: Readonly<Record<string, string>>,
): Readonly<Record<string, string>> {
  return Object.fromEntries(
    Object.entries(values).map(([name, value]) => [`PROXYSPEC_${name.toUpperCase()}`, value]),
  )
}

const LISTED = /^(?:origin|backup)\d+$/

/** Why a balancer or FTP placeholder has no value in this run, when it is one. */
function balancerGap(name: string): string | undefined {
  if (LISTED.test(name)) return 'there is no such backend in this case'
  if ((FTP_PLACEHOLDERS as readonly string[]).includes(name))
    return 'it is filled in only in the ftp-gateway role (--role ftp-gateway)'
  if (!(BALANCER_PLACEHOLDERS as readonly string[]).includes(name)) return undefined
  return 'it is filled in only in the balancer role, from the declared profile (--lb-profile FILE), which does not declare it'
}

export function substitutePlaceholders(
  command: string,
  values: Readonly<Record<string, string>>,
): string {
  return command.replace(/\{([a-z][a-z_0-9]*)\}/g, (whole, name: string) => {
    const value = values[name]
    const gap = value === undefined ? balancerGap(name) : undefined
    if (gap !== undefined) {
      throw new HarnessError('HARNESS_BAD_INPUT', `placeholder ${whole} in --spawn: ${gap}`)
    }
    if (value === undefined && (name === 'proxy_user' || name === 'proxy_pass')) {
      throw new HarnessError(
        'HARNESS_BAD_INPUT',
        `placeholder ${whole} in --spawn needs the credentials: add --proxy-auth USER:PASS`,
      )
    }
    if (value === undefined && (SPAWN_PLACEHOLDERS as readonly string[]).includes(name)) {
      throw new HarnessError(
        'HARNESS_BAD_INPUT',
        `placeholder ${whole} in --spawn has no value in this run (no harness component provides it yet)`,
      )
    }
    if (value === undefined) {
      throw new HarnessError(
        'HARNESS_BAD_INPUT',
        `unknown placeholder ${whole} in --spawn (known: ${SPAWN_PLACEHOLDERS.map((p) => `{${p}}`).join(' ')})`,
      )
    }
    return value
  })
}
