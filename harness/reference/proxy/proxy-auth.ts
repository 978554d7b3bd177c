/**
 * Basic proxy authentication (RFC 9110 §11.7, RFC 7617) for the forward role:
 * a request or CONNECT without valid Proxy-Authorization gets 407 with a
 * Proxy-Authenticate challenge (RFC 9110 §11.4, §11.7.1, §15.5.8); the
 * credentials are consumed here and never passed on (§11.7.2). Pure.
 */
import type { RequestHead } from '../../wire/types.js'
import type { ProxyDefect } from './defects.js'

/** The user and password a client must present (RFC 7617: the user-id has no colon). */
export interface ProxyCredentials {
  readonly user: string
  readonly pass: string
}

/** The challenge of every 407 this proxy sends. */
export const PROXY_CHALLENGE = 'Proxy-Authenticate: Basic realm="proxyspec", charset="UTF-8"'

const isProxyAuthorization = (name: string): boolean => name.toLowerCase() === 'proxy-authorization'

/** The user and password of a Basic credentials value, or undefined when it is not Basic. */
function basicCredentials(
  value: string,
  defect: ProxyDefect | undefined,
): ProxyCredentials | undefined {
  const match = /^basic[ ]+([A-Za-z0-9+/]+=*)[ \t]*$/i.exec(value)
  if (match === null) return undefined
  const text = Buffer.from(match[1] ?? '', 'base64').toString('utf8')
  // RFC 7617 §2: user-pass = user-id ":" password, and only the password may hold a colon.
  // Seeded defect 'splits-credentials-at-last-colon': split at the last colon, so a
  // password with a colon in it never matches (a lastIndexOf where indexOf belonged).
  const colon =
    defect === 'splits-credentials-at-last-colon' ? text.lastIndexOf(':') : text.indexOf(':')
  if (colon === -1) return undefined
  return { user: text.slice(0, colon), pass: text.slice(colon + 1) }
}

/**
 * Whether `head` carries the credentials this proxy requires. Seeded defects:
 * 'accepts-wrong-proxy-credentials' only checks that a Proxy-Authorization is
 * there; 'connect-skips-proxy-auth' lets every CONNECT through unasked (the
 * squid config with "http_access allow CONNECT" above the auth rule).
 */
export function authorized(
  head: RequestHead,
  required: ProxyCredentials,
  defect: ProxyDefect | undefined,
): boolean {
  if (defect === 'connect-skips-proxy-auth' && head.method === 'CONNECT') return true
  const lines = head.headers.filter((f) => isProxyAuthorization(f.name))
  if (defect === 'accepts-wrong-proxy-credentials') return lines.length > 0
  if (lines.length !== 1) return false
  const given = basicCredentials(lines[0]?.value ?? '', defect)
  return given?.user === required.user && given.pass === required.pass
}

/** The 407's extra field lines. Seeded defect 'omits-proxy-authenticate': none. */
export function challengeLines(defect: ProxyDefect | undefined): string[] {
  return defect === 'omits-proxy-authenticate' ? [] : [PROXY_CHALLENGE]
}

/**
 * The head to forward: Proxy-Authorization consumed (RFC 9110 §11.7.2).
 * Seeded defect 'forwards-proxy-authorization': passed on to the origin, as a
 * proxy that only strips the RFC 9110 §7.6.1 hop-by-hop list does.
 */
export function withoutProxyAuthorization(
  head: RequestHead,
  defect: ProxyDefect | undefined,
): RequestHead {
  if (defect === 'forwards-proxy-authorization') return head
  if (!head.headers.some((f) => isProxyAuthorization(f.name))) return head
  return { ...head, headers: head.headers.filter((f) => !isProxyAuthorization(f.name)) }
}

/**
 * Seeded defect 'unframed-407': the 407 has a body but neither Content-Length
 * nor Connection: close, and the connection stays open, so its end can never
 * be found (RFC 9112 §6.3).
 */
export function unframed407(defect: ProxyDefect | undefined): Buffer {
  return Buffer.from(
    `HTTP/1.1 407 Proxy Authentication Required\r\n${challengeLines(defect)
      .map((l) => `${l}\r\n`)
      .join('')}Content-Type: text/plain\r\n\r\nproxyspec: credentials required\n`,
    'latin1',
  )
}
