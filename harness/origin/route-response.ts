/**
 * Answers a request from msw handlers: the first handler that returns a
 * Response answers, and the origin writes it with the route's framing and
 * persistence. Content-Length and Transfer-Encoding are the origin's to set
 * (the policy decides framing); every other field the handler set goes out
 * as given, Connection-listed ones included, because hop-by-hop cases need
 * an origin that sends them.
 */
import { getResponse, type RequestHandler } from 'msw'
import { chunkedBody, responseBytes } from '../wire/serialize.js'
import type { FieldLine, HttpMessage, RequestHead } from '../wire/types.js'
import { toFetchRequest } from './fetch-request.js'
import { decidePersistence } from './persistence.js'
import type { ConnectionPolicy, OriginFraming, Persistence } from './types.js'

export interface RoutedResponse {
  readonly bytes: Buffer
  readonly keepOpen: boolean
}

interface ResolvedPolicy {
  readonly persistence: Persistence
  readonly framing: OriginFraming
  readonly version: 'HTTP/1.1' | 'HTTP/1.0'
}

export function resolvePolicy(policy: ConnectionPolicy = {}): ResolvedPolicy {
  return {
    persistence: policy.persistence ?? 'honour',
    framing: policy.framing ?? 'content-length',
    version: policy.version ?? 'HTTP/1.1',
  }
}

const FRAMING_FIELDS = new Set(['content-length', 'transfer-encoding'])

/** Status codes whose responses never carry content (RFC 9110 §6.4.1). */
function bodyless(status: number): boolean {
  return (status >= 100 && status < 200) || status === 204 || status === 304
}

async function handlerResponse(
  handlers: readonly RequestHandler[],
  request: Request,
): Promise<Response> {
  try {
    const response = await getResponse([...handlers], request)
    return (
      response ??
      new Response(`proxyspec origin: no route for ${request.method} ${request.url}\n`, {
        status: 404,
      })
    )
  } catch (error) {
    // A handler that throws is the test author's bug; answer so the case can see it.
    return new Response(
      `proxyspec origin: route failed: ${error instanceof Error ? error.message : String(error)}\n`,
      {
        status: 500,
      },
    )
  }
}

export async function routeResponse(
  message: HttpMessage<RequestHead>,
  handlers: readonly RequestHandler[],
  policy: ConnectionPolicy | undefined,
  scheme: 'http' | 'https',
  authority: string,
): Promise<RoutedResponse> {
  const resolved = resolvePolicy(policy)
  const response = await handlerResponse(handlers, toFetchRequest(message, scheme, authority))
  const body = Buffer.from(await response.arrayBuffer())
  const persistence = decidePersistence(message.head, resolved)

  const fields: FieldLine[] = []
  let connection: string | undefined
  response.headers.forEach((value, name) => {
    if (FRAMING_FIELDS.has(name) || name === 'set-cookie') return
    if (name === 'connection') connection = value
    else fields.push([name, value])
  })
  for (const cookie of response.headers.getSetCookie()) fields.push(['set-cookie', cookie])
  const tokens = [connection, persistence.connectionToken].filter(
    (t): t is string => t !== undefined && t !== '',
  )
  if (tokens.length > 0) fields.push(['connection', tokens.join(', ')])

  const isHead = message.head.method.toUpperCase() === 'HEAD'
  const noContent = bodyless(response.status)
  let payload: Buffer = Buffer.alloc(0)
  if (!noContent) {
    switch (resolved.framing) {
      case 'content-length':
        fields.push(['content-length', String(body.length)])
        payload = isHead ? Buffer.alloc(0) : body
        break
      case 'chunked':
        fields.push(['transfer-encoding', 'chunked'])
        payload = isHead ? Buffer.alloc(0) : chunkedBody(body.length > 0 ? [body] : [])
        break
      case 'close-delimited':
        payload = isHead ? Buffer.alloc(0) : body
        break
    }
  }
  const bytes = responseBytes({
    version: resolved.version,
    status: response.status,
    ...(response.statusText === '' ? {} : { reason: response.statusText }),
    headers: fields,
    body: payload,
  })
  return { bytes, keepOpen: persistence.keepOpen }
}
