// Seeded defects the tls suite must catch: the reference TLS gateways
// (harness/reference/gateway) with exactly one realistic bug each.
import type { GatewayDefect } from '../../harness/reference/gateway/defects.js'
import { startInterceptingProxy } from '../../harness/reference/gateway/index.js'
import { startGatewayTarget } from '../../harness/engine/target/builtin.js'
import { referenceConnectPorts } from '../../harness/engine/target/connect-ports.js'
import type { SeededDefect } from './types.js'

/** Case slugs to ids: every one of these is in the tls suite. */
function inSuite([first, ...rest]: readonly [string, ...string[]]): readonly [string, ...string[]] {
  return [`tls/${first}`, ...rest.map((slug) => `tls/${slug}`)]
}

function originator(
  name: GatewayDefect,
  description: string,
  killedBy: readonly [string, ...string[]],
): SeededDefect {
  return {
    name,
    description,
    killedBy: inSuite(killedBy),
    roles: ['tls-originator'],
    start: (_role, env) => startGatewayTarget('tls-originator', env, name),
  }
}

function terminator(
  name: GatewayDefect,
  description: string,
  killedBy: readonly [string, ...string[]],
): SeededDefect {
  return {
    name,
    description,
    killedBy: inSuite(killedBy),
    roles: ['tls-terminator'],
    start: (_role, env) => startGatewayTarget('tls-terminator', env, name),
  }
}

export const tlsDefects: readonly SeededDefect[] = [
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
  ),
  originator('accepts-expired', 'Lets certificates outside their validity window through', [
    'originator-refuses-an-expired-upstream',
    'originator-refuses-a-not-yet-valid-upstream',
    'originator-refuses-an-expired-intermediate',
  ]),
  originator('accepts-self-signed', 'Trusts any self-signed upstream leaf', [
    'originator-refuses-a-self-signed-upstream',
  ]),
  originator('hostname-ignored', 'Verifies the chain but never the name', [
    'originator-refuses-a-certificate-for-another-host',
    'originator-never-matches-the-common-name',
    'originator-ignores-the-cn-when-the-san-differs',
    'originator-refuses-partial-wildcards',
    'originator-refuses-a-wildcard-for-the-parent-name',
  ]),
  originator('cn-fallback', 'Tries the subject CN when no SAN matches (RFC 2818 habits)', [
    'originator-never-matches-the-common-name',
    'originator-ignores-the-cn-when-the-san-differs',
  ]),
  originator('glob-wildcards', 'Matches a SAN "*" as a glob anywhere in a label', [
    'originator-refuses-partial-wildcards',
  ]),
  originator('accepts-ca-leaf', 'Takes a cA=TRUE certificate as the server certificate', [
    'originator-refuses-a-ca-certificate-as-leaf',
  ]),
  originator('ignores-eku', 'Ignores the extended key usage of the upstream leaf', [
    'originator-refuses-a-client-auth-only-leaf',
    'originator-refuses-a-code-signing-leaf',
  ]),
  originator('wildcard-matches-parent', 'Lets "*.name" cover "name" itself (a suffix match)', [
    'originator-refuses-a-wildcard-for-the-parent-name',
  ]),
  originator('no-sni', 'Sends no server_name upstream (nginx proxy_ssl_server_name off)', [
    'originator-sends-the-upstream-name-as-sni',
  ]),
  originator('accepts-legacy-tls', 'Negotiates TLS 1.0 and 1.1 with the upstream', [
    'originator-refuses-tls-1-1-upstreams',
  ]),
  originator('offers-h2c', 'Offers "h2c" in its ALPN list upstream', [
    'originator-never-offers-h2c-in-alpn',
  ]),
  originator('plaintext-fallback', 'Retries in plain HTTP after a failed verification', [
    'originator-never-falls-back-to-plain-http',
  ]),
  originator(
    'closes-upstream-without-close-notify',
    'Closes upstream TLS connections with a bare TCP FIN, no close_notify',
    ['originator-sends-close-notify'],
  ),
  originator('ignores-configured-ca', 'Trusts only the system roots, not the configured CA', [
    'originator-accepts-a-valid-upstream',
    'originator-accepts-a-chain-through-an-intermediate',
  ]),
  terminator('serves-expired-certificate', 'Serves a leaf that expired yesterday', [
    'terminator-serves-a-valid-chain',
  ]),
  terminator('serves-wrong-host-certificate', "Serves another vhost's certificate", [
    'terminator-serves-a-valid-chain',
  ]),
  terminator(
    'serves-leaf-without-intermediate',
    'Serves its leaf without the intermediate CA (a certificate file without the chain)',
    ['terminator-sends-its-intermediates'],
  ),
  terminator('serves-legacy-tls', 'Accepts TLS 1.0 and 1.1 clients (an old ssl_protocols line)', [
    'terminator-refuses-tls-1-0',
    'terminator-refuses-tls-1-1',
  ]),
  terminator('alpn-echoes-client', "Selects the client's first ALPN protocol when none overlaps", [
    'terminator-selects-alpn-from-the-client-list',
  ]),
  terminator('closes-without-close-notify', 'Closes with a bare TCP FIN, no close_notify', [
    'terminator-sends-close-notify',
  ]),
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
