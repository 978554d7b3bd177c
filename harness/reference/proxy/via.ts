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

/**
 * True when one of the request's Via members has `receivedBy` as its
 * received-by: the request has been through this proxy already, so
 * forwarding it again would be a loop (RFC 9110 §7.6), whatever relays or
 * other proxies sit in between. Squid's forwarding-loop check works the
 * same way. Comments after the received-by are ignored.
 */
export function passedThrough(
  headers: readonly { readonly name: string; readonly value: string }[],
  receivedBy: string,
): boolean {
  const wanted = receivedBy.toLowerCase()
  return headers
    .filter((f) => f.name.toLowerCase() === 'via')
    .flatMap((f) => f.value.split(','))
    .some(
      (member) =>
        member
          .trim()
          .split(/[ \t]+/)[1]
          ?.toLowerCase() === wanted,
    )
}
