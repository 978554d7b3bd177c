/**
 * The parsers the reference proxy reads with: harness/wire's strict parser,
 * unchanged, for requests from clients and for responses from upstreams
 * (RFC 9112 §2.2, §5, §6: every anomaly the parser finds is refused).
 */
import { createRequestParser, createResponseParser } from '../../wire/parser.js'
import type { RequestHead } from '../../wire/types.js'
import type { PullParser } from './socket-reader.js'
import type { ResponseParser } from './upstream-pool.js'

/** The request parser of one client connection. */
export function requestParser(): PullParser<RequestHead> {
  return createRequestParser({ mode: 'strict' })
}

/** The response parser of one upstream connection. */
export function responseParser(): ResponseParser {
  return createResponseParser({ mode: 'strict' })
}
