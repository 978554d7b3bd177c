// Seeded defects the connect suite must catch: each is the reference with one
// CONNECT bug switched on (harness/reference/proxy/defects.ts, "connect" section).
import type { ProxyDefect } from '../../harness/reference/proxy/defects.js'
import { challengeLines, unframed407 } from '../../harness/reference/proxy/proxy-auth.js'
import { simpleResponse } from '../../harness/reference/proxy/simple-response.js'
import { writeAll } from '../../harness/reference/proxy/socket-io.js'
import type { StepVariant } from '../../harness/reference/proxy/steps/index.js'
import { authDefect } from './auth-twin.js'
import { proxyDefect, type ProxyDefectEntry } from './reference-with.js'
import type { SeededDefect } from './types.js'
import { parseAuthorityForm } from '../../harness/reference/proxy/request-target.js'
import { upstreamOf } from '../../harness/reference/proxy/route-request.js'
import { lenientAuthority, namesUnknownAlpn } from './parts/connect-authority.js'

/**
 * A 407 that leaves the connection open: `response` is written, nothing more
 * is read, and the socket is left to its idle timeout.
 */
function openAfter407(response: () => Buffer): StepVariant {
  return () => ({
    afterAuthRefusal: async (client, _refusal, _head, session) => {
      client.reader.detach()
      client.socket.setTimeout(session.idleTimeoutMs, () => client.socket.destroy())
      await writeAll(client.socket, response())
      return 'tunnel'
    },
  })
}

/** A defect of a direct CONNECT, tried in both roles. */
function connectDefect(
  name: ProxyDefect,
  description: string,
  killedBy: readonly [string, ...string[]],
): ProxyDefectEntry {
  return proxyDefect(name, description, killedBy, ['forward', 'tunnel'])
}

/** A defect of the reference as a next hop's CONNECT client (forward role only, as the rows say). */
function chainedDefect(
  name: ProxyDefect,
  description: string,
  killedBy: readonly [string, ...string[]],
): ProxyDefectEntry {
  return proxyDefect(name, description, killedBy, ['forward'], { chained: true })
}

