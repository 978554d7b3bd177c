// Seeded defects the connect suite must catch: each is the reference with
// steps of its connect stage replaced (harness/reference/proxy/steps/connect.ts).
import { simpleResponse } from '../../harness/reference/proxy/simple-response.js'
import { writeAll } from '../../harness/reference/proxy/socket-io.js'
import type { StepVariant } from '../../harness/reference/proxy/steps/index.js'
import { tunnelFor } from '../../harness/reference/proxy/connect-session.js'
import { parseAuthorityForm } from '../../harness/reference/proxy/request-target.js'
import { routeConnect, upstreamOf } from '../../harness/reference/proxy/route-request.js'
import type { RequestHead, ResponseHead } from '../../harness/wire/types.js'
import { authDefect } from './auth-twin.js'
import { unanswered407, unframed407 } from './parts/open-407.js'
import { afterConnectBody, lenientRequestParser } from './parts/swallows-connect-body.js'
import {
  chunkedRefusal,
  closeBothOnFin,
  ESTABLISHED_HTTP10,
  ESTABLISHED_WITH_LENGTH,
  leaveUnanswered,
  oneReadBehind,
  withViaLine,
} from './parts/tunnel-mishaps.js'
import { proxyDefect, type ProxyDefectEntry } from './reference-with.js'
import type { SeededDefect } from './types.js'
import { lenientAuthority, namesUnknownAlpn } from './parts/connect-authority.js'

/**
 * A 407 that leaves the client connection open, written by `answer`, on both
 * paths: a request's (the session's afterAuthRefusal) and a CONNECT's
 * (refuseConnect, any other refusal as the reference answers it).
 */
function open407(answer: typeof unframed407): StepVariant {
  return (reference) => ({
    afterAuthRefusal: async (client, _refusal, _head, session) => {
      await answer(client, session.idleTimeoutMs, session.steps.proxyChallenge())
      return 'tunnel'
    },
    refuseConnect: async (client, head, refusal, deps) => {
      if (refusal.status !== 407) return reference.refuseConnect(client, head, refusal, deps)
      await answer(client, deps.idleTimeoutMs, deps.steps.proxyChallenge())
      return 'tunnel'
    },
  })
}

/** The client's Proxy-Authorization field lines, as received. */
function proxyAuthorizationLines(head: RequestHead): string[] {
  return head.headers
    .filter((f) => f.name.toLowerCase() === 'proxy-authorization')
    .map((f) => f.raw.toString('latin1'))
}

/** A request head (ending in its blank line) with `lines` added at its end. */
function withLines(head: Buffer, lines: readonly string[]): Buffer {
  const fields = lines.map((l) => `${l}\r\n`).join('')
  return Buffer.concat([head.subarray(0, head.length - 2), Buffer.from(`${fields}\r\n`, 'latin1')])
}

/** The Content-Length of a response head as a number (0 when absent or invalid). */
function declaredLength(head: ResponseHead): number {
  const length = head.headers.find((f) => f.name.toLowerCase() === 'content-length')?.value
  return length !== undefined && /^\d+$/.test(length) ? Number(length) : 0
}

/** A defect of a direct CONNECT, tried in both roles. */
function connectDefect(
  name: string,
  description: string,
  killedBy: readonly [string, ...string[]],
): ProxyDefectEntry {
  return proxyDefect(name, description, killedBy, ['forward', 'tunnel'])
}

