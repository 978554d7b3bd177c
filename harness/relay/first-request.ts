/** How far the first request of a connection has come in. */
export type FirstRequestScan =
  | { readonly kind: 'need-more' }
  | { readonly kind: 'invalid'; readonly reason: string }
  | {
      readonly kind: 'head'
      readonly method: string
      readonly target: string
      /** Bytes of the head, up to and including the empty line. */
      readonly headLength: number
      /** Head plus Content-Length body: where the first request ends. */
      readonly totalLength: number
    }

/** A relay that reads more than this without seeing the end of a head gives up. */
export const MAX_HEAD_BYTES = 64 * 1024

const HEAD_END = /\r?\n\r?\n/
const CONTENT_LENGTH = /^content-length[ \t]*:[ \t]*(\d+)[ \t]*$/im

/**
 * Finds the request line and the end of the first request, the way a dumb
 * relay does: the head ends at the first empty line, and the body is the
 * Content-Length, if any (no chunked: a blind relay does not know about it).
 */
export function scanFirstRequest(bytes: Buffer): FirstRequestScan {
  const text = bytes.subarray(0, MAX_HEAD_BYTES + 4).toString('latin1')
  const end = HEAD_END.exec(text)
  if (end === null) {
    return bytes.length > MAX_HEAD_BYTES
      ? { kind: 'invalid', reason: `no end of head in ${MAX_HEAD_BYTES} bytes` }
      : { kind: 'need-more' }
  }
  const headLength = end.index + end[0].length
  const head = text.slice(0, end.index)
  const [method, target] = (head.split(/\r?\n/, 1)[0] ?? '').split(' ')
  if (method === undefined || method === '' || target === undefined || target === '') {
    return { kind: 'invalid', reason: 'no request line' }
  }
  const contentLength = CONTENT_LENGTH.exec(head)?.[1]
  return {
    kind: 'head',
    method,
    target,
    headLength,
    totalLength: headLength + Number(contentLength ?? 0),
  }
}
