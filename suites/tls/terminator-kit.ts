/**
 * How the tls-terminator cases reach the target: TLS handshakes as a strict
 * client (TC in the catalog) that trusts only the run CA, fetches no missing
 * intermediates and matches names by RFC 9525 with no CN fallback.
 */
import type { CaseContext } from '../../harness/engine/model/case-context.js'
import { TERMINATOR_NAME } from '../../harness/tls/certificate-plan.js'
import {
  probeTlsHandshake,
  type TlsProbeOptions,
  type TlsProbeResult,
} from '../../harness/tls/tls-probe.js'

/** The name a terminator serves: the {cert} leaf covers it (and origin.test, 127.0.0.1, ::1). */
export { TERMINATOR_NAME }

/** One handshake with the target; its result goes into the case's notes. */
export async function handshakeWith(
  ctx: CaseContext,
  label: string,
  options: Partial<Pick<TlsProbeOptions, 'minVersion' | 'maxVersion' | 'ALPNProtocols'>> = {},
): Promise<TlsProbeResult> {
  const corpus = await ctx.tlsCorpus()
  const result = await probeTlsHandshake({
    host: ctx.target.host,
    port: ctx.target.port,
    servername: TERMINATOR_NAME,
    ca: corpus.ca.cert,
    // The probe decides nothing itself: every verdict is the case's, from what it reports.
    rejectUnauthorized: false,
    timeoutMs: Math.min(2000, ctx.remainingMs()),
    ...options,
  })
  ctx.note(
    `${label}: ${
      result.kind === 'connected'
        ? `${result.protocol} alpn=${result.alpnProtocol === false ? '(none)' : result.alpnProtocol} authorized=${result.authorized}${result.authorizationError === undefined ? '' : ` (${result.authorizationError})`}`
        : result.kind === 'rejected'
          ? `refused: ${result.code}`
          : `no handshake within ${Math.round(result.afterMs)} ms`
    }`,
  )
  return result
}
