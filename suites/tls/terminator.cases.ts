// What a TLS terminator presents and negotiates (TT in the catalog): a chain
// that validates strictly for the served name, no TLS below 1.2, ALPN from
// the client's list only, and close_notify before it closes.
// Not covered here: TLS-19 (SNI certificate selection) and TLS-21 (421 for a
// Host its certificate does not cover): both need a terminator configured
// with two names and certificates, which {cert}/{key} do not describe yet.
import { X509Certificate } from 'node:crypto'
import type { DetailedPeerCertificate } from 'node:tls'
import { defineCase } from '../../harness/engine/model/case.js'
import { conforms, observed, timedOut, violates } from '../../harness/engine/model/outcome.js'
import { isTimeout } from '../../harness/net/deadline.js'
import { checkIdentity } from '../../harness/reference/gateway/identity.js'
import { RECORD_TYPE, connectTappedTls } from '../../harness/tls/tls-record-tap.js'
import { handshakeWith, TERMINATOR_NAME } from './terminator-kit.js'

/** OpenSSL's verify codes for a path that ends before a trusted root: an intermediate is missing. */
function missingIssuer(code: string | undefined): boolean {
  return (
    code === 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' ||
    code === 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY' ||
    code === 'UNABLE_TO_GET_ISSUER_CERT'
  )
}

/**
 * What a strict client (run CA only, RFC 9525, no CN) finds wrong with a served
 * chain, or undefined. A missing intermediate alone is left to TLS-18's SHOULD.
 */
function chainProblem(
  leaf: DetailedPeerCertificate | undefined,
  authorized: boolean,
  authorizationError: string | undefined,
): { expected: string; observed: string } | undefined {
  if (leaf?.raw === undefined) return { expected: 'a certificate list', observed: 'no certificate' }
  if (!authorized && !missingIssuer(authorizationError)) {
    return {
      expected: 'a chain to the run CA, every certificate in date and fit for serverAuth',
      observed: `the chain does not validate: ${authorizationError ?? 'unknown'}`,
    }
  }
  const name = checkIdentity(TERMINATOR_NAME, leaf)
  if (name !== undefined) {
    return {
      expected: `a SAN DNS-ID for ${TERMINATOR_NAME} (no CN fallback)`,
      observed: name.message,
    }
  }
  if (new X509Certificate(leaf.raw).ca) {
    return {
      expected: 'an end-entity certificate first',
      observed: 'the first certificate is a CA',
    }
  }
  return undefined
}

/** One legacy-version case per version: RFC 8996 §4 (TLS 1.0) and §5 (TLS 1.1). */
function refusesLegacy(version: 'TLSv1' | 'TLSv1.1', slug: string, section: string) {
  return defineCase({
    id: `terminator-refuses-${slug}`,
    title: `A ClientHello offering only ${version.replace('v', ' ')} is refused`,
    requirements: ['TLS-15'],
    spec: [{ rfc: 8996, section }],
    requirement: `${version.replace('v', ' ')} must not be negotiated (RFC 8996): the handshake fails, ideally with protocol_version.`,
    level: 'MUST',
    roles: ['tls-terminator'],
    async run(ctx) {
      const result = await handshakeWith(ctx, `offering ${version} only`, {
        minVersion: version,
        maxVersion: version,
      })
      if (isTimeout(result)) return timedOut(result.waitingFor, result.afterMs)
      if (result.kind === 'connected') {
        return violates('the handshake refused (protocol_version)', `${result.protocol} negotiated`)
      }
      return conforms(`refused with ${result.code}`)
    },
  })
}

