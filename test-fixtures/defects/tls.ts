// Seeded defects the tls suite must catch: the reference TLS gateways
// (harness/reference/gateway) with exactly one realistic bug each, written as
// the gateway steps it replaces (harness/reference/gateway/steps.ts) or, for
// a terminator serving the wrong certificate, as the leaf it is started with.
import { connect as netConnect, isIP } from 'node:net'
import type { ConnectionOptions } from 'node:tls'
import type { Role } from '../../harness/engine/model/roles.js'
import type { RunEnvironment } from '../../harness/engine/environment/environment.js'
import type { StartedTarget } from '../../harness/engine/target/started-target.js'
import { referenceConnectPorts } from '../../harness/engine/target/connect-ports.js'
import {
  matchesDnsId,
  normaliseName,
  startTlsOriginator,
  startTlsTerminator,
  subjectAltNames,
  type GatewayVariant,
  type OriginatorSteps,
  type OriginatorVariant,
  type ServedChain,
  type StartedGateway,
  type TerminatorSteps,
  type TerminatorVariant,
} from '../../harness/reference/gateway/index.js'
import { splice } from '../../harness/tls/splice.js'
import type { CertificateCorpus } from '../../harness/tls/types.js'
import { globMatches } from './parts/glob-match.js'
import { startInterceptingProxy } from './parts/intercepting-proxy.js'
import type { SeededDefect } from './types.js'

/** Case slugs to ids: every one of these is in the tls suite. */
function inSuite([first, ...rest]: readonly [string, ...string[]]): readonly [string, ...string[]] {
  return [`tls/${first}`, ...rest.map((slug) => `tls/${slug}`)]
}

/** A seeded defect of a reference TLS gateway: the cases that catch it and the steps it replaces. */
export interface GatewayDefectEntry<S> extends SeededDefect {
  /** The gateway steps it replaces (harness/reference/gateway/steps.ts). */
  readonly steps?: GatewayVariant<S> | undefined
  /** This defect, built by replacing steps: `variant` gets the reference steps. */
  replacing(variant: GatewayVariant<S>): GatewayDefectEntry<S>
}

/** A terminator entry can also be started with another certificate than the reference's. */
export interface TerminatorDefectEntry extends GatewayDefectEntry<TerminatorSteps> {
  replacing(variant: TerminatorVariant): TerminatorDefectEntry
  /** This defect, served with `served` (a chain, leaf first, and its key) instead of the reference's. */
  serving(served: ServedCertificate): TerminatorDefectEntry
}

/** The chain and key a terminator serves, taken from the run's corpus. */
type ServedCertificate = (corpus: CertificateCorpus) => ServedChain

/** What the built-in reference terminator serves: leaf and intermediate (RFC 8446 §4.4.2). */
const referenceChain: ServedCertificate = (corpus) => corpus.leaf('via-intermediate')

function gatewayTarget(name: string, role: Role, gateway: StartedGateway): StartedTarget {
  const close = (): Promise<void> => gateway.close()
  return {
    endpoint: { label: `defect:${name}`, role, host: gateway.host, port: gateway.port },
    stderr: () => gateway.log.join('\n'),
    close,
    [Symbol.asyncDispose]: close,
  }
}

/** The reference originator as builtin:reference wires it, with `steps` replaced. */
function originator(
  name: string,
  description: string,
  killedBy: readonly [string, ...string[]],
  steps?: OriginatorVariant,
): GatewayDefectEntry<OriginatorSteps> {
  return {
    name,
    description,
    killedBy: inSuite(killedBy),
    roles: ['tls-originator'],
    steps,
    async start(role: Role, env: RunEnvironment) {
      const corpus = await env.tls.origin.corpus()
      const gateway = await startTlsOriginator({
        upstream: { name: env.tls.name, address: env.tls.origin.host, port: env.tls.origin.port },
        ca: corpus.ca.cert,
        steps,
      })
      return gatewayTarget(name, role, gateway)
    },
    replacing: (variant) => originator(name, description, killedBy, variant),
  }
}

