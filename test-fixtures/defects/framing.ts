// Seeded defects the framing suite must catch: each is the reference with one
// lax spot in how it reads or writes message framing: its `requestParser` or
// `responseParser` step replaced by a parser with one lax spot (parts/lax-parser.ts),
// or one framing decision of harness/reference/proxy/framing.ts replaced.
import { createRequestParser } from '../../harness/wire/parser.js'
import type { MessageHead } from '../../harness/wire/types.js'
import {
  hasField,
  laxRequestParser,
  laxResponseParser,
  withHeaders,
  withoutField,
  whitespaceLedLine,
} from './parts/lax-parser.js'
import { proxyDefect as defect } from './reference-with.js'
import type { SeededDefect } from './types.js'

/** Content-Length digits read into a 64-bit register: 2^64 + 5 becomes 5 (SMUG-03, RFC 9110 §8.6). */
const modulo64 = (digits: string): number => Number(BigInt(digits) % 2n ** 64n)

export const framingDefects: readonly SeededDefect[] = [
  defect(
    'accepts-cl-and-te',
    'Accepts a request with both Content-Length and Transfer-Encoding and keeps the connection open, so bytes after the chunked body are read as the next request (CL.TE smuggling; tinyproxy #609 [B14])',
    ['framing/cl-with-te-request-rejected-or-te-framed'],
  )
    // Both framing fields accepted; the next request is read after the chunked body (SMUG-01).
    .replacing(() => ({
      requestParser: () =>
        laxRequestParser({ tolerates: ['content-length-with-transfer-encoding'] }),
    })),
  defect(
    'frames-response-by-content-length',
    'Believes Content-Length over Transfer-Encoding when writing a response that has both: the client gets Content-Length: 5 and an 11-byte body',
    ['framing/cl-with-te-response-framed-by-te'],
  )
    // Both framing fields accepted in a response, and Content-Length believed
    // over Transfer-Encoding when it is written on (SMUG-02).
    .replacing(() => ({
      responseParser: () =>
        laxResponseParser({
          tolerates: ['content-length-with-transfer-encoding'],
          misreads: (head) =>
            hasField(head, 'content-length') && hasField(head, 'transfer-encoding')
              ? withoutField(head, 'transfer-encoding')
              : head,
        }),
    })),
  defect(
    'lax-content-length',
    'Accepts Content-Length values such as "+5", "0x5", "" and forwards them as received (an empty one: HAProxy #2237 [B15])',
    ['framing/invalid-content-length-rejected'],
  )
    // parseInt-style Content-Length (SMUG-03).
    .replacing(() => ({
      requestParser: () => laxRequestParser({ tolerates: ['invalid-content-length'] }),
    })),
  defect(
    'accepts-conflicting-content-length',
    'Accepts differing duplicate Content-Length values and uses the first (tinyproxy #609 [B14])',
    ['framing/content-length-lists'],
  )
    // Two different Content-Length values: the first one wins (SMUG-03).
    .replacing(() => ({
      requestParser: () => laxRequestParser({ tolerates: ['conflicting-content-length'] }),
    })),
  defect(
    'accepts-invalid-response-content-length',
    'Relays a response with "Content-Length: 5, 6" or "abc" instead of answering 502',
    ['framing/invalid-response-content-length-is-502'],
  )
    // An upstream's invalid Content-Length is relayed instead of a 502 (SMUG-04).
    .replacing(() => ({
      responseParser: () =>
        laxResponseParser({ tolerates: ['invalid-content-length', 'conflicting-content-length'] }),
    })),
  defect(
    'forwards-te-not-chunked-last',
    'Accepts a request whose Transfer-Encoding does not end in chunked, reads it as bodiless and forwards the coding',
    ['framing/transfer-encoding-not-chunked-last-rejected'],
  )
    // Read as no body, the coding forwarded anyway (SMUG-05).
    .replacing(() => ({
      requestParser: () => laxRequestParser({ tolerates: ['transfer-encoding-not-chunked-last'] }),
    })),
  defect(
    'drops-unknown-transfer-coding',
    'Forwards "Transfer-Encoding: gzip, chunked" as plain chunked: the gzip bytes arrive labelled as uncoded',
    ['framing/unknown-transfer-coding-gets-501'],
  )
    // The 501 is never sent: the coding is dropped without a word, as re-chunking relabels it (SMUG-05).
    .replacing((reference) => ({
      transferCodingRefusal: (head) => {
        const refusal = reference.transferCodingRefusal(head)
        return refusal?.status === 501 ? undefined : refusal
      },
    })),
  defect(
    'relabels-response-transfer-codings',
    'Relays a "Transfer-Encoding: gzip, chunked" response re-chunked without the gzip coding: the client gets gzip bytes as plain content',
    ['framing/response-transfer-coding-not-relabelled'],
  )
    // No 502: the coding is dropped when the body is re-chunked (RFC 9112 §6.1).
    .replacing(() => ({ responseCodingProblem: () => undefined })),
  defect(
    'ignores-te-from-http10',
    'Ignores Transfer-Encoding in an HTTP/1.0 request ("1.0 has no chunked"): the body is forwarded unframed',
    ['framing/http10-transfer-encoding-closes'],
  )
    // "HTTP/1.0 has no chunked": its Transfer-Encoding is ignored (SMUG-05).
    .replacing(() => ({
      requestParser: () =>
        laxRequestParser({
          tolerates: ['transfer-encoding-in-http10'],
          misreads: (head) =>
            head.version === 'HTTP/1.0' ? withoutField(head, 'transfer-encoding') : head,
        }),
    })),
  defect(
    'tolerates-whitespace-before-colon',
    'Accepts "Name : value" in both directions and forwards the line as received (tinyproxy #623 [B19])',
    [
      'framing/whitespace-before-colon-rejected',
      'framing/response-whitespace-before-colon-removed',
    ],
  )
    // "Name : value" taken as "Name", the line forwarded as received (SMUG-06).
    .replacing(() => ({
      requestParser: () => laxRequestParser({ tolerates: ['whitespace-before-colon'] }),
      responseParser: () => laxResponseParser({ tolerates: ['whitespace-before-colon'] }),
    })),
  defect(
    'forwards-obs-fold',
    'Accepts obs-fold in both directions and forwards the folded line as received (netty #9866 [B50]; Squid PR #701 [B20])',
    ['framing/request-obs-fold-rejected-or-unfolded', 'framing/response-obs-fold-502-or-unfolded'],
  )
    // Folded lines accepted and forwarded folded (SMUG-07).
    .replacing(() => ({
      requestParser: () => laxRequestParser({ tolerates: ['obs-fold'] }),
      responseParser: () => laxResponseParser({ tolerates: ['obs-fold'] }),
    })),
  defect(
    'forwards-bare-cr',
    'Accepts a bare CR inside a field line and forwards it, in both directions (Squid PR #701 [B20])',
    ['framing/bare-cr-lf-and-nul-rejected-or-cleaned', 'framing/response-bare-cr-502-or-cleaned'],
  )
    // A CR inside a line accepted and forwarded (SMUG-08).
    .replacing(() => ({
      requestParser: () => laxRequestParser({ tolerates: ['bare-cr'] }),
      responseParser: () => laxResponseParser({ tolerates: ['bare-cr'] }),
    })),
  defect(
    'forwards-nul-in-field-value',
    'Accepts a NUL inside a field value and forwards the line with it',
    ['framing/bare-cr-lf-and-nul-rejected-or-cleaned'],
  )
    // A NUL inside a field value accepted and forwarded (SMUG-08).
    .replacing(() => ({
      requestParser: () => laxRequestParser({ tolerates: ['invalid-field-value'] }),
    })),
  defect(
    'forwards-whitespace-led-line',
    'Keeps a whitespace-led line after the request line and forwards it verbatim, where the next hop reads it as part of a field',
    ['framing/whitespace-led-line-rejected-or-ignored'],
  )
    // The line is kept as a field and copied verbatim (SMUG-09).
    .replacing(() => ({
      requestParser: () =>
        laxRequestParser({
          tolerates: ['leading-whitespace-line'],
          misreads: (head) => {
            const line = whitespaceLedLine(head.raw)
            return line === undefined ? head : withHeaders(head, [line, ...head.headers])
          },
        }),
    })),
  defect(
    'lax-chunk-size-parsing',
    'Reads chunk sizes parseInt-style ("0x5" is 5) and skips data past the chunk size, in both directions',
    ['framing/invalid-request-chunks-rejected', 'framing/invalid-response-chunks-not-relayed'],
  )
    // "0x5", trailing junk after the size, data longer than the size (SMUG-10).
    .replacing(() => ({
      requestParser: () =>
        laxRequestParser({ tolerates: ['invalid-chunk-size', 'invalid-chunk-ending'] }),
      responseParser: () =>
        laxResponseParser({ tolerates: ['invalid-chunk-size', 'invalid-chunk-ending'] }),
    })),
  defect(
    'rejects-chunk-extensions',
    'Refuses chunks with an extension ("5;ext=1") instead of ignoring it',
    ['framing/chunk-extensions-ignored'],
  )
    // A strict reader that refuses what RFC 9112 §7.1.1 says to ignore.
    .replacing(() => ({
      requestParser: () => laxRequestParser({ refuses: ['chunk-extension'] }),
      responseParser: () => laxResponseParser({ refuses: ['chunk-extension'] }),
    })),
  defect(
    'reads-head-response-body',
    'Forgets that a response to HEAD has no body and waits for Content-Length bytes that never come',
    ['framing/head-response-ends-at-headers'],
  )
    // Forgets that a response to HEAD has no body, and waits for one (SMUG-11).
    .replacing(() => ({
      responseParser: () =>
        laxResponseParser({ expects: (method) => (method === 'HEAD' ? 'GET' : method) }),
    })),
  defect(
    'frames-bodiless-responses',
    'Frames 204 and 304 responses by their fields: a chunked 304 gets a last-chunk that the client reads as the next response (freeunit PR #295 [B31])',
    ['framing/204-and-304-end-at-headers'],
  )
    // 204 and 304 framed as a 200 would be (SMUG-11).
    .replacing((reference) => ({
      responseFraming: (method, head) =>
        reference.responseFraming(
          method,
          head.status === 204 || head.status === 304 ? { ...head, status: 200 } : head,
        ),
    })),
  defect(
    'reuses-upstream-with-unread-bytes',
    'Returns an upstream connection to the pool with bytes still unread, so they answer the next request (response queue desync)',
    ['framing/no-response-after-the-response', 'framing/drops-upstream-after-extra-bytes'],
  )
    // The bytes after a response stay queued unseen, so a reused connection answers with them (SMUG-12).
    .replacing(() => ({ responseParser: () => laxResponseParser({ hidesBuffered: true }) })),
  defect(
    'fixes-invalid-request-lines',
    'Splits the request line on any whitespace and accepts "http/1.1", then forwards the repaired line',
    ['framing/invalid-request-line-rejected'],
  )
    // Double spaces, a tab, "http/1.1": the request line is fixed up and forwarded (SMUG-13).
    .replacing(() => ({
      requestParser: () =>
        laxRequestParser({ tolerates: ['invalid-start-line', 'invalid-version'] }),
    })),
  defect(
    'drops-fields-beyond-limit',
    'Keeps the first 100 field lines of a request and drops the rest without a word',
    ['framing/oversized-heads-rejected-or-forwarded-whole'],
  )
    // A fixed table of 100 field lines, in both directions (SMUG-14).
    .replacing(() => {
      const first100 = <H extends MessageHead>(head: H): H =>
        head.headers.length > 100 ? withHeaders(head, head.headers.slice(0, 100)) : head
      return {
        requestParser: () => laxRequestParser({ misreads: first100 }),
        responseParser: () => laxResponseParser({ misreads: first100 }),
      }
    }),
  defect(
    'wraps-content-length',
    'Reads Content-Length into a 64-bit integer modulo 2^64 (2^64 + 5 is 5) and forwards the field as received: the body ends early and the bytes after it become a request (RFC 9110 §8.6)',
    ['framing/invalid-content-length-rejected'],
  )
    // The body is read by the wrapped length while the field goes on as received.
    .replacing(() => ({
      requestParser: () => createRequestParser({ mode: 'strict', contentLengthValue: modulo64 }),
    })),
]
