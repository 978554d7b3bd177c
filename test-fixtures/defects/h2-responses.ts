// Seeded defects of the reference h2 front (harness/reference/h2-front) that
// the h2 response and stream cases (H2-11, H2-13 … H2-16, H2-25, H2-29 …
// H2-32) must catch: one replaced step each (parts/h2-defect.ts), except the
// ALPN one, which replaces a step of the reference TLS terminator in front
// of it (parts/h2-responses-alpn.ts).
import { h2Defect } from './parts/h2-defect.js'
import { terminatorAlpnDefect } from './parts/h2-responses-alpn.js'
import { cachedFieldTranslation } from './parts/h2-responses-cache.js'
import type { SeededDefect } from './types.js'

export const h2ResponseDefects: readonly SeededDefect[] = [
  // B76 (nginx passed Upgrade to h2 clients), B77/B78: hop-by-hop fields and
  // the h1 name case copied into the h2 header block.
  h2Defect(
    'h2-leaks-connection-fields',
    'Copies the HTTP/1.1 response fields into the h2 HEADERS as they are: Connection, Keep-Alive, Transfer-Encoding, Upgrade and mixed-case names reach the h2 client (B76, B77)',
    ['h2/strips-connection-fields-from-responses'],
  ).replacing(() => ({
    responseFields: (headers) => headers.map((f) => ({ name: f.name, value: f.value })),
  })),
  h2Defect(
    'h2-keeps-mixed-case-names',
    'Strips the connection-specific fields but keeps the HTTP/1.1 spelling of names (X-Mixed-Case): an uppercase name makes the h2 response malformed (B78)',
    ['h2/strips-connection-fields-from-responses'],
  ).replacing((reference) => ({
    responseFields: (headers) => {
      const kept = new Set(reference.responseFields(headers).map((f) => f.name))
      return headers.filter((f) => kept.has(f.name.toLowerCase()))
    },
  })),
  // B80: an h2 front that holds the header block until the body arrives,
  // while the client waits for a 100 before sending it.
  h2Defect(
    'h2-expect-continue-deadlock',
    'Buffers the request body before forwarding even when the client sent expect: 100-continue, so neither side moves (B80)',
    ['h2/expect-continue-without-deadlock'],
  ).replacing(() => ({
    startForwarding: (held) => held.ended || held.buffered >= held.window,
  })),
  // B81: nginx before 1.29 and others drop 103 Early Hints.
  h2Defect(
    'h2-drops-early-hints',
    'Drops 103 (Early Hints) instead of relaying them as interim HEADERS (B81)',
    ['h2/relays-interim-responses'],
  ).replacing((reference) => ({
    interimResponse: (head, upgradeAsked) =>
      head.status === 103 ? 'drop' : reference.interimResponse(head, upgradeAsked),
  })),
  // B83: a 304/HEAD answer read as if it had a body (ATS sent a 304 without END_STREAM).
  h2Defect(
    'h2-head-response-read-as-get',
    'Reads the response to HEAD with the framing of a GET: waits for the Content-Length bytes that never come, so the stream never ends (B83)',
    ['h2/bodiless-responses-end-at-once'],
  ).replacing(() => ({
    responseMethod: (method) => (method === 'HEAD' ? 'GET' : method),
  })),
  // B84: a truncated upstream body presented as complete.
  h2Defect(
    'h2-truncation-ends-stream',
    'Ends the client stream with END_STREAM when the upstream response was cut short (Content-Length not reached, no last chunk) (B84)',
    ['h2/truncated-response-is-reset'],
  ).replacing(() => ({ truncatedResponse: () => undefined })),
  // B85: trailers folded into the header section on the way to HTTP/1.1.
  h2Defect(
    'h2-merges-request-trailers',
    'Folds the h2 request trailers into the HTTP/1.1 header section when it has the whole request (B85)',
    ['h2/trailers-stay-trailers'],
  ).replacing((reference) => ({
    buildRequestHead: (request) => {
      const head = reference.buildRequestHead(request).toString('latin1')
      const folded = (request.trailers ?? []).map((f) => `${f.name}: ${f.value}\r\n`).join('')
      return Buffer.from(head.replace(/\r\n\r\n$/, `\r\n${folded}\r\n`), 'latin1')
    },
  })),
  h2Defect(
    'h2-drops-response-trailers',
    'Discards the chunked trailer section of the upstream response (allowed, INFO: the client asked te: trailers)',
    ['h2/trailers-stay-trailers'],
  ).replacing(() => ({ trailersOut: () => undefined })),
  // B94: a client reset that leaves the upstream exchange running.
  h2Defect(
    'h2-ignores-client-reset',
    'Forgets the stream on the client RST_STREAM but leaves its upstream exchange running to the end (B94)',
    ['h2/client-reset-aborts-upstream'],
  ).replacing(() => ({ onClientReset: () => undefined })),
  // B98: a response mixed up with another stream's.
  h2Defect(
    'h2-cached-field-translation',
    "Memoises the h1→h2 field translation by field names, so a response gets an earlier stream's x-token and cache-control (B98)",
    ['h2/responses-on-their-own-streams'],
  ).replacing((reference) => ({ responseFields: cachedFieldTranslation(reference) })),
  // B99: the advertised limit not enforced.
  h2Defect(
    'h2-ignores-stream-limit',
    'Advertises SETTINGS_MAX_CONCURRENT_STREAMS 100 but accepts and forwards every stream beyond it (B99)',
    ['h2/enforces-advertised-stream-limit'],
  ).replacing(() => ({ streamLimit: () => false })),
  // B100: DATA beyond the client's stream window.
  h2Defect(
    'h2-ignores-stream-window',
    "Sends DATA bounded by the connection window only, overrunning the client's stream window (B100)",
    ['h2/respects-flow-control-windows'],
  ).replacing(() => ({
    flowControl: (budget) =>
      Math.max(0, Math.min(budget.pending, budget.connectionWindow, budget.maxFrameSize)),
  })),
  // B101: a bad preface ignored; h2c chosen over TLS.
  h2Defect(
    'h2-ignores-invalid-preface',
    'Takes any bytes after "PRI * HTTP/2.0" as a connection and waits, instead of a connection error (B101)',
    ['h2/cleartext-preface'],
  ).replacing(() => ({ invalidPreface: () => false })),
  terminatorAlpnDefect(
    'h2-selects-h2c-over-tls',
    'Selects h2c in ALPN over TLS when the client offers it (B101)',
    ['h2/alpn-selects-h2'],
  ),
]