/** The reference terminator as builtin:reference wires it, serving `served`, with `steps` replaced. */
function terminator(
  name: string,
  description: string,
  killedBy: readonly [string, ...string[]],
  served: ServedCertificate = referenceChain,
  steps?: TerminatorVariant,
): TerminatorDefectEntry {
  return {
    name,
    description,
    killedBy: inSuite(killedBy),
    roles: ['tls-terminator'],
    steps,
    async start(role: Role, env: RunEnvironment) {
      const { cert, key } = served(await env.tls.origin.corpus())
      const gateway = await startTlsTerminator({
        upstream: { host: env.origin.host, port: env.origin.port },
        cert,
        key,
        steps,
      })
      return gatewayTarget(name, role, gateway)
    },
    replacing: (variant) => terminator(name, description, killedBy, served, variant),
    serving: (other) => terminator(name, description, killedBy, other, steps),
  }
}

/** `options` without the setting `key` (a connector that never sets it). */
function without(options: ConnectionOptions, key: keyof ConnectionOptions): ConnectionOptions {
  return Object.fromEntries(Object.entries(options).filter(([k]) => k !== key))
}

/**
 * Chain verification moved after the handshake, where the verify `codes`
 * pass: an "allow expired" or "trust self-signed" switch.
 */
const tolerating =
  (codes: readonly string[]): OriginatorVariant =>
  (reference) => ({
    tlsOptions: (upstream) => ({ ...reference.tlsOptions(upstream), rejectUnauthorized: false }),
    verifyError: (socket) => {
      const code = reference.verifyError(socket)
      return code !== undefined && codes.includes(code) ? undefined : code
    },
  })

/** Node and OpenSSL refuse TLS 1.0 and 1.1 below security level 0. */
const LEGACY_TLS = { minVersion: 'TLSv1', ciphers: 'DEFAULT@SECLEVEL=0' } as const