export const terminatorCases = [
  defineCase({
    id: 'terminator-serves-a-valid-chain',
    title: 'The served chain is leaf first, in date, for the served name, with serverAuth',
    requirements: ['TLS-18', 'TLS-20'],
    spec: [
      { rfc: 8446, section: '4.4.2' },
      { rfc: 9525, section: '6.3' },
      { rfc: 5280, section: '4.1.2.5' },
    ],
    requirement:
      'A terminator sends a non-empty chain, end-entity first, that a strict client trusting the root validates for the served name (dates, SAN, EKU).',
    level: 'MUST',
    roles: ['tls-terminator'],
    async run(ctx) {
      // TLS-20: over TLS 1.2 (which RFC 9325 §3.1.1 makes mandatory) and 1.3 (where offered).
      let incomplete = false
      for (const [label, versions] of [
        ['TLS 1.2', { minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2' }],
        ['TLS 1.3', { minVersion: 'TLSv1.3' }],
      ] as const) {
        const result = await handshakeWith(
          ctx,
          `strict client for ${TERMINATOR_NAME} over ${label}`,
          versions,
        )
        if (isTimeout(result)) return timedOut(result.waitingFor, result.afterMs)
        if (result.kind === 'rejected') {
          if (label === 'TLS 1.3') continue
          return violates(`a completed ${label} handshake`, `it failed: ${result.code}`)
        }
        const problem = chainProblem(
          result.certificate,
          result.authorized,
          result.authorizationError,
        )
        if (problem !== undefined)
          return violates(problem.expected, `${label}: ${problem.observed}`)
        incomplete ||= !result.authorized
      }
      return incomplete
        ? conforms('the chain lacks an intermediate (see tls/terminator-sends-its-intermediates)')
        : conforms()
    },
  }),
  defineCase({
    id: 'terminator-sends-its-intermediates',
    title:
      'The served chain includes the intermediates up to the root, each certifying the one before',
    requirements: ['TLS-18'],
    spec: [{ rfc: 8446, section: '4.4.2' }],
    requirement:
      'The end-entity certificate comes first, followed by the certificates a client needs to reach a root it trusts; a client must not have to fetch them (no AIA).',
    level: 'SHOULD',
    roles: ['tls-terminator'],
    async run(ctx) {
      const result = await handshakeWith(ctx, `strict client for ${TERMINATOR_NAME}, no AIA`)
      if (isTimeout(result)) return timedOut(result.waitingFor, result.afterMs)
      if (result.kind === 'rejected') {
        return violates('a completed handshake', `the handshake failed: ${result.code}`)
      }
      if (missingIssuer(result.authorizationError)) {
        return violates(
          'leaf then intermediate, a path to the trusted root',
          `the chain stops short of the root: ${result.authorizationError ?? ''}`,
        )
      }
      return conforms()
    },
  }),
  refusesLegacy('TLSv1', 'tls-1-0', '4'),
  refusesLegacy('TLSv1.1', 'tls-1-1', '5'),
  defineCase({
    id: 'terminator-selects-alpn-from-the-client-list',
    title: 'ALPN picks only a protocol the client offered, and no overlap is a fatal alert',
    requirements: ['TLS-17'],
    spec: [{ rfc: 7301, section: '3.2' }],
    requirement:
      "The server selects one of the client's protocols; with no overlap it must end the handshake with no_application_protocol.",
    level: 'MUST',
    roles: ['tls-terminator'],
    async run(ctx) {
      const plain = await handshakeWith(ctx, 'offering http/1.1', { ALPNProtocols: ['http/1.1'] })
      if (isTimeout(plain)) return timedOut(plain.waitingFor, plain.afterMs)
      if (plain.kind !== 'connected') {
        return violates('a handshake when http/1.1 is offered', `refused: ${plain.code}`)
      }
      if (plain.alpnProtocol !== false && plain.alpnProtocol !== 'http/1.1') {
        return violates('http/1.1 or no selection', `selected ${plain.alpnProtocol}`)
      }
      const both = await handshakeWith(ctx, 'offering h2, http/1.1', {
        ALPNProtocols: ['h2', 'http/1.1'],
      })
      if (both.kind === 'connected' && both.alpnProtocol !== false) {
        if (!['h2', 'http/1.1'].includes(both.alpnProtocol)) {
          return violates('h2 or http/1.1', `selected ${both.alpnProtocol}`)
        }
      }
      const foreign = await handshakeWith(ctx, 'offering x-foo', { ALPNProtocols: ['x-foo'] })
      if (isTimeout(foreign)) return timedOut(foreign.waitingFor, foreign.afterMs)
      if (plain.alpnProtocol === false) {
        // RFC 7301 §3.2 binds a server that supports ALPN; this one showed none.
        return observed(
          `no ALPN support: x-foo ${foreign.kind === 'connected' ? 'connected' : `refused (${foreign.code})`}`,
        )
      }
      if (foreign.kind === 'connected') {
        return violates(
          'a fatal no_application_protocol alert',
          `the handshake completed, ALPN ${foreign.alpnProtocol === false ? 'none' : foreign.alpnProtocol}`,
        )
      }
      if (!foreign.code.includes('NO_APPLICATION_PROTOCOL')) {
        return violates('a fatal no_application_protocol alert', `refused with ${foreign.code}`)
      }
      return conforms()
    },
  }),
  defineCase({
    id: 'terminator-sends-close-notify',
    title: 'Closing after "Connection: close", the terminator sends close_notify before its FIN',
    requirements: ['TLS-22'],
    spec: [
      { rfc: 9112, section: '9.8' },
      { rfc: 8446, section: '6.1' },
    ],
    requirement:
      'A TLS server initiates the close with a close_notify alert before closing the connection (RFC 9112 §9.8).',
    level: 'MUST',
    roles: ['tls-terminator'],
    async run(ctx) {
      const corpus = await ctx.tlsCorpus()
      const tapped = await connectTappedTls({
        host: ctx.target.host,
        port: ctx.target.port,
        servername: TERMINATOR_NAME,
        ca: corpus.ca.cert,
        timeoutMs: Math.min(2000, ctx.remainingMs()),
      })
      if (!('socket' in tapped)) {
        return tapped.kind === 'timeout'
          ? timedOut(tapped.waitingFor, tapped.afterMs)
          : violates('a TLS 1.2 handshake', `refused: ${tapped.error}`)
      }
      try {
        tapped.socket.resume()
        tapped.socket.write(
          `GET ${ctx.path()} HTTP/1.1\r\nHost: ${ctx.originHost}\r\nConnection: close\r\n\r\n`,
        )
        const closed = await ctx.wait('the terminator to close the connection', tapped.closed)
        if (isTimeout(closed)) return timedOut(closed.waitingFor, closed.afterMs)
        const records = tapped.records
        ctx.note(`records received (content types): ${records.join(' ')}`)
        const data = records.lastIndexOf(RECORD_TYPE.applicationData)
        if (data === -1) return violates('a response', 'no application data before the close')
        if (!records.slice(data + 1).includes(RECORD_TYPE.alert)) {
          return violates('a close_notify alert after the response, before the FIN', 'a bare FIN')
        }
        return conforms()
      } finally {
        tapped.destroy()
      }
    },
  }),
]
