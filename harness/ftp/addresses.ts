/**
 * Data-connection addresses: the 227/229 replies the origin sends, and the
 * PORT/EPRT arguments it parses. The origin connects only to loopback.
 */
import { isIP } from 'node:net'

/** `227 Entering Passive Mode (127,0,0,1,p1,p2).` for an IPv4 host. */
export function pasvReply(host: string, port: number): string {
  const h = host.split('.').join(',')
  return `227 Entering Passive Mode (${h},${Math.floor(port / 256)},${port % 256}).`
}

/** `229 Entering Extended Passive Mode (|||port|)` */
export function epsvReply(port: number): string {
  return `229 Entering Extended Passive Mode (|||${port}|)`
}

/** `h1,h2,h3,h4,p1,p2` → host and port, or undefined when malformed. */
export function parsePort(arg: string): { host: string; port: number } | undefined {
  const parts = arg.trim().split(',')
  if (parts.length !== 6 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255))
    return undefined
  const n = parts.map(Number)
  return { host: n.slice(0, 4).join('.'), port: (n[4] ?? 0) * 256 + (n[5] ?? 0) }
}

/** `|1|127.0.0.1|port|` or `|2|::1|port|` (any delimiter) → host and port. */
export function parseEprt(arg: string): { host: string; port: number } | undefined {
  const d = arg[0]
  if (d === undefined) return undefined
  const parts = arg.split(d)
  if (parts.length !== 5) return undefined
  const [, family, host = '', port = ''] = parts
  if ((family === '1' && isIP(host) !== 4) || (family === '2' && isIP(host) !== 6)) return undefined
  if (family !== '1' && family !== '2') return undefined
  if (!/^\d{1,5}$/.test(port) || Number(port) > 65535 || Number(port) === 0) return undefined
  return { host, port: Number(port) }
}

/** 127.0.0.0/8 or ::1. */
export function isLoopback(host: string): boolean {
  return (isIP(host) === 4 && host.startsWith('127.')) || host === '::1'
}
