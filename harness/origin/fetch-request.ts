/**
 * Turns a request as read off the wire into a Fetch Request for msw handlers.
 * The wire message stays the record; this is only how routes see it, so
 * fields Fetch cannot represent (invalid names, forbidden values) are skipped
 * here and are still in the recording.
 */
import type { HttpMessage, RequestHead } from '../wire/types.js'
import { firstFieldValue } from '../wire/fields.js'

function requestUrl(
  head: RequestHead,
  scheme: 'http' | 'https',
  fallbackAuthority: string,
): string {
  if (/^https?:\/\//i.test(head.target)) return head.target
  const host = firstFieldValue(head.headers, 'host') || fallbackAuthority
  const path = head.target.startsWith('/')
    ? head.target
    : `/${head.target === '*' ? '' : head.target}`
  try {
    return new URL(`${scheme}://${host}${path}`).href
  } catch {
    // A Host field no URL accepts: route on the origin's own authority.
    return new URL(`${scheme}://${fallbackAuthority}${path}`).href
  }
}

const NO_BODY = new Set(['GET', 'HEAD'])
/** Methods the Fetch Request constructor refuses (CONNECT, TRACE, TRACK). */
const FETCH_FORBIDDEN = new Set(['CONNECT', 'TRACE', 'TRACK'])

export function toFetchRequest(
  message: HttpMessage<RequestHead>,
  scheme: 'http' | 'https',
  authority: string,
): Request {
  const head = message.head
  const headers = new Headers()
  for (const field of head.headers) {
    try {
      headers.append(field.name, field.value)
    } catch {
      // Not representable in Fetch; the raw bytes remain in the recording.
    }
  }
  const method = FETCH_FORBIDDEN.has(head.method.toUpperCase()) ? 'GET' : head.method
  if (method !== head.method) headers.set('x-proxyspec-method', head.method)
  let url: string
  try {
    url = requestUrl(head, scheme, authority)
  } catch {
    url = `${scheme}://${authority}/`
  }
  const withBody = !NO_BODY.has(method.toUpperCase()) && message.body.length > 0
  try {
    return new Request(url, {
      method,
      headers,
      ...(withBody ? { body: new Uint8Array(message.body) } : {}),
    })
  } catch {
    // An extension method Fetch will not take: routes see it as GET with the method in a field.
    headers.set('x-proxyspec-method', head.method)
    return new Request(url, { method: 'GET', headers })
  }
}