const originatorDefects: readonly GatewayDefectEntry<OriginatorSteps>[] = [
  originator(
    'verification-off',
    'Upstream TLS without verification: no chain, date or name check (nginx proxy_ssl_verify off, its default; curl -k)',
    [
      'originator-refuses-a-self-signed-upstream',
      'originator-refuses-an-unknown-ca',
      'originator-refuses-an-expired-upstream',
      'originator-refuses-a-not-yet-valid-upstream',
      'originator-refuses-a-client-auth-only-leaf',
      'originator-refuses-a-code-signing-leaf',
      'originator-refuses-a-ca-certificate-as-leaf',
      'originator-refuses-a-wildcard-for-the-parent-name',
      'originator-refuses-a-certificate-for-another-host',
      'originator-never-matches-the-common-name',
      'originator-refuses-partial-wildcards',
      'originator-refuses-an-expired-intermediate',
      'originator-refuses-a-leaf-issued-by-an-end-entity',
      'originator-refuses-an-issuer-without-basic-constraints',
      'originator-refuses-an-issuer-without-key-cert-sign',
      'originator-refuses-a-path-beyond-its-length-constraint',
    ],
  ).replacing((reference) => ({
    // rejectUnauthorized: false and nothing checked after the handshake either.
    tlsOptions: (upstream) => ({ ...reference.tlsOptions(upstream), rejectUnauthorized: false }),
    verifyError: () => undefined,
    servesAsLeaf: () => true,
  })),
  originator('accepts-expired', 'Lets certificates outside their validity window through', [
    'originator-refuses-an-expired-upstream',
    'originator-refuses-a-not-yet-valid-upstream',
    'originator-refuses-an-expired-intermediate',
  ]).replacing(tolerating(['CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID'])),
  originator('accepts-self-signed', 'Trusts any self-signed upstream leaf', [
    'originator-refuses-a-self-signed-upstream',
  ]).replacing(tolerating(['DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN'])),
  originator('hostname-ignored', 'Verifies the chain but never the name', [
    'originator-refuses-a-certificate-for-another-host',
    'originator-never-matches-the-common-name',
    'originator-ignores-the-cn-when-the-san-differs',
    'originator-refuses-partial-wildcards',
    'originator-refuses-a-wildcard-for-the-parent-name',
  ]).replacing(() => ({
    // The classic pre-RFC 2818 bug: a chain to a trusted root is taken as enough.
    checkServerIdentity: () => undefined,
  })),
  originator('cn-fallback', 'Tries the subject CN when no SAN matches (RFC 2818 habits)', [
    'originator-never-matches-the-common-name',
    'originator-ignores-the-cn-when-the-san-differs',
  ]).replacing((reference) => ({
    // RFC 2818 §3.1 habits that RFC 9525 §6.2 ended.
    checkServerIdentity: (name, cert) => {
      const error = reference.checkServerIdentity(name, cert)
      const cn = cert.subject.CN
      return typeof cn === 'string' && matchesDnsId(name, cn) ? undefined : error
    },
  })),
  originator('glob-wildcards', 'Matches a SAN "*" as a glob anywhere in a label', [
    'originator-refuses-partial-wildcards',
  ]).replacing((reference) => ({
    // RFC 9525 §6.3 allows "*" only as the whole left-most label.
    checkServerIdentity: (name, cert) =>
      isIP(name) === 0 &&
      subjectAltNames(cert).dns.some((presented) => globMatches(name, presented))
        ? undefined
        : reference.checkServerIdentity(name, cert),
  })),
  originator('accepts-ca-leaf', 'Takes a cA=TRUE certificate as the server certificate', [
    'originator-refuses-a-ca-certificate-as-leaf',
  ]).replacing(() => ({
    // OpenSSL's default, without X509_V_FLAG_X509_STRICT.
    servesAsLeaf: () => true,
  })),
  originator('ignores-eku', 'Ignores the extended key usage of the upstream leaf', [
    'originator-refuses-a-client-auth-only-leaf',
    'originator-refuses-a-code-signing-leaf',
  ]).replacing(tolerating(['INVALID_PURPOSE'])),
  originator('wildcard-matches-parent', 'Lets "*.name" cover "name" itself (a suffix match)', [
    'originator-refuses-a-wildcard-for-the-parent-name',
  ]).replacing((reference) => ({
    // Zero labels for the "*": RFC 9525 §6.3 has it stand for exactly one.
    checkServerIdentity: (name, cert) =>
      subjectAltNames(cert).dns.some(
        (presented) => presented.toLowerCase() === `*.${normaliseName(name)}`,
      )
        ? undefined
        : reference.checkServerIdentity(name, cert),
  })),
  originator('no-sni', 'Sends no server_name upstream (nginx proxy_ssl_server_name off)', [
    'originator-sends-the-upstream-name-as-sni',
  ]).replacing((reference) => ({
    tlsOptions: (upstream) => without(reference.tlsOptions(upstream), 'servername'),
  })),
  originator('accepts-legacy-tls', 'Negotiates TLS 1.0 and 1.1 with the upstream', [
    'originator-refuses-tls-1-1-upstreams',
  ]).replacing((reference) => ({
    // RFC 8996 forbids both.
    tlsOptions: (upstream) => ({ ...reference.tlsOptions(upstream), ...LEGACY_TLS }),
  })),
  originator('offers-h2c', 'Offers "h2c" in its ALPN list upstream', [
    'originator-never-offers-h2c-in-alpn',
  ]).replacing((reference) => ({
    // RFC 9113 §3.2: "h2c" is never an ALPN identifier.
    tlsOptions: (upstream) => ({
      ...reference.tlsOptions(upstream),
      ALPNProtocols: ['h2c', 'http/1.1'],
    }),
  })),
  originator('plaintext-fallback', 'Retries in plain HTTP after a failed verification', [
    'originator-never-falls-back-to-plain-http',
  ]).replacing(() => ({
    // The proxy's request goes to the same port in plain HTTP.
    onVerifyFailure: ({ incoming, upstream, track }) => {
      const plain = netConnect({ host: upstream.address, port: upstream.port, allowHalfOpen: true })
      track(plain)
      splice(incoming, plain)
      incoming.resume()
    },
  })),
  originator(
    'closes-upstream-without-close-notify',
    'Closes upstream TLS connections with a bare TCP FIN, no close_notify',
    ['originator-sends-close-notify'],
  ).replacing(() => ({
    // The TCP socket under the TLS one is ended: RFC 8446 §6.1's close_notify never leaves.
    closeUpstream: (_upstream, raw) => {
      raw.end()
    },
  })),
  originator('ignores-configured-ca', 'Trusts only the system roots, not the configured CA', [
    'originator-accepts-a-valid-upstream',
    'originator-accepts-a-chain-through-an-intermediate',
  ]).replacing((reference) => ({
    tlsOptions: (upstream) => without(reference.tlsOptions(upstream), 'ca'),
  })),
]

