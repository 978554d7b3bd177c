/**
 * The protocol a case speaks to the target (DESIGN.md, "Front protocol is a
 * second dimension"): HTTP/1.1, or HTTP/2 — over TLS with ALPN h2 in the
 * tls-terminator role, by prior knowledge on a cleartext listener in every
 * other role (RFC 9113 §3.3, §3.4).
 */
export type Front = 'h1' | 'h2'

export const FRONTS: readonly Front[] = ['h1', 'h2']

export function isFront(value: string): value is Front {
  return (FRONTS as readonly string[]).includes(value)
}
