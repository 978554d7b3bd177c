// Seeded defects of the reference h2 front's h2 upstream path
// (harness/reference/h2-front upstream-pool.ts, upstream-request.ts,
// steps/upstream.ts) that the upstream cases of the h2 suite must catch:
// one replaced step each (parts/h2-defect.ts starts the h2-upstream twin).
import { ERROR_CODE } from '../../harness/h2/constants.js'
import { h2Defect } from './parts/h2-defect.js'
import type { SeededDefect } from './types.js'

/** Variants without an HTTP/1.1-client case (suites/h2/upstream.cases.ts says why). */
const H2_ONLY = new Set(['transfer-encoding', 'no-status', 'content-length-short', 'data-on-204'])
/** The h2-client case of a malformed-response variant, and its HTTP/1.1-client twin. */
const both = (slug: string): string[] => [
  `h2/h2-upstream-malformed-${slug}`,
  ...(H2_ONLY.has(slug) ? [] : [`h2/h2-upstream-h1-client-malformed-${slug}`]),
]
const list = (...slugs: string[]): [string, ...string[]] => {
  const [first, ...rest] = slugs.flatMap(both)
  if (first === undefined) throw new TypeError('no case')
  return [first, ...rest]
}

export const h2UpstreamDefects: readonly SeededDefect[] = [
  h2Defect(
    'relays-malformed-h2-response-head',
    'checks nothing in an h2 origin response head: relays what the origin sent (names, values, pseudo-header fields, connection-specific fields, a 1xx ending the stream)',
    list(
      'transfer-encoding',
      'connection-field',
      'uppercase-name',
      'crlf-in-value',
      'no-status',
      'two-status',
      'request-pseudo-header',
      'interim-end-stream',
    ),
    ['reverse'],
  ).replacing(() => ({ validateUpstreamResponse: () => undefined })),
  h2Defect(
    'relays-connection-specific-h2-response-fields',
    'lets connection-specific fields of an h2 origin response through (RFC 9113 §8.2.2), checking the rest',
    list('transfer-encoding', 'connection-field'),
    ['reverse'],
  ).replacing((reference) => ({
    validateUpstreamResponse: (fields, context) => {
      const problem = reference.validateUpstreamResponse(fields, context)
      return problem?.startsWith('the connection-specific field') === true ? undefined : problem
    },
  })),
  h2Defect(
    'relays-h2-response-length-mismatch',
    'relays an h2 origin response whose DATA disagree with its content-length, or DATA on a response without content',
    list('content-length-overrun', 'content-length-short', 'data-on-204'),
    ['reverse'],
  ).replacing(() => ({ checkUpstreamLength: () => undefined })),
  h2Defect(
    'relays-pseudo-header-in-h2-trailers',
    'relays an h2 origin trailer section holding a pseudo-header field',
    list('status-in-trailers'),
    ['reverse'],
  ).replacing(() => ({ validateUpstreamTrailers: () => undefined })),
  h2Defect(
    'drops-complete-response-on-no-error-reset',
    'turns an h2 origin RST_STREAM(NO_ERROR) after a complete response into a reset toward the client, dropping what is not sent yet (h2o, B95)',
    ['h2/h2-upstream-no-error-reset-after-complete-response'],
    ['reverse'],
  ).replacing((reference) => ({
    upstreamReset: (code, complete) =>
      code === ERROR_CODE.NO_ERROR
        ? { kind: 'reset', code: ERROR_CODE.INTERNAL_ERROR }
        : reference.upstreamReset(code, complete),
  })),
  h2Defect(
    'maps-upstream-reset-to-refused-stream',
    'answers any h2 origin reset with RST_STREAM(REFUSED_STREAM) toward the client, so it may replay a POST the origin processed (h2o, B97)',
    ['h2/h2-upstream-no-refused-stream-after-origin-read'],
    ['reverse'],
  ).replacing(() => ({
    upstreamReset: () => ({ kind: 'reset', code: ERROR_CODE.REFUSED_STREAM }),
  })),
  h2Defect(
    'ends-stream-after-upstream-reset-mid-body',
    'ends the client stream with END_STREAM when the h2 origin resets mid-body, presenting a truncated body as complete',
    ['h2/h2-upstream-reset-mid-body-not-end-stream'],
    ['reverse'],
  ).replacing(() => ({ upstreamReset: () => ({ kind: 'deliver' }) })),
  h2Defect(
    'exceeds-origin-stream-limit',
    "opens every stream at once on one h2 origin connection, whatever the origin's SETTINGS_MAX_CONCURRENT_STREAMS (h2o, B99)",
    ['h2/h2-upstream-origin-stream-limit'],
    ['reverse'],
  ).replacing(() => ({ upstreamStreamLimit: () => true })),
  h2Defect(
    'never-credits-origin-connection-window',
    'opens no connection window toward the h2 origin and gives none back for the DATA it receives, so one client that reads slowly stalls every client sharing that connection (the coupling H2-31 (b) is about)',
    ['h2/h2-upstream-slow-reader-does-not-stall-others'],
    ['reverse'],
  ).replacing(() => ({ upstreamConnectionWindow: () => 65_535, upstreamCredit: () => 0 })),
]
