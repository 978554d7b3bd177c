/**
 * Steps of the connect stage: CONNECT and proxy authentication (parsing and checking the authority, opening and closing tunnels, the next hop, 407).
 * Each is named for the decision it takes; steps/index.ts composes the stages.
 */
import type { Socket } from 'node:net'
import type { RequestHead, ResponseHead } from '../../../wire/types.js'
import type { SessionDeps } from '../client-session.js'
import {
  refuseConnect,
  earlyTunnelData,
  type ConnectEnd,
  type ConnectRefusal,
} from '../connect-session.js'
import {
  answerTunnelFailure,
  establishedHead,
  openTunnel,
  tunnelBytes,
  tunnelFin,
  type TunnelEnd,
  type TunnelOptions,
  type TunnelRequest,
} from '../connect-tunnel.js'
import type { ClientSide } from '../forward-request.js'
import { nextHopConnect, nextHopTunnelData } from '../next-hop-connect.js'
import {
  authorized,
  basicCredentials,
  consumeProxyAuthorization,
  proxyChallenge,
  type ProxyCredentials,
} from '../proxy-auth.js'
import type { Authority } from '../request-target.js'
import {
  connectAuthority,
  connectDestination,
  connectForbidden,
  connectFramingProblem,
  gatewayConnect,
  type Route,
  type RoutingConfig,
} from '../route-request.js'

/** The decisions of the connect stage, by name. */
export interface ConnectSteps {
  // Routing a CONNECT (route-request.ts)
  /** The host:port a CONNECT's authority-form target names, or undefined when malformed (RFC 9112 §3.2.3). */
  connectAuthority: (head: RequestHead) => Authority | undefined
  /** The tunnel's destination: the request-target's authority, never Host (RFC 9112 §3.3). */
  connectDestination: (head: RequestHead, target: Authority) => Authority
  /** Why a CONNECT that frames a body is refused: it has no content (RFC 9110 §9.3.6). */
  connectFramingProblem: (head: RequestHead) => string | undefined
  /** Why a CONNECT is forbidden (403): a port outside the allow-list (RFC 9110 §9.3.6); never its ALPN (RFC 7639 §2.3). */
  connectForbidden: (
    head: RequestHead,
    target: Authority,
    allowedPorts: readonly number[],
  ) => string | undefined
  /** What a gateway does with CONNECT: 405 with Allow (RFC 9110 §9.3.6, §15.5.6). */
  gatewayConnect: (head: RequestHead, config: RoutingConfig) => Route

  // Proxy authentication (proxy-auth.ts)
  /** Whether a request carries the required credentials, read by `credentialsOf` (RFC 9110 §11.7.2). */
  authorized: (
    head: RequestHead,
    required: ProxyCredentials,
    credentialsOf: (value: string) => ProxyCredentials | undefined,
  ) => boolean
  /** The user and password of Basic credentials, split at the first colon (RFC 7617 §2). */
  basicCredentials: (value: string) => ProxyCredentials | undefined
  /** The challenge field lines a 407 carries (RFC 9110 §11.7.1, §15.5.8). */
  proxyChallenge: () => readonly string[]
  /** The request head to forward: Proxy-Authorization consumed (RFC 9110 §11.7.2). */
  consumeProxyAuthorization: (head: RequestHead) => RequestHead

  // The CONNECT on a client connection (connect-session.ts)
  /** Answers a refused CONNECT and closes, reading nothing after its head (RFC 9110 §9.3.6, RFC 9931). */
  refuseConnect: (
    client: ClientSide,
    head: RequestHead,
    refusal: ConnectRefusal,
    deps: SessionDeps,
  ) => Promise<ConnectEnd>
  /** The bytes after the CONNECT head that the tunnel delivers first (RFC 9110 §9.3.6). */
  earlyTunnelData: (head: RequestHead, early: Buffer) => Buffer

  // The tunnel (connect-tunnel.ts)
  /** Connects, answers the CONNECT and starts relaying (RFC 9110 §9.3.6). */
  openTunnel: (
    client: Socket,
    request: TunnelRequest,
    early: Buffer,
    options: TunnelOptions,
  ) => Promise<TunnelEnd>
  /** The head of the 2xx to CONNECT: no framing fields, our own version (RFC 9110 §9.3.6, §6.2). */
  establishedHead: (connect: RequestHead, nextHop: ResponseHead | undefined) => Buffer
  /** Answers a CONNECT whose tunnel could not be opened (502/504, RFC 9110 §9.3.6). */
  answerTunnelFailure: (
    client: Socket,
    response: Buffer,
    idleTimeoutMs: number,
  ) => Promise<TunnelEnd>
  /** What a tunnel passes on for each read in one direction: the octets unchanged (RFC 9110 §9.3.6). */
  tunnelBytes: (toTarget: boolean) => (read: Buffer) => Buffer
  /** What a FIN from one side of a tunnel does: passed on, the other direction flowing (RFC 9110 §9.3.6). */
  tunnelFin: (from: Socket, to: Socket) => void

  // The next hop (next-hop-connect.ts)
  /** The CONNECT sent on to a next hop: authority-form, Host, no credentials (RFC 9112 §3.2.3, RFC 9110 §11.7.2). */
  nextHopConnect: (authority: string, head: RequestHead) => Buffer
  /** The tunnel data after a next hop's 2xx: everything, whatever CL/TE say (RFC 9112 §6.3). */
  nextHopTunnelData: (head: ResponseHead, after: Buffer) => Buffer
}

/** The conformant connect stage (the functions live in the files named above each group). */
export const connectSteps: ConnectSteps = {
  connectAuthority,
  connectDestination,
  connectFramingProblem,
  connectForbidden,
  gatewayConnect,
  authorized,
  basicCredentials,
  proxyChallenge,
  consumeProxyAuthorization,
  refuseConnect,
  earlyTunnelData,
  openTunnel,
  establishedHead,
  answerTunnelFailure,
  tunnelBytes,
  tunnelFin,
  nextHopConnect,
  nextHopTunnelData,
}
