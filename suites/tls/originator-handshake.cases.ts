// What a TLS originator sends in its handshake and how it fails: SNI with the
// upstream name (RFC 6066 §3), TLS 1.2 at least (RFC 8996), no h2c in ALPN
// (RFC 9113 §3.2), and no fallback to plain HTTP when verification fails
// (RFC 9110 §4.3.4).
// Not covered here: TLS-14 (connection reuse across origins: one upstream per
// run) and TLS-22 (b) (truncation by a bare FIN from the upstream: the TLS
// origin always ends with close_notify).
import { defineCase } from '../../harness/engine/model/case.js'
import {
  conforms,
  endCase,
  observed,
  timedOut,
  violates,
} from '../../harness/engine/model/outcome.js'
import { originRequest, responseOf, statusLine } from '../support/request.js'
import { isTimeout } from '../../harness/net/deadline.js'
import { rawResponse } from '../support/origin.js'
import { RECORD_TYPE } from '../../harness/tls/tls-record-tap.js'
import { exchangeVia, mustRefuse } from './originator-kit.js'

export const originatorHandshakeCases = [
  defineCase({
    id: 'originator-sends-the-upstream-name-as-sni',
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
      const { tls, response } = exchange
      const established = tls.handshakes().filter((h) => h.outcome.kind === 'established')
      if (established.length === 0) {
        return observed(
          `no TLS connection was established; the target answered ${statusLine(response)} itself`,
        )
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
    id: 'originator-refuses-tls-1-1-upstreams',
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
    id: 'originator-never-offers-h2c-in-alpn',
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
    id: 'originator-never-falls-back-to-plain-http',
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
        if (plain.length > 0)
          endCase(
            violates(
              'no plaintext attempt after the refused handshake',
              `${plain.length} plain HTTP request(s) arrived on the TLS port (${plain.map((h) => h.conn).join(', ')})`,
            ),
          )
      }),
  }),
  defineCase({
    id: 'originator-sends-close-notify',
    title: 'Closing an upstream TLS connection, the originator sends close_notify before its FIN',
    requirements: ['TLS-22'],
    spec: [
      { rfc: 8446, section: '6.1' },
      { rfc: 9112, section: '9.8' },
    ],
    requirement:
      'Each party must send close_notify before closing its write side (RFC 8446 §6.1); a TLS client closing the connection sends it (RFC 9112 §9.8).',
    level: 'MUST',
    roles: ['tls-originator'],
    async run(ctx) {
      // TLS 1.2, so the alert is visible as a record type; "Connection: close" makes the gateway close.
      const tls = await ctx.useTlsOrigin({ profile: 'valid', versions: { max: 'TLSv1.2' } })
      if (isTimeout(tls)) return timedOut(tls.waitingFor, tls.afterMs)
      tls.behave(rawResponse({ headers: [['Connection', 'close']] }))
      const client = await ctx.connect()
      await client.write(originRequest(ctx))
      responseOf(await client.readResponse(), 'the 200 through the gateway')
      const conn = tls.handshakes().find((h) => h.outcome.kind === 'established')
      if (conn === undefined) return observed('no TLS connection reached the upstream')
      const closed = await ctx.wait(
        'the gateway to close the upstream connection',
        conn.fromClient.closed,
      )
      if (isTimeout(closed)) return timedOut(closed.waitingFor, closed.afterMs)
      const records = conn.fromClient.records
      ctx.note(`records from the gateway on ${conn.conn} (content types): ${records.join(' ')}`)
      const data = records.lastIndexOf(RECORD_TYPE.applicationData)
      return records.slice(data + 1).includes(RECORD_TYPE.alert)
        ? conforms()
        : violates('close_notify before the FIN', 'a bare FIN after the request')
    },
  }),
]
