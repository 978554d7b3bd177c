/**
 * Seeded defects of the reference proxy: each name switches on exactly one
 * realistic bug, so the kill matrix (test-fixtures/defects) can prove that a
 * case fails against it. The reference with no defect is the conformant
 * default; a defect is never on unless a caller names it.
 *
 * Add a name here, a hook where the bug lives (`if (defect === '…')`, one
 * line where possible, with a comment naming the real proxy that had it),
 * and an entry in test-fixtures/defects naming the cases that must catch it.
 */
export type ProxyDefect =
  // hop-by-hop
  | 'forwards-connection-listed-fields'
  | 'drops-via'
  | 'forwards-keep-alive'
  | 'forwards-te'
  | 'connection-strips-via'
  | 'ignores-max-forwards'
  | 'max-forwards-overflows'
  | 'drops-authorization'
  | 'keeps-last-duplicate-field'
  | 'joins-set-cookie'
  | 'copies-http-version'
  | 'keeps-received-host'
  | 'forwards-absolute-form'
  | 'skips-host-validation'
  | 'normalises-path'
  | 'omits-date'
  | 'drops-interim-responses'
  | 'interim-to-http10'
  | 'waits-for-request-body'
  | 'loops-through-itself'
  | 'merges-trailers'
  | 'options-star-as-slash'
  // keep-alive
  | 'closes-every-client-connection'
  | 'forwards-client-close-inbound'
  | 'advertises-origin-close-but-persists'
  | 'ignores-client-close'
  | 'lingers-after-own-close'
  | 'omits-close-on-final-response'
  | 'reuses-upstream-after-close'
  | 'persists-with-http10-client'
  | 'forwards-keep-alive-from-http10-client'
  | 'chunks-to-http10-clients'
  | 'keeps-client-open-after-close-delimited-body'
  | 'chunks-to-known-http10-upstream'
  | 'completes-truncated-responses'
  | 'reorders-pipelined-responses'
  | 'continues-pipeline-after-failed-post'
  | 'retries-non-idempotent-requests'
  | 'parses-unread-body-as-next-request'
  | 'no-upstream-keep-alive'
  | 'assumes-one-read-holds-one-message'
  // upgrade
  | 'upgrades-http10'
  | 'upgrades-without-connection-option'
  | 'needs-connection-upgrade-alone'
  | 'passes-h2c'
  | 'forwards-bytes-before-101'
  | 'tunnels-on-any-status'
  | 'accepts-any-101'
  | 'keeps-content-length-on-101'
  | 'rewrites-websocket-accept'
  | 'ignores-upstream-close-after-upgrade'
  | 'omits-connection-upgrade-upstream'
  | 'clears-websocket-rsv-bits'
  // framing
  | 'accepts-cl-and-te'
  | 'frames-response-by-content-length'
  | 'lax-content-length'
  | 'accepts-conflicting-content-length'
  | 'accepts-invalid-response-content-length'
  | 'forwards-te-not-chunked-last'
  | 'drops-unknown-transfer-coding'
  | 'ignores-te-from-http10'
  | 'tolerates-whitespace-before-colon'
  | 'forwards-obs-fold'
  | 'forwards-bare-cr'
  | 'forwards-nul-in-field-value'
  | 'forwards-whitespace-led-line'
  | 'lax-chunk-size-parsing'
  | 'rejects-chunk-extensions'
  | 'reads-head-response-body'
  | 'frames-bodiless-responses'
  | 'reuses-upstream-with-unread-bytes'
  | 'fixes-invalid-request-lines'
  | 'drops-fields-beyond-limit'

/** True when `defect` is switched on in `options`. */
export function hasDefect(options: { readonly defect?: string }, defect: ProxyDefect): boolean {
  return options.defect === defect
}
