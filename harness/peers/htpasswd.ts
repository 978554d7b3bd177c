/**
 * An htpasswd line for a peer's proxy authentication, hashed with Apache's
 * APR1 MD5 scheme ("$apr1$"): the one format both Apache's mod_authn_file and
 * squid's basic_ncsa_auth read, made here so no htpasswd binary is needed and
 * the password itself is never written to a file (nor shown in a report).
 */
import { createHash, randomBytes } from 'node:crypto'

const ITOA64 = './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'

function to64(value: number, count: number): string {
  let out = ''
  let v = value
  for (let i = 0; i < count; i += 1) {
    out += ITOA64[v & 0x3f] ?? ''
    v >>>= 6
  }
  return out
}

const md5 = (...parts: Buffer[]): Buffer => {
  const hash = createHash('md5')
  for (const part of parts) hash.update(part)
  return hash.digest()
}

/** "$apr1$SALT$HASH" for `password` (salt: up to 8 characters of ITOA64). */
export function apr1(password: string, salt: string): string {
  const pw = Buffer.from(password, 'utf8')
  const s = Buffer.from(salt.slice(0, 8), 'latin1')
  const magic = Buffer.from('$apr1$', 'latin1')
  let final = md5(pw, s, pw)
  const parts: Buffer[] = [pw, magic, s]
  for (let left = pw.length; left > 0; left -= 16) parts.push(final.subarray(0, Math.min(16, left)))
  for (let i = pw.length; i > 0; i >>>= 1) parts.push(i & 1 ? Buffer.of(0) : pw.subarray(0, 1))
  final = md5(...parts)
  for (let i = 0; i < 1000; i += 1) {
    const round: Buffer[] = [i & 1 ? pw : final]
    if (i % 3 !== 0) round.push(s)
    if (i % 7 !== 0) round.push(pw)
    round.push(i & 1 ? final : pw)
    final = md5(...round)
  }
  const b = (i: number): number => final[i] ?? 0
  const encoded =
    to64((b(0) << 16) | (b(6) << 8) | b(12), 4) +
    to64((b(1) << 16) | (b(7) << 8) | b(13), 4) +
    to64((b(2) << 16) | (b(8) << 8) | b(14), 4) +
    to64((b(3) << 16) | (b(9) << 8) | b(15), 4) +
    to64((b(4) << 16) | (b(10) << 8) | b(5), 4) +
    to64(b(11), 2)
  return `$apr1$${salt.slice(0, 8)}$${encoded}`
}

/** One htpasswd line "user:$apr1$…" with a random salt. */
export function htpasswdLine(user: string, password: string): string {
  const salt = [...randomBytes(8)].map((byte) => ITOA64[byte & 0x3f] ?? '.').join('')
  return `${user}:${apr1(password, salt)}\n`
}
