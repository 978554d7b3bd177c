// Seeded defects the framing suite must catch: each is the reference with one
// lax spot in how it reads or writes message framing (harness/reference/proxy/framing-parser.ts,
// harness/reference/proxy/framing.ts).
import { proxyDefect as defect } from './reference-with.js'
import type { SeededDefect } from './types.js'

export const framingDefects: readonly SeededDefect[] = [
  defect(
    'accepts-cl-and-te',
    'Accepts a request with both Content-Length and Transfer-Encoding and keeps the connection open, so bytes after the chunked body are read as the next request (CL.TE smuggling; tinyproxy #609 [B14])',
    ['framing/cl-with-te-request-rejected-or-te-framed'],
  ),
  defect(
    'frames-response-by-content-length',
    'Believes Content-Length over Transfer-Encoding when writing a response that has both: the client gets Content-Length: 5 and an 11-byte body',
    ['framing/cl-with-te-response-framed-by-te'],
  ),
  defect(
    'lax-content-length',
    'Accepts Content-Length values such as "+5", "0x5", "" and forwards them as received (an empty one: HAProxy #2237 [B15])',
    ['framing/invalid-content-length-rejected'],
  ),
  defect(
    'accepts-conflicting-content-length',
    'Accepts differing duplicate Content-Length values and uses the first (tinyproxy #609 [B14])',
    ['framing/content-length-lists'],
  ),
  defect(
    'accepts-invalid-response-content-length',
    'Relays a response with "Content-Length: 5, 6" or "abc" instead of answering 502',
    ['framing/invalid-response-content-length-is-502'],
  ),
  defect(
    'forwards-te-not-chunked-last',
    'Accepts a request whose Transfer-Encoding does not end in chunked, reads it as bodiless and forwards the coding',
    ['framing/transfer-encoding-not-chunked-last-rejected'],
  ),
  defect(
    'drops-unknown-transfer-coding',
    'Forwards "Transfer-Encoding: gzip, chunked" as plain chunked: the gzip bytes arrive labelled as uncoded',
    ['framing/unknown-transfer-coding-gets-501'],
  ),
  defect(
    'relabels-response-transfer-codings',
    'Relays a "Transfer-Encoding: gzip, chunked" response re-chunked without the gzip coding: the client gets gzip bytes as plain content',
    ['framing/response-transfer-coding-not-relabelled'],
  ),
  defect(
    'ignores-te-from-http10',
    'Ignores Transfer-Encoding in an HTTP/1.0 request ("1.0 has no chunked"): the body is forwarded unframed',
    ['framing/http10-transfer-encoding-closes'],
  ),
  defect(
    'tolerates-whitespace-before-colon',
    'Accepts "Name : value" in both directions and forwards the line as received (tinyproxy #623 [B19])',
    [
      'framing/whitespace-before-colon-rejected',
      'framing/response-whitespace-before-colon-removed',
    ],
  ),
  defect(
    'forwards-obs-fold',
    'Accepts obs-fold in both directions and forwards the folded line as received (netty #9866 [B50]; Squid PR #701 [B20])',
    ['framing/request-obs-fold-rejected-or-unfolded', 'framing/response-obs-fold-502-or-unfolded'],
  ),
  defect(
    'forwards-bare-cr',
    'Accepts a bare CR inside a field line and forwards it, in both directions (Squid PR #701 [B20])',
    ['framing/bare-cr-lf-and-nul-rejected-or-cleaned', 'framing/response-bare-cr-502-or-cleaned'],
  ),
  defect(
    'forwards-nul-in-field-value',
    'Accepts a NUL inside a field value and forwards the line with it',
    ['framing/bare-cr-lf-and-nul-rejected-or-cleaned'],
  ),
  defect(
    'forwards-whitespace-led-line',
    'Keeps a whitespace-led line after the request line and forwards it verbatim, where the next hop reads it as part of a field',
    ['framing/whitespace-led-line-rejected-or-ignored'],
  ),
  defect(
    'lax-chunk-size-parsing',
    'Reads chunk sizes parseInt-style ("0x5" is 5) and skips data past the chunk size, in both directions',
    ['framing/invalid-request-chunks-rejected', 'framing/invalid-response-chunks-not-relayed'],
  ),
  defect(
    'rejects-chunk-extensions',
    'Refuses chunks with an extension ("5;ext=1") instead of ignoring it',
    ['framing/chunk-extensions-ignored'],
  ),
  defect(
    'reads-head-response-body',
    'Forgets that a response to HEAD has no body and waits for Content-Length bytes that never come',
    ['framing/head-response-ends-at-headers'],
  ),
  defect(
    'frames-bodiless-responses',
    'Frames 204 and 304 responses by their fields: a chunked 304 gets a last-chunk that the client reads as the next response (freeunit PR #295 [B31])',
    ['framing/204-and-304-end-at-headers'],
  ),
  defect(
    'reuses-upstream-with-unread-bytes',
    'Returns an upstream connection to the pool with bytes still unread, so they answer the next request (response queue desync)',
    ['framing/no-response-after-the-response', 'framing/drops-upstream-after-extra-bytes'],
  ),
  defect(
    'fixes-invalid-request-lines',
    'Splits the request line on any whitespace and accepts "http/1.1", then forwards the repaired line',
    ['framing/invalid-request-line-rejected'],
  ),
  defect(
    'drops-fields-beyond-limit',
    'Keeps the first 100 field lines of a request and drops the rest without a word',
    ['framing/oversized-heads-rejected-or-forwarded-whole'],
  ),
  defect(
    'wraps-content-length',
    'Reads Content-Length into a 64-bit integer modulo 2^64 (2^64 + 5 is 5) and forwards the field as received: the body ends early and the bytes after it become a request (RFC 9110 §8.6)',
    ['framing/invalid-content-length-rejected'],
  ),
]
