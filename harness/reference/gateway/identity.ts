/**
 * RFC 9525 service identity checks for a TLS client (the originator): the
 * reference identity is the configured upstream name (§6.1.1), compared only
 * with subjectAltName entries (§6.2: never the subject CN), label by label
 * and case-insensitively, with A-labels for internationalised names (§6.3),
 * a wildcard only as the whole left-most label matching exactly one label
 * (§6.3, §7.1), and an IP reference only against iPAddress entries (§6.4).
 */
import { isIP } from 'node:net'
import type { PeerCertificate } from 'node:tls'
import { domainToASCII } from 'node:url'

/** The SAN entries of a certificate, split by kind. */
export function subjectAltNames(cert: PeerCertificate): { dns: string[]; ip: string[] } {
  const dns: string[] = []
  const ip: string[] = []
  // Entries are joined by ", "; Node JSON-quotes a value holding special characters: DNS:"a,b".
  const entry = /([A-Za-z ]+):("(?:[^"\\]|\\.)*"|[^,]*)(?:,\s*|$)/gy
  const text = cert.subjectaltname ?? ''
  for (let match = entry.exec(text); match !== null && match[0] !== ''; match = entry.exec(text)) {
    const raw = match[2] ?? ''
    const value = raw.startsWith('"') ? (JSON.parse(raw) as string) : raw
    if (match[1] === 'DNS') dns.push(value)
    else if (match[1] === 'IP Address') ip.push(value)
  }
  return { dns, ip }
}

/** A DNS name as compared: A-labels, lower case, no trailing dot (RFC 9525 §6.3). */
export const normaliseName = (name: string): string =>
  domainToASCII(name.replace(/\.$/, '')).toLowerCase()

/** RFC 9525 §6.3 and §7.1: one presented DNS-ID against the reference DNS name. */
export function matchesDnsId(reference: string, presented: string): boolean {
  const ref = normaliseName(reference).split('.')
  const id = presented.toLowerCase().replace(/\.$/, '').split('.')
  if (ref.length !== id.length || ref.some((label) => label === '')) return false
  const [first, ...rest] = id
  // Only "*" as the whole first label, over at least two more labels, is a wildcard.
  if (first === '*' && rest.length >= 2) {
    if (rest.some((label) => label.includes('*'))) return false
    return rest.every((label, i) => label === ref[i + 1])
  }
  if (id.some((label) => label.includes('*'))) return false
  return id.every((label, i) => label === ref[i])
}

/** RFC 9525 §6.4: an IP reference equals an iPAddress SAN octet for octet (v4 and v6 differ). */
function ipEqual(a: string, b: string): boolean {
  if (isIP(a) !== isIP(b)) return false
  if (isIP(a) === 4) return a === b
  const expand = (v6: string): string => {
    const [head = '', tail = ''] = v6.split('::')
    const h = head === '' ? [] : head.split(':')
    const t = tail === '' ? [] : tail.split(':')
    const zeros = new Array<string>(Math.max(0, 8 - h.length - t.length)).fill('0')
    const groups = v6.includes('::') ? [...h, ...zeros, ...t] : h
    return groups.map((g) => parseInt(g, 16).toString(16)).join(':')
  }
  return expand(a) === expand(b)
}

/**
 * A checkServerIdentity for tls.connect: undefined when `cert` carries the
 * reference identity, else the error that aborts the connection. The subject
 * CN is never consulted (RFC 9525 §6.2 ended RFC 2818 §3.1's fallback).
 */
export function checkIdentity(reference: string, cert: PeerCertificate): Error | undefined {
  const { dns, ip } = subjectAltNames(cert)
  const ok =
    isIP(reference) !== 0
      ? ip.some((presented) => ipEqual(reference, presented))
      : dns.some((presented) => matchesDnsId(reference, presented))
  if (ok) return undefined
  const error = new Error(
    `the certificate does not name ${reference} (SAN: ${cert.subjectaltname ?? 'none'})`,
  ) as NodeJS.ErrnoException
  error.code = 'ERR_TLS_CERT_ALTNAME_INVALID'
  return error
}
