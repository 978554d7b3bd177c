/**
 * The request parser of the seeded defect 'consumes-connect-body': lenient, so
 * Content-Length or Transfer-Encoding on a CONNECT gets past the strict
 * parser's refusal (RFC 9110 §9.3.6: a CONNECT has no content) and reaches
 * the tunnel, which then swallows the "body" (connect-session.ts, CONNECT-12).
 * undefined for every other defect: the proxy's own strict parser is used.
 */
import { createRequestParser } from '../../wire/parser.js'
import type { RequestHead } from '../../wire/types.js'
import type { ProxyDefect } from './defects.js'
import type { PullParser } from './socket-reader.js'

export function connectDefectParser(
  defect: ProxyDefect | undefined,
): PullParser<RequestHead> | undefined {
  return defect === 'consumes-connect-body' ? createRequestParser({ mode: 'lenient' }) : undefined
}