export const connectDefects: readonly SeededDefect[] = [
  chainedDefect(
    'relays-next-hop-2xx-head',
    "Passes the next hop's 2xx head on verbatim, Content-Length and Transfer-Encoding included",
    ['connect/chained-2xx-has-no-framing-headers'],
  ),
  chainedDefect(
    'reads-next-hop-2xx-body',
    "Reads the next hop's 2xx to CONNECT by its Content-Length and swallows those tunnel bytes (curl #1317)",
    ['connect/chained-2xx-body-is-tunnel-data'],
  ),
  authDefect(
    'forwards-credentials-to-next-hop',
    "Sends the client's Proxy-Authorization, meant for itself, on to the next hop",
    ['connect/chained-connect-is-authority-form', 'connect/auth-credentials-stay-at-the-proxy'],
    ['forward'],
  ),
  // proxy authentication (CONNECT-10, HOP-10): with an auth twin (auth-twin.ts)
  authDefect(
    'connect-skips-proxy-auth',
    'Asks for credentials on requests but lets every CONNECT through (squid with "http_access allow CONNECT" above its auth rule)',
    ['connect/auth-refuses-missing-or-wrong-credentials'],
  ),
  authDefect(
    'accepts-wrong-proxy-credentials',
    'Checks only that Proxy-Authorization is present, not what it says',
    [
      'connect/auth-refuses-missing-or-wrong-credentials',
      'hop-by-hop/auth-refuses-missing-or-wrong-credentials',
    ],
  ),
  authDefect(
    'splits-credentials-at-last-colon',
    'Splits Basic user-pass at the last colon, so a password with a colon never matches (RFC 7617 §2)',
    ['connect/auth-credentials-open-tunnel'],
  ),
  authDefect('omits-proxy-authenticate', 'Sends 407 without a Proxy-Authenticate challenge', [
    'connect/auth-407-carries-challenge',
    'hop-by-hop/auth-407-carries-challenge',
  ]),
  authDefect(
    'unframed-407',
    'Sends a 407 body with neither Content-Length nor close, and keeps the connection open',
    ['connect/auth-407-carries-challenge', 'hop-by-hop/auth-407-carries-challenge'],
  ).replacing(openAfter407(() => unframed407(undefined))),
  authDefect(
    'tunnels-after-407',
    'Answers 407 to a CONNECT without credentials, then opens the tunnel anyway: the bytes after it reach the target',
    ['connect/auth-refused-connect-never-tunnels'],
  ),
  authDefect(
    'hangs-after-407',
    'Keeps the connection open after its 407 but never reads the retry on it',
    ['connect/auth-refused-connect-never-tunnels', 'hop-by-hop/auth-connection-usable-after-407'],
  ).replacing(
    openAfter407(() =>
      simpleResponse({
        status: 407,
        text: 'proxyspec: proxy credentials required',
        close: false,
        headers: challengeLines(undefined),
      }),
    ),
  ),
  authDefect(
    'forwards-proxy-authorization',
    'Asks for proxy credentials, then forwards Proxy-Authorization to the origin (a credential leak)',
    ['hop-by-hop/consumes-proxy-authorization'],
    ['forward'],
  ),
  connectDefect(
    'connect-2xx-with-content-length',
    'Sends "Content-Length: 0" on its 200 to CONNECT (google/martian #209, stripe/goproxy #29, ATS #5156)',
    ['connect/2xx-has-no-framing-headers'],
  ),
  connectDefect(
    'lenient-connect-port',
    'Reads the CONNECT port like atoi into 16 bits: a missing or empty port becomes 443, 99999 wraps',
    ['connect/refuses-missing-or-invalid-port'],
  ).replacing(() => ({ connectAuthority: (head) => lenientAuthority(head.target) })),
  connectDefect(
    'splits-authority-at-first-colon',
    'Splits the CONNECT authority at its first colon, so "[::1]:port" is refused as malformed',
    ['connect/tunnels-to-ipv6-literal'],
  ).replacing(() => ({
    // "[::1]:443" becomes host "[" and an unreadable port, so IPv6 literals are refused (CONNECT-02).
    connectAuthority: (head) => {
      const colon = head.target.indexOf(':')
      const [host, port] = [head.target.slice(0, colon), head.target.slice(colon + 1)]
      const valid =
        colon > 0 && /^\d{1,5}$/.test(port) && Number(port) >= 1 && Number(port) <= 65535
      return valid ? { host, port: Number(port), text: head.target } : undefined
    },
  })),
  connectDefect(
    'connect-accepts-uri-form',
    'Accepts "CONNECT http://host:port/" and tunnels to its authority',
    ['connect/refuses-uri-form-target'],
  ).replacing((reference) => ({
    // "CONNECT http://host:port/" taken for its authority.
    connectAuthority: (head) => {
      const uri = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/([^/?#]*)/.exec(head.target)
      return uri === null ? reference.connectAuthority(head) : parseAuthorityForm(uri[1] ?? '')
    },
  })),
  connectDefect(
    'connect-routes-by-host-field',
    'Tunnels to the Host field when present instead of the CONNECT request-target',
    ['connect/tunnels-to-request-target-not-host'],
  ).replacing(() => ({
    // A Host field overrides the request-target.
    connectDestination: (head, target) => {
      const host = head.headers.find((f) => f.name.toLowerCase() === 'host')?.value
      return (host === undefined ? undefined : parseAuthorityForm(host)) ?? target
    },
  })),
  connectDefect(
    'tunnels-to-any-port',
    'No CONNECT port allow-list at all (tinyproxy without ConnectPort, #267)',
    ['connect/refuses-ports-outside-allow-list'],
  ).replacing(() => ({ connectForbidden: () => undefined })), // tinyproxy's default [B10]
  connectDefect(
    'rewrites-http-in-tunnel',
    'Keeps parsing HTTP inside a tunnel: a read that starts with a request line gets a Via line',
    ['connect/relays-tunnel-bytes-unchanged'],
  ),
  connectDefect(
    'serves-requests-after-refused-connect',
    'After refusing a CONNECT it keeps the connection and parses what follows as the next request (RFC 9931)',
    ['connect/closes-after-refusing', 'connect/never-parses-bytes-after-refused-connect'],
  ),
  connectDefect(
    'drops-early-tunnel-data',
    'Throws away bytes that came with the CONNECT head (apify/proxy-chain #284)',
    ['connect/delivers-early-tunnel-data-first'],
  ),
  connectDefect(
    'closes-tunnel-on-first-fin',
    'No half-close: a FIN from either side tears the whole tunnel down, dropping what is in flight',
    ['connect/passes-half-close-on'],
  ),
  connectDefect(
    'drops-last-read-before-fin',
    "Throws away the client's last read when the FIN comes with it: the tail never reaches the target",
    ['connect/delivers-client-data-before-closing'],
  ),
  connectDefect(
    'answers-2xx-before-connecting',
    'Answers 200 before connecting upstream, then drops the connection when the target refuses',
    ['connect/answers-unreachable-target-with-gateway-error'],
  ),
  connectDefect(
    'hangs-when-upstream-refuses',
    'Never answers a CONNECT whose target refuses the connection',
    ['connect/answers-unreachable-target-with-gateway-error'],
  ),
  connectDefect(
    'consumes-connect-body',
    'Honours Content-Length or chunked on a CONNECT and swallows that "body" before tunnelling',
    [
      'connect/content-length-on-connect-swallows-nothing',
      'connect/chunked-connect-swallows-nothing',
    ],
  ).replacing(() => ({ connectFramingProblem: () => undefined })),
  connectDefect(
    'requires-host-on-http10-connect',
    'Answers 400 to an HTTP/1.0 CONNECT without Host',
    ['connect/accepts-http10-connect-without-host'],
  ).replacing((reference) => ({
    // Host demanded of HTTP/1.0 too (RFC 9112 §3.2, CONNECT-13).
    hostProblem: (head) =>
      head.method === 'CONNECT' && !head.headers.some((f) => f.name.toLowerCase() === 'host')
        ? 'a CONNECT without Host'
        : reference.hostProblem(head),
  })),
  connectDefect(
    'chunked-refusal-to-http10',
    'Frames its refusals of CONNECT with chunked coding, even to HTTP/1.0 clients',
    ['connect/refuses-http10-connect-plainly'],
  ),
  connectDefect(
    'connect-2xx-as-http10',
    'Says HTTP/1.0 on its 200 to CONNECT while answering other requests as HTTP/1.1 (Apache mod_proxy_connect)',
    ['connect/reply-carries-own-version'],
  ),
  connectDefect(
    'connect-copies-client-version',
    "Copies an HTTP/1.0 client's version onto its 200 to CONNECT instead of its own HTTP/1.1",
    ['connect/reply-to-http10-carries-own-version'],
  ),
  proxyDefect(
    'reverse-forwards-connect',
    "A gateway that forwards CONNECT to its upstream as an ordinary request and relays the origin's 200 re-framed as chunked",
    ['connect/gateway-2xx-has-no-framing-headers'],
    ['reverse'],
  ).replacing((reference) => ({
    // A CONNECT is forwarded as an ordinary request, its answer read as to any request,
    // and the origin's 200 re-framed as chunked.
    isTunnelRequest: () => false,
    responseMethod: (method) => (method === 'CONNECT' ? 'GET' : method),
    responseFramingForClient: (upstream, clientMinor, method) =>
      method === 'CONNECT'
        ? 'chunked'
        : reference.responseFramingForClient(upstream, clientMinor, method),
    // The gateway sends CONNECT on to its upstream as an ordinary request (CONNECT-03).
    gatewayConnect: (head, config) =>
      config.upstream === undefined
        ? reference.gatewayConnect(head, config)
        : {
            kind: 'forward',
            upstream: upstreamOf(config.upstream.address, config.upstream.port),
            target: head.target,
            host: { mode: 'keep', value: head.target },
          },
  })),
  connectDefect(
    'refuses-unknown-alpn',
    'Refuses (403) a CONNECT whose ALPN header names a protocol it does not know',
    ['connect/keeps-tunnels-whatever-the-alpn-header'],
  ).replacing((reference) => ({
    // An advisory ALPN header (RFC 7639 §2.3, CONNECT-15) taken for a reason to refuse.
    connectForbidden: (head, target, ports) =>
      reference.connectForbidden(head, target, ports) ??
      (namesUnknownAlpn(head) ? 'proxyspec does not tunnel that ALPN protocol' : undefined),
  })),
]
