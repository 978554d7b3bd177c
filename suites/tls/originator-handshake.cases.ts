// What a TLS originator sends in its handshake and how it fails: SNI with the
// upstream name (RFC 6066 §3), TLS 1.2 at least (RFC 8996), no h2c in ALPN
// (RFC 9113 §3.2), and no fallback to plain HTTP when verification fails
// (RFC 9110 §4.3.4).
// Not covered here: TLS-14 (connection reuse across origins: one upstream per
// run), TLS-22 (b) and (c) for the originator (truncation by a bare FIN
// needs a TLS origin that can leave out close_notify; not built yet).
import { defineCase } from '../../harness/model/case.js'
import { conforms, observed, violates } from '../../harness/model/outcome.js'
import { statusLine } from '../support/request.js'
import { exchangeVia, mustRefuse } from './originator-kit.js'

export const originatorHandshakeCases = [
  defineCase({
    id: 'tls/originator-sends-the-upstream-name-as-sni',
    suite: 'tls',
    title: 'The ClientHello to the upstream carries its configured name as server_name',
    requirements: ['TLS-13'],
    spec: [
      { rfc: 6066, section: '3' },
      { rfc: 8446, section: '9.2' },
    ],
    requirement:
      'An originator should send server_name with the upstream DNS name (ASCII, no trailing dot); RFC 8446 §9.2 makes SNI mandatory to implement.',
    level: 'SHOULD',
    roles: ['tls-originator'],
    async run(ctx) {
      const exchange = await exchangeVia(ctx, { profile: 'valid' })
      if ('outcome' in exchange) return exchange.outcome
      const { tls, response } = exchange
      const established = tls.handshakes().filter((h) => h.outcome.kind === 'established')
      if (established.length === 0) {
        return observed(`no TLS connection was established; the client got ${statusLine(response)}`)
      }
      const wrong = established.filter((h) => h.servername?.toLowerCase() !== tls.name)
      if (wrong.length > 0) {
        return violates(
          `server_name "${tls.name}" in every ClientHello`,
          wrong.map((h) => `${h.conn}: ${h.servername ?? 'no server_name'}`).join('; '),
        )
      }
      return conforms(`server_name ${tls.name} on ${established.length} connection(s)`)
    },
  }),
  defineCase({
    id: 'tls/originator-refuses-tls-1-1-upstreams',
    suite: 'tls',
    title: 'An upstream that speaks only TLS 1.0 and 1.1 is refused',
    requirements: ['TLS-15'],
    spec: [
      { rfc: 8996, section: '4' },
      { rfc: 8996, section: '5' },
    ],
    requirement:
      'TLS 1.0 and 1.1 must not be negotiated: against such an upstream the client gets 502.',
    level: 'MUST',
    roles: ['tls-originator'],
    run: (ctx) =>
      mustRefuse(
        ctx,
        { profile: 'valid', versions: { min: 'TLSv1', max: 'TLSv1.1' } },
        'it offers TLS 1.0 and 1.1 only',
      ),
  }),
  defineCase({
    id: 'tls/originator-never-offers-h2c-in-alpn',
    suite: 'tls',
    title: 'The ALPN list sent upstream never names h2c',
    requirements: ['TLS-16'],
    spec: [
      { rfc: 9113, section: '3.2' },
      { rfc: 7301, section: '3.1' },
    ],
    requirement:
      '"h2c" is not an ALPN identifier (RFC 9113 §3.2): an originator must never offer it over TLS.',
    level: 'MUST',
    roles: ['tls-originator'],
    async run(ctx) {
      const exchange = await exchangeVia(ctx, { profile: 'valid' })
      if ('outcome' in exchange) return exchange.outcome
      const offers = exchange.tls.handshakes().filter((h) => h.alpnOffered?.includes('h2c'))
      if (offers.length > 0) {
        return violates(
          'no h2c in any ALPN list',
          offers.map((h) => `${h.conn} offered ${h.alpnOffered?.join(', ') ?? ''}`).join('; '),
        )
      }
      return conforms()
    },
  }),
  defineCase({
    id: 'tls/originator-never-falls-back-to-plain-http',
    suite: 'tls',
    title: 'After a failed verification the request is not retried in plain HTTP',
    requirements: ['TLS-23'],
    spec: [
      { rfc: 9110, section: '4.3.4' },
      { rfc: 9110, section: '4.2.2' },
    ],
    requirement:
      'When verification fails the originator returns a gateway error and keeps the https request secured: no unverified retry, no plaintext attempt.',
    level: 'MUST',
    roles: ['tls-originator'],
    run: (ctx) =>
      mustRefuse(ctx, { profile: 'unknown-ca' }, 'it chains to an untrusted CA', (tls) => {
        // Plain HTTP sent to the TLS port fails the TLS origin's handshake as an HTTP request.
        const plain = tls
          .handshakes()
          .filter((h) => h.outcome.kind === 'failed' && h.outcome.error.includes('HTTP_REQUEST'))
        return plain.length === 0
          ? undefined
          : violates(
              'no plaintext attempt after the refused handshake',
              `${plain.length} plain HTTP request(s) arrived on the TLS port (${plain.map((h) => h.conn).join(', ')})`,
            )
      }),
  }),
]