/** A defect of the reference as a next hop's CONNECT client (forward role only, as the rows say). */
function chainedDefect(
  name: string,
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
  ).replacing((reference) => ({
    // The next hop's own head, CL/TE and all, passed on verbatim.
    establishedHead: (connect, nextHop) =>
      nextHop?.raw ?? reference.establishedHead(connect, nextHop),
  })),
  chainedDefect(
    'reads-next-hop-2xx-body',
    "Reads the next hop's 2xx to CONNECT by its Content-Length and swallows those tunnel bytes (curl #1317)",
    ['connect/chained-2xx-body-is-tunnel-data'],
  ).replacing(() => ({
    // The 2xx read by its Content-Length, as curl did (#1317 [B8]).
    nextHopTunnelData: (head, after) => after.subarray(declaredLength(head)),
  })),
  authDefect(
    'forwards-credentials-to-next-hop',
    "Sends the client's Proxy-Authorization, meant for itself, on to the next hop",
    ['connect/chained-connect-is-authority-form', 'connect/auth-credentials-stay-at-the-proxy'],
    ['forward'],
  ).replacing((reference) => ({
    // The client's Proxy-Authorization, meant for this proxy, passed on (RFC 9110 §11.7.2, HOP-10, CONNECT-14).
    nextHopConnect: (authority, head) =>
      withLines(reference.nextHopConnect(authority, head), proxyAuthorizationLines(head)),
  })),
  // proxy authentication (CONNECT-10, HOP-10): with an auth twin (auth-twin.ts)
  authDefect(
    'connect-skips-proxy-auth',
    'Asks for credentials on requests but lets every CONNECT through (squid with "http_access allow CONNECT" above its auth rule)',
    ['connect/auth-refuses-missing-or-wrong-credentials'],
  ).replacing((reference) => ({
    authorized: (head, required, credentialsOf) =>
      head.method === 'CONNECT' || reference.authorized(head, required, credentialsOf),
  })),
  authDefect(
    'accepts-wrong-proxy-credentials',
    'Checks only that Proxy-Authorization is present, not what it says',
    [
      'connect/auth-refuses-missing-or-wrong-credentials',
      'hop-by-hop/auth-refuses-missing-or-wrong-credentials',
    ],
  ).replacing(() => ({
    authorized: (head) => proxyAuthorizationLines(head).length > 0,
  })),
  authDefect(
    'splits-credentials-at-last-colon',
    'Splits Basic user-pass at the last colon, so a password with a colon never matches (RFC 7617 §2)',
    ['connect/auth-credentials-open-tunnel'],
  ).replacing((reference) => ({
    // A lastIndexOf where indexOf belonged: a password with a colon in it never matches.
    basicCredentials: (value) => {
      const given = reference.basicCredentials(value)
      if (given === undefined) return undefined
      const text = `${given.user}:${given.pass}`
      const colon = text.lastIndexOf(':')
      return { user: text.slice(0, colon), pass: text.slice(colon + 1) }
    },
  })),
  authDefect('omits-proxy-authenticate', 'Sends 407 without a Proxy-Authenticate challenge', [
    'connect/auth-407-carries-challenge',
    'hop-by-hop/auth-407-carries-challenge',
  ]).replacing(() => ({ proxyChallenge: () => [] })),
  authDefect(
    'unframed-407',
    'Sends a 407 body with neither Content-Length nor close, and keeps the connection open',
    ['connect/auth-407-carries-challenge', 'hop-by-hop/auth-407-carries-challenge'],
  ).replacing(open407(unframed407)),
  authDefect(
    'tunnels-after-407',
    'Answers 407 to a CONNECT without credentials, then opens the tunnel anyway: the bytes after it reach the target',
    ['connect/auth-refused-connect-never-tunnels'],
  ).replacing((reference) => ({
    // The 407 goes out without close, then the tunnel opens anyway: the bytes after it reach the target.
    refuseConnect: async (client, head, refusal, deps) => {
      const anyway = routeConnect(head, { ...deps.routing, proxyAuth: undefined })
      if (refusal.status !== 407 || anyway.kind !== 'connect')
        return reference.refuseConnect(client, head, refusal, deps)
      await writeAll(client.socket, simpleResponse({ ...refusal, close: false }))
      return tunnelFor(client, head, anyway, deps)
    },
  })),
  authDefect(
    'hangs-after-407',
    'Keeps the connection open after its 407 but never reads the retry on it',
    ['connect/auth-refused-connect-never-tunnels', 'hop-by-hop/auth-connection-usable-after-407'],
  ).replacing(open407(unanswered407)),
  authDefect(
    'forwards-proxy-authorization',
    'Asks for proxy credentials, then forwards Proxy-Authorization to the origin (a credential leak)',
    ['hop-by-hop/consumes-proxy-authorization'],
    ['forward'],
  ).replacing(() => ({
    // Only the RFC 9110 §7.6.1 hop-by-hop list is stripped: the credentials reach the origin.
    consumeProxyAuthorization: (head) => head,
  })),
  connectDefect(
    'connect-2xx-with-content-length',
    'Sends "Content-Length: 0" on its 200 to CONNECT (google/martian #209, stripe/goproxy #29, ATS #5156)',
    ['connect/2xx-has-no-framing-headers'],
  ).replacing(() => ({ establishedHead: () => ESTABLISHED_WITH_LENGTH })),
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
  ).replacing((reference) => ({
    tunnelBytes: (toTarget) => (toTarget ? withViaLine : reference.tunnelBytes(toTarget)),
  })),
  connectDefect(
    'serves-requests-after-refused-connect',
    'After refusing a CONNECT it keeps the connection and parses what follows as the next request (RFC 9931)',
    ['connect/closes-after-refusing', 'connect/never-parses-bytes-after-refused-connect'],
  ).replacing(() => ({
    // The refusal sent as if the connection persisted: what follows is read as the next request [B11].
    refuseConnect: async (client, _head, refusal) => {
      await client.reader.next()
      await writeAll(client.socket, simpleResponse({ ...refusal, close: false }))
      return 'persist'
    },
  })),
  connectDefect(
    'drops-early-tunnel-data',
    'Throws away bytes that came with the CONNECT head (apify/proxy-chain #284)',
    ['connect/delivers-early-tunnel-data-first'],
  ).replacing(() => ({
    // Thrown away with the parse buffer (apify/proxy-chain #284 [B12]).
    earlyTunnelData: () => Buffer.alloc(0),
  })),
  connectDefect(
    'closes-tunnel-on-first-fin',
    'No half-close: a FIN from either side tears the whole tunnel down, dropping what is in flight',
    ['connect/passes-half-close-on'],
  ).replacing(() => ({ tunnelFin: closeBothOnFin })),
  connectDefect(
    'drops-last-read-before-fin',
    "Throws away the client's last read when the FIN comes with it: the tail never reaches the target",
    ['connect/delivers-client-data-before-closing'],
  ).replacing((reference) => ({
    tunnelBytes: (toTarget) => (toTarget ? oneReadBehind() : reference.tunnelBytes(toTarget)),
  })),
  connectDefect(
    'answers-2xx-before-connecting',
    'Answers 200 before connecting upstream, then drops the connection when the target refuses',
    ['connect/answers-unreachable-target-with-gateway-error'],
  ).replacing((reference) => ({
    // The 200 goes out first; an unreachable target then looks like a tunnel that dies.
    openTunnel: async (client, request, early, options) => {
      if (!(await writeAll(client, reference.establishedHead(request.head, undefined))))
        return 'failed'
      return reference.openTunnel(client, request, early, {
        ...options,
        steps: {
          ...options.steps,
          establishedHead: () => Buffer.alloc(0),
          answerTunnelFailure: (socket) => {
            socket.destroy()
            return Promise.resolve('failed')
          },
        },
      })
    },
  })),
  connectDefect(
    'hangs-when-upstream-refuses',
    'Never answers a CONNECT whose target refuses the connection',
    ['connect/answers-unreachable-target-with-gateway-error'],
  ).replacing(() => ({
    answerTunnelFailure: (client, _response, idleTimeoutMs) =>
      leaveUnanswered(client, idleTimeoutMs),
  })),
  connectDefect(
    'consumes-connect-body',
    'Honours Content-Length or chunked on a CONNECT and swallows that "body" before tunnelling',
    [
      'connect/content-length-on-connect-swallows-nothing',
      'connect/chunked-connect-swallows-nothing',
    ],
  ).replacing((reference) => ({
    // The CONNECT's Content-Length taken for a body: parsed, swallowed, never refused.
    requestParser: lenientRequestParser,
    connectFramingProblem: () => undefined,
    earlyTunnelData: (head, early) =>
      afterConnectBody(head, reference.earlyTunnelData(head, early)),
  })),
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
  ).replacing(() => ({
    refuseConnect: async (client, _head, refusal) => {
      client.reader.detach()
      await writeAll(client.socket, chunkedRefusal(refusal.status, refusal.text))
      return 'close'
    },
  })),
  connectDefect(
    'connect-2xx-as-http10',
    'Says HTTP/1.0 on its 200 to CONNECT while answering other requests as HTTP/1.1 (Apache mod_proxy_connect)',
    ['connect/reply-carries-own-version'],
  ).replacing(() => ({ establishedHead: () => ESTABLISHED_HTTP10 })),
  connectDefect(
    'connect-copies-client-version',
    "Copies an HTTP/1.0 client's version onto its 200 to CONNECT instead of its own HTTP/1.1",
    ['connect/reply-to-http10-carries-own-version'],
  ).replacing((reference) => ({
    establishedHead: (connect, nextHop) =>
      connect.version === 'HTTP/1.0'
        ? ESTABLISHED_HTTP10
        : reference.establishedHead(connect, nextHop),
  })),
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
