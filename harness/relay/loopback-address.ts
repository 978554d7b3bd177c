import { BlockList, isIPv4, isIPv6 } from 'node:net'

const LOOPBACK = new BlockList()
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4')
LOOPBACK.addAddress('::1', 'ipv6')

/**
 * The loopback address to dial for `host`, or undefined when it is not one.
 * 'localhost' is resolved here, not by DNS, so a resolver (or /etc/hosts) can
 * never send relay traffic off the machine.
 */
export function loopbackAddress(host: string): string | undefined {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host
  if (bare.toLowerCase() === 'localhost') return '127.0.0.1'
  if (isIPv4(bare)) return LOOPBACK.check(bare, 'ipv4') ? bare : undefined
  if (isIPv6(bare)) return LOOPBACK.check(bare, 'ipv6') ? bare : undefined
  return undefined
}
