/**
 * Request ids for load-balancer cases (catalog §12.2.1): the client puts a
 * unique id in the header X-Proxyspec-Id and in the path (`/lb/<id>/…`), so
 * it survives a balancer that rewrites headers; every backend echoes it in
 * the same header and as the first line of the body, and names itself in
 * X-Proxyspec-Backend. Duplicates, lost requests and mixed-up responses are
 * then visible from both ends.
 */
import { parseMessages } from '../wire/parse-messages.js'
import { firstFieldValue } from '../wire/fields.js'
import { requestBytes } from '../wire/serialize.js'
import type { FieldLine, HeaderField, HttpMessage, ResponseHead } from '../wire/types.js'

export const LB_ID_FIELD = 'X-Proxyspec-Id'
export const LB_BACKEND_FIELD = 'X-Proxyspec-Backend'

/** What an id may be: one path segment that no balancer needs to escape. */
const ID = /^[A-Za-z0-9._~-]+$/
const ID_IN_TARGET = /\/lb\/([A-Za-z0-9._~-]+)(?=[/?#]|$)/

/** The id in a request-target (origin- or absolute-form), if any. */
export function idInTarget(target: string): string | undefined {
  return ID_IN_TARGET.exec(target)?.[1]
}

/** The id in the X-Proxyspec-Id field (the first line that has one), if any. */
export function idInHeaders(headers: readonly HeaderField[]): string | undefined {
  const value = firstFieldValue(headers, LB_ID_FIELD)?.trim()
  return value !== undefined && ID.test(value) ? value : undefined
}

export interface LbRequestOptions {
  /** What follows `/lb/<id>`; a leading slash is added. @default '/' */
  readonly path?: string
  /** @default 'GET' */
  readonly method?: string
  /** @default 'proxyspec.test' */
  readonly host?: string
  /** Sent with a Content-Length. */
  readonly body?: Buffer | string
  /** Extra field lines, after Host and the id. */
  readonly headers?: readonly FieldLine[]
}

/** `GET /lb/<id>/… HTTP/1.1` with Host and X-Proxyspec-Id, as bytes for a raw client. */
export function lbRequest(id: string, options: LbRequestOptions = {}): Buffer {
  if (!ID.test(id)) throw new Error(`[proxyspec] not a usable request id: ${JSON.stringify(id)}`)
  const rest = options.path ?? '/'
  const headers: FieldLine[] = [
    ['Host', options.host ?? 'proxyspec.test'],
    [LB_ID_FIELD, id],
    ...(options.headers ?? []),
  ]
  if (options.body !== undefined) headers.push(['Content-Length', String(options.body.length)])
  return requestBytes({
    method: options.method ?? 'GET',
    target: `/lb/${id}${rest.startsWith('/') ? '' : '/'}${rest}`,
    headers,
    ...(options.body === undefined ? {} : { body: options.body }),
  })
}

export interface LbResponse {
  /** The id the response names: its X-Proxyspec-Id, else the first line of its body. */
  readonly id: string | undefined
  /** The first line of the body (a backend's echo), undefined when there is none. */
  readonly bodyId: string | undefined
  /** X-Proxyspec-Backend: which backend answered. */
  readonly backend: string | undefined
  readonly status: number | undefined
  /** True when the whole response (as framed) is there. */
  readonly complete: boolean
}

/**
 * Reads the ids out of a response: bytes as received (the first response in
 * them; `eof` when the connection has ended), or a message the raw client parsed.
 */
export function parseLbResponse(
  response: Buffer | HttpMessage<ResponseHead>,
  options: { readonly eof?: boolean; readonly requestMethod?: string } = {},
): LbResponse {
  const message = Buffer.isBuffer(response) ? firstResponse(response, options) : response
  if (message === undefined) {
    return {
      id: undefined,
      bodyId: undefined,
      backend: undefined,
      status: undefined,
      complete: false,
    }
  }
  const firstLine = message.body.toString('latin1').split('\n', 1)[0]
  const bodyId = firstLine !== undefined && ID.test(firstLine) ? firstLine : undefined
  return {
    id: idInHeaders(message.head.headers) ?? bodyId,
    bodyId,
    backend: firstFieldValue(message.head.headers, LB_BACKEND_FIELD)?.trim(),
    status: message.head.status,
    complete: message.complete,
  }
}

function firstResponse(
  bytes: Buffer,
  options: { readonly eof?: boolean; readonly requestMethod?: string },
): HttpMessage<ResponseHead> | undefined {
  try {
    const parsed = parseMessages('response', bytes, {
      mode: 'lenient',
      eof: options.eof ?? true,
      requestMethods: [options.requestMethod ?? 'GET'],
    })
    return parsed.messages[0] as HttpMessage<ResponseHead> | undefined
  } catch {
    return undefined
  }
}