const terminatorDefects: readonly TerminatorDefectEntry[] = [
  terminator('serves-expired-certificate', 'Serves a leaf that expired yesterday', [
    'terminator-serves-a-valid-chain',
  ]).serving((corpus) => corpus.leaf('expired')),
  terminator('serves-wrong-host-certificate', "Serves another vhost's certificate", [
    'terminator-serves-a-valid-chain',
  ]).serving((corpus) => corpus.leaf('wrong-host')),
  terminator(
    'serves-leaf-without-intermediate',
    'Serves its leaf without the intermediate CA (a certificate file without the chain)',
    ['terminator-sends-its-intermediates'],
  ).serving((corpus) => {
    const { cert, key } = referenceChain(corpus)
    return { cert: cert.split(/(?<=-----END CERTIFICATE-----)/)[0] ?? cert, key }
  }),
  terminator('serves-legacy-tls', 'Accepts TLS 1.0 and 1.1 clients (an old ssl_protocols line)', [
    'terminator-refuses-tls-1-0',
    'terminator-refuses-tls-1-1',
  ]).replacing((reference) => ({
    secureContextOptions: (served) => ({
      ...reference.secureContextOptions(served),
      ...LEGACY_TLS,
    }),
  })),
  terminator('alpn-echoes-client', "Selects the client's first ALPN protocol when none overlaps", [
    'terminator-selects-alpn-from-the-client-list',
  ]).replacing((reference) => ({
    // Instead of RFC 7301 §3.2's no_application_protocol alert.
    selectAlpn: (protocols) => reference.selectAlpn(protocols) ?? protocols[0],
  })),
  terminator('closes-without-close-notify', 'Closes with a bare TCP FIN, no close_notify', [
    'terminator-sends-close-notify',
  ]).replacing(() => ({
    // A truncation a client cannot tell from a complete close-delimited body (RFC 8446 §6.1).
    closeClient: (_tls, raw) => {
      raw.end()
    },
  })),
]

/** The steps seeded TLS-originator defect `name` replaces, for a self-test. */
export function originatorVariantOf(name: string): OriginatorVariant {
  const steps = originatorDefects.find((d) => d.name === name)?.steps
  if (steps === undefined) throw new TypeError(`[proxyspec] no seeded originator defect "${name}"`)
  return steps
}

/** The steps seeded TLS-terminator defect `name` replaces, for a self-test. */
export function terminatorVariantOf(name: string): TerminatorVariant {
  const steps = terminatorDefects.find((d) => d.name === name)?.steps
  if (steps === undefined) throw new TypeError(`[proxyspec] no seeded terminator defect "${name}"`)
  return steps
}

export const tlsDefects: readonly SeededDefect[] = [
  ...originatorDefects,
  ...terminatorDefects,
  {
    name: 'intercepts-tls-tunnels',
    description:
      'A TLS-inspecting forward proxy: answers CONNECT itself and re-signs with a certificate the client trusts',
    killedBy: ['tls/tunnel-delivers-the-origin-certificate'],
    roles: ['forward'],
    async start(role, env) {
      const corpus = await env.tls.origin.corpus()
      // A leaf the client trusts (run CA, SAN localhost) that is not the origin's.
      const forged = corpus.leaf('ca-leaf')
      const proxy = await startInterceptingProxy({
        connectPorts: referenceConnectPorts(env),
        cert: forged.cert,
        key: forged.key,
        ca: corpus.ca.cert,
      })
      return {
        endpoint: {
          label: 'defect:intercepts-tls-tunnels',
          role,
          host: proxy.host,
          port: proxy.port,
        },
        stderr: () => '',
        close: () => proxy.close(),
        [Symbol.asyncDispose]: () => proxy.close(),
      }
    },
  },
]
