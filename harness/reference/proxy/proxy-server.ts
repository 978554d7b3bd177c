/**
 * The reference intermediary: a conformant HTTP/1.1 forward or reverse proxy
 * (RFC 9110, RFC 9112) built on harness/wire's strict parser, so that every
 * byte it writes is a decision made here. It only ever talks to loopback.
 */
import { createServer, type Socket } from 'node:net'
import { H2Front, PREFACE_START } from '../h2-front/index.js'
import { Balancer } from '../balancer/index.js'
import { ConnectionTracker, closeServer } from '../../net/connection-tracker.js'
import { HarnessError } from '../../net/errors.js'
import { authorityOf, listenLoopback } from '../../net/loopback.js'
import { onceClose } from '../../net/started.js'
import { serveClient, type SessionDeps } from './client-session.js'
import { nextHopAddress } from './next-hop-connect.js'
import { loopbackAddress } from './request-target.js'
import { simpleResponse } from './simple-response.js'
import { closeGracefully, writeAll } from './socket-io.js'
import type { RoutingConfig } from './route-request.js'
import type { ReferenceProxyOptions, StartedProxy } from './types.js'
import { UpstreamPool } from './upstream-pool.js'
import { stepsWith } from './steps/index.js'

/** The hosts map with lower-case names; every address must be loopback. */
function loopbackHosts(hosts: Readonly<Record<string, string>> = {}): Record<string, string> {
  const map: Record<string, string> = {}
  for (const [name, address] of Object.entries(hosts)) {
    if (loopbackAddress(address) === undefined) {
      throw new HarnessError(
        'HARNESS_NOT_LOOPBACK',
        `hosts maps ${name} to ${address}, which is not loopback`,
      )
    }
    map[name.toLowerCase()] = address
  }
  return map
}

/** Upstream of a reverse proxy, checked to be loopback before anything starts. */
function reverseUpstream(
  options: ReferenceProxyOptions,
  hosts: Readonly<Record<string, string>>,
): RoutingConfig['upstream'] {
  if (options.mode !== 'reverse') return undefined
  // A balancer routes as a reverse proxy to its first primary; the balance steps pick the backend.
  const upstream = options.upstream ?? options.balancer?.primaries[0]
  if (upstream === undefined)
    throw new HarnessError('HARNESS_BAD_INPUT', 'a reverse proxy needs options.upstream')
  const address = loopbackAddress(upstream.host, hosts)
  if (address === undefined) {
    throw new HarnessError(
      'HARNESS_NOT_LOOPBACK',
      `the reverse proxy upstream ${upstream.host} is not a loopback address`,
    )
  }
  return { address, port: upstream.port }
}

/** A loopback address for `host`, or HARNESS_NOT_LOOPBACK. */
function loopbackUpstream(
  host: string,
  port: number,
  hosts: Readonly<Record<string, string>>,
): { readonly address: string; readonly port: number } {
  const address = loopbackAddress(host, hosts)
  if (address === undefined)
    throw new HarnessError('HARNESS_NOT_LOOPBACK', `the upstream ${host} is not a loopback address`)
  return { address, port }
}

/** The balancer of a reverse proxy started with `balancer`, its backends checked to be loopback. */
function balancerOf(
  options: ReferenceProxyOptions,
  hosts: Readonly<Record<string, string>>,
  steps: ReturnType<typeof stepsWith>,
): Balancer | undefined {
  const config = options.balancer
  if (config === undefined) return undefined
  if (options.mode !== 'reverse')
    throw new HarnessError('HARNESS_BAD_INPUT', 'only a reverse proxy balances')
  return new Balancer({
    primaries: config.primaries.map((p) => ({
      ...loopbackUpstream(p.host, p.port, hosts),
      ...(p.weight === undefined ? {} : { weight: p.weight }),
    })),
    backups: (config.backups ?? []).map((b) => loopbackUpstream(b.host, b.port, hosts)),
    profile: config.profile,
    steps,
    ...(config.random === undefined ? {} : { random: config.random }),
    ...(config.now === undefined ? {} : { now: config.now }),
  })
}

/**
 * Starts the reference proxy on a loopback port and resolves once it listens.
 * close() destroys every client, upstream and tunnel socket and resolves when
 * the listener has closed; it is idempotent and never throws.
 *
 * Loops (RFC 9110 §7.6, HOP-19): a forward request or CONNECT to the proxy's
 * own address gets 508 Loop Detected; a reverse proxy whose upstream is itself
 * fails to start.
 */
