/**
 * Steps of the framing stage: parsing messages and framing bodies (the request and response parsers, Content-Length and Transfer-Encoding, chunked coding, bodiless responses).
 * Each is named for the decision it takes; steps/index.ts composes the stages.
 */
import type { RequestHead, ResponseHead } from '../../../wire/types.js'
import {
  responseCodingProblem,
  responseFraming,
  transferCodingRefusal,
  type BodyFraming,
  type CodingRefusal,
} from '../framing.js'
import { requestParser, responseParser } from '../framing-parser.js'
import type { PullParser } from '../socket-reader.js'
import type { ResponseParser } from '../upstream-pool.js'

export interface FramingSteps {
  /** How a client connection's requests are read: strictly, every anomaly refused (RFC 9112 §2.2, §3, §5, §6, §7). */
  readonly requestParser: () => PullParser<RequestHead>
  /** How an upstream connection's responses are read: strictly, every anomaly refused (RFC 9112 §2.2, §4, §5, §6, §7). */
  readonly responseParser: () => ResponseParser
  /** How a received response body is delimited: none for HEAD, 1xx, 204, 304, else by its fields (RFC 9112 §6.3). */
  readonly responseFraming: (requestMethod: string, head: ResponseHead) => BodyFraming
  /** Whether a request is refused for its transfer coding: 400 for chunked twice, 501 for a coding it cannot decode (RFC 9112 §6.1). */
  readonly transferCodingRefusal: (head: RequestHead) => CodingRefusal | undefined
  /** Why a response cannot be relayed for its transfer coding (a 502), undefined when it can (RFC 9112 §6.1). */
  readonly responseCodingProblem: (requestMethod: string, head: ResponseHead) => string | undefined
}

export const framingSteps: FramingSteps = {
  requestParser,
  responseParser,
  responseFraming,
  transferCodingRefusal,
  responseCodingProblem,
}
