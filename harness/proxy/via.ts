/**
 * The Via member this proxy appends (RFC 9110 §7.6.3). Pure.
 */

/**
 * "1.1" for "HTTP/1.1": the received protocol with the name left out, as
 * RFC 9110 §7.6.3 allows for HTTP. Anything that is not HTTP/1.0 counts as
 * 1.1, the highest version this proxy speaks (RFC 9110 §2.5).
 */
export function receivedProtocol(version: string): '1.0' | '1.1' {
  return version === 'HTTP/1.0' ? '1.0' : '1.1'
}

/** `<received-protocol> <received-by>`, e.g. "1.0 proxyspec". */
export function viaMember(receivedVersion: string, receivedBy: string): string {
  return `${receivedProtocol(receivedVersion)} ${receivedBy}`
}

/**
 * The field line carrying our member. It goes on a line of its own after every
 * received field, so it follows all earlier Via members (which keep their order
 * and bytes), and it is added after the Connection-nominated removal so a
 * client cannot strip it (RFC 9110 §7.6.1, HOP-04).
 */
export function viaLine(receivedVersion: string, receivedBy: string): string {
  return `Via: ${viaMember(receivedVersion, receivedBy)}`
}
