/**
 * Basic proxy authentication (RFC 9110 §11.7, RFC 7617) for the forward role:
 * a request or CONNECT without valid Proxy-Authorization gets 407 with a
 * Proxy-Authenticate challenge (RFC 9110 §11.4, §11.7.1, §15.5.8); the
 * credentials are consumed here and never passed on (§11.7.2). Pure.
 */
import type { RequestHead } from '../../wire/types.js'

/** The user and password a client must present (RFC 7617: the user-id has no colon). */
export interface ProxyCredentials {
  readonly user: string
  readonly pass: string
}

/** The challenge of every 407 this proxy sends. */
export const PROXY_CHALLENGE = 'Proxy-Authenticate: Basic realm="proxyspec", charset="UTF-8"'

const isProxyAuthorization = (name: string): boolean => name.toLowerCase() === 'proxy-authorization'

/** The user and password of a Basic credentials value, or undefined when it is not Basic. */
export function basicCredentials(value: string): ProxyCredentials | undefined {
  const match = /^basic[ ]+([A-Za-z0-9+/]+=*)[ \t]*$/i.exec(value)
  if (match === null) return undefined
  const text = Buffer.from(match[1] ?? '', 'base64').toString('utf8')
  // RFC 7617 §2: user-pass = user-id ":" password, and only the password may hold a colon.
  const colon = text.indexOf(':')
  if (colon === -1) return undefined
  return { user: text.slice(0, colon), pass: text.slice(colon + 1) }
}

/**
 * Whether `head` carries the credentials this proxy requires: exactly one
 * Proxy-Authorization whose credentials, read by `credentialsOf`, are the
 * required ones (RFC 9110 §11.7.2, §11.4).
 */
export function authorized(
  head: RequestHead,
  required: ProxyCredentials,
  credentialsOf: (value: string) => ProxyCredentials | undefined,
): boolean {
  const lines = head.headers.filter((f) => isProxyAuthorization(f.name))
  if (lines.length !== 1) return false
  const given = credentialsOf(lines[0]?.value ?? '')
  return given?.user === required.user && given.pass === required.pass
}

/** The field lines of a 407's challenge (RFC 9110 §11.7.1, §15.5.8: it MUST carry one). */
export function proxyChallenge(): readonly string[] {
  return [PROXY_CHALLENGE]
}

/** The head to forward: Proxy-Authorization consumed (RFC 9110 §11.7.2). */
export function consumeProxyAuthorization(head: RequestHead): RequestHead {
  if (!head.headers.some((f) => isProxyAuthorization(f.name))) return head
  return { ...head, headers: head.headers.filter((f) => !isProxyAuthorization(f.name)) }
}