export async function startReferenceProxy(options: ReferenceProxyOptions): Promise<StartedProxy> {
  const hosts = loopbackHosts(options.hosts)
  // With an h2 upstream (reverse), the HTTP/1.1 path goes to the h2 front's bridge, which
  // sends each request on to the h2 origin (harness/reference/h2-front/h1-bridge.ts).
  const bridge =
    options.h2Upstream !== undefined && options.mode === 'reverse'
      ? createServer({ allowHalfOpen: true }, (socket) => front.serveH1Bridge(socket))
      : undefined
  const bridgeAddress = bridge === undefined ? undefined : await listenLoopback(bridge)
  const upstream =
    bridgeAddress === undefined
      ? reverseUpstream(options, hosts)
      : { address: bridgeAddress.address, port: bridgeAddress.port }
  const idleTimeoutMs = options.idleTimeoutMs ?? 5000
  const connectTimeoutMs = options.connectTimeoutMs ?? 5000
  const steps = stepsWith(options.steps)
  const balancer = balancerOf(options, hosts, steps)
  const clients = new ConnectionTracker()
  const upstreams = new ConnectionTracker()
  const pool = new UpstreamPool({
    tracker: upstreams,
    connectTimeoutMs,
    responseTimeoutMs: options.upstreamTimeoutMs ?? 30_000,
    idleTimeoutMs: options.upstreamIdleTimeoutMs ?? 4000,
    maxIdlePerUpstream: options.maxIdlePerUpstream ?? 8,
    createParser: () => steps.responseParser(),
  })
  const self = { address: '', port: 0 }
  const routing: RoutingConfig = {
    mode: options.mode,
    ...(upstream === undefined ? {} : { upstream }),
    connectPorts: options.connectPorts ?? [443],
    hosts,
    self,
    ...nextHopAddress(options.nextHop, hosts),
    viaName: options.viaName ?? 'proxyspec',
    proxyAuth: options.proxyAuth,
    steps,
    ...(options.ftpGateway === undefined ? {} : { ftpGateway: true }),
  }
  const deps: SessionDeps = {
    routing,
    pool,
    upstreamTracker: upstreams,
    createParser: () => steps.requestParser(),
    viaName: options.viaName ?? 'proxyspec',
    idleTimeoutMs,
    connectTimeoutMs,
    tunnelIdleTimeoutMs: options.tunnelIdleTimeoutMs ?? 120_000,
    steps,
    ...(balancer === undefined ? {} : { balancer }),
    ...(options.ftpGateway === undefined ? {} : { ftpGateway: options.ftpGateway }),
  }
  // The h2 front (harness/reference/h2-front): its streams come back to this listener as HTTP/1.1.
  const front = new H2Front({
    mode: options.mode,
    internal: {
      get host() {
        return self.address
      },
      get port() {
        return self.port
      },
    },
    steps: options.h2Steps,
    idleTimeoutMs,
    upstream: options.h2Upstream,
  })
  const serveH2 = (socket: Socket): void => {
    clients.add(socket)
    front.serve(socket)
  }
  // allowHalfOpen: a client's FIN must not end our side before its response
  // is out, and a tunnel passes each FIN on by itself (RFC 9110 §9.3.6).
  const server = createServer({ allowHalfOpen: true, pauseOnConnect: true }, (socket) => {
    sniffPreface(socket, idleTimeoutMs, (protocol) => {
      if (protocol === 'h2') front.serve(socket)
      else serveClient(socket, deps)
    })
  })
  clients.watch(server)
  const close = onceClose(async () => {
    await front.stop(0)
    balancer?.close()
    pool.close()
    upstreams.destroyAll()
    bridge?.close()
    await closeServer(server, clients)
    upstreams.destroyAll()
  })
  const address = await listenLoopback(server, options.host ?? '127.0.0.1', options.port ?? 0)
  self.address = address.address
  self.port = address.port
  const targets = balancer?.backends ?? (upstream === undefined ? [] : [upstream])
  if (targets.some((u) => u.address === self.address && u.port === self.port)) {
    await close()
    throw new HarnessError('HARNESS_BAD_INPUT', 'the reverse proxy upstream is the proxy itself')
  }
  balancer?.start()
  const authority = authorityOf(address.address, address.port)
  return {
    mode: options.mode,
    host: address.address,
    port: address.port,
    authority,
    url: `http://${authority}`,
    serveH2,
    stopGracefully: async (graceMs: number) => {
      // The listener stays open meanwhile: accepted h2 streams still reach it as HTTP/1.1.
      await front.stop(graceMs)
      await close()
    },
    close,
    [Symbol.asyncDispose]: close,
    ...(balancer === undefined ? {} : { balancer }),
  }
}

/**
 * Tells an HTTP/2 client (prior knowledge, RFC 9113 §3.3) from an HTTP/1.1
 * one by the first octets: `PRI * HTTP/2.0\r\n` is no HTTP/1.1 request
 * line a strict parser accepts. The octets read are put back for whichever
 * side takes the socket. A connection that ends or idles before the octets
 * decide is closed as an HTTP/1.1 session would be (FIN; 400 for a partial head).
 */
function sniffPreface(
  socket: Socket,
  idleTimeoutMs: number,
  take: (protocol: 'h1' | 'h2') => void,
): void {
  let seen = Buffer.alloc(0)
  const stop = (): void => {
    socket.pause()
    socket.off('data', onData)
    socket.off('end', onEnd)
    socket.off('timeout', onEnd)
    socket.off('error', onError)
    socket.setTimeout(0)
  }
  const onData = (chunk: Buffer): void => {
    seen = Buffer.concat([seen, chunk])
    const n = Math.min(seen.length, PREFACE_START.length)
    const h2 = seen.subarray(0, n).equals(PREFACE_START.subarray(0, n))
    if (h2 && n < PREFACE_START.length) return
    stop()
    socket.unshift(seen)
    take(h2 ? 'h2' : 'h1')
  }
  const onEnd = (): void => {
    stop()
    if (seen.length === 0) {
      closeGracefully(socket, idleTimeoutMs)
      return
    }
    const answer = simpleResponse({
      status: 400,
      text: 'proxyspec: incomplete request',
      close: true,
    })
    void writeAll(socket, answer).then(() => closeGracefully(socket, idleTimeoutMs))
  }
  const onError = (): void => {
    socket.destroy()
  }
  socket.setTimeout(idleTimeoutMs)
  socket.on('data', onData)
  socket.on('end', onEnd)
  socket.on('timeout', onEnd)
  socket.on('error', onError)
  socket.resume()
}
