/**
 * Steps of the framing stage: parsing messages and framing bodies (the request and response parsers, Content-Length and Transfer-Encoding, chunked coding, bodiless responses).
 * Each is named for the decision it takes; steps/index.ts composes the stages.
 */
import { createRequestParser } from '../../../wire/parser.js'
import type { RequestHead } from '../../../wire/types.js'
import type { PullParser } from '../socket-reader.js'

export interface FramingSteps {
  /** The parser of one client connection's requests: harness/wire's, strict (RFC 9112 §2–§7). */
  requestParser: () => PullParser<RequestHead>
}

export const framingSteps: FramingSteps = {
  requestParser: () => createRequestParser({ mode: 'strict' }),
}
