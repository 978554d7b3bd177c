// Tunnel integrity through a forward proxy (RFC 9110 §9.3.6: after the 2xx a
// tunnel only relays octets): a TLS handshake through CONNECT must meet the
// origin's own certificate, byte for byte, so its fingerprint must match.
// This catches TLS-intercepting proxies even when the client trusts their
// CA, and is the black-box half of CONNECT-05 that concerns TLS.
import { defineCase } from '../../harness/engine/model/case.js'
import { conforms, observed, timedOut, violates } from '../../harness/engine/model/outcome.js'
import { isTimeout } from '../../harness/net/deadline.js'
import { handshakeThroughConnect } from '../../harness/tls/tls-through-connect.js'

export const tunnelIntegrityCases = [
  defineCase({
    id: 'tunnel-delivers-the-origin-certificate',
    title: "Through a CONNECT tunnel the client receives the origin server's own certificate",
    requirements: ['CONNECT-05'],
    spec: [{ rfc: 9110, section: '9.3.6' }],
    requirement:
      'After a 2xx to CONNECT the proxy relays octets unchanged in both directions, so the TLS server behind it is the one that answers the handshake.',
    level: 'MUST',
    roles: ['forward'],
    // The first TLS case of a forward-only run pays for generating the certificates.
    timeoutMs: 10_000,
    async run(ctx) {
      const tls = await ctx.useTlsOrigin({ profile: 'valid' })
      if (isTimeout(tls)) return timedOut(tls.waitingFor, tls.afterMs)
      const corpus = await ctx.tlsCorpus()
      const result = await handshakeThroughConnect({
        proxy: { host: ctx.target.host, port: ctx.target.port },
        target: { host: tls.host, port: tls.port },
        servername: tls.name,
        ca: corpus.ca.cert,
        timeoutMs: Math.min(3000, ctx.remainingMs()),
      })
      switch (result.kind) {
        case 'timeout':
          return timedOut(result.waitingFor, result.afterMs)
        case 'refused':
          // Not this case's subject: the tunnel was never made (an allow-list without {connect_ports}?).
          return observed(`CONNECT to the TLS origin was refused: ${result.status}`)
        case 'failed':
          return violates('a TLS handshake with the origin through the tunnel', result.error)
        case 'connected':
          ctx.note(`certificate through the tunnel: ${result.subject}, issued by ${result.issuer}`)
          return result.fingerprint256 === tls.fingerprint256
            ? conforms()
            : violates(
                `the origin's certificate, SHA-256 ${tls.fingerprint256}`,
                `another certificate (${result.subject}, issuer ${result.issuer}), SHA-256 ${result.fingerprint256}: the proxy intercepts the tunnel`,
              )
      }
    },
  }),
]
