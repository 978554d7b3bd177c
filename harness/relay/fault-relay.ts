/**
 * The fault-injecting relay: a TCP relay to one upstream that can add
 * latency, fragment writes down to one byte, reset, half-close or black-hole
 * either direction (FaultPlan), switchable per test. Put it between a client
 * and a target (see fault-target.ts) or between a target and an origin (point
 * the target at the relay). It only ever dials loopback.
 *
 * @example
 * await using relay = await startFaultRelay({ upstream: { host: '127.0.0.1', port }, plan: { toUpstream: { fragmentBytes: 1 } } })
 */
import { connect, createServer, type Socket } from 'node:net'
import { ConnectionTracker, closeServer } from '../net/connection-tracker.js'
import { HarnessError } from '../net/errors.js'
import { authorityOf, listenLoopback } from '../net/loopback.js'
import { onceClose } from '../net/started.js'
import { FaultDirection } from './fault-direction.js'
import type { FaultAction, FaultPlan, FaultRelayOptions, StartedFaultRelay } from './fault-types.js'
import { loopbackAddress } from './loopback-address.js'

export async function startFaultRelay(options: FaultRelayOptions): Promise<StartedFaultRelay> {
  const host = loopbackAddress(options.upstream.host)
  if (host === undefined) {
    throw new HarnessError('HARNESS_NOT_LOOPBACK', `refusing to relay to ${options.upstream.host}`)
  }
  const upstream = { host, port: options.upstream.port }
  let plan: FaultPlan = options.plan ?? {}
  let accepted = 0
  const tracker = new ConnectionTracker()
  // allowHalfOpen: a FIN from one side is passed on, the other direction keeps flowing.
  const server = createServer({ allowHalfOpen: true, pauseOnConnect: true }, (client) => {
    accepted += 1
    relayConnection(client, upstream, plan, (socket) => tracker.add(socket))
  })
  tracker.watch(server)
  const address = await listenLoopback(server)
  const authority = authorityOf(address.address, address.port)
  const close = onceClose(() => closeServer(server, tracker))
  return {
    host: address.address,
    port: address.port,
    authority,
    url: `http://${authority}`,
    setPlan(next) {
      plan = next
    },
    get plan() {
      return plan
    },
    get accepted() {
      return accepted
    },
    close,
    [Symbol.asyncDispose]: close,
  }
}

function relayConnection(
  client: Socket,
  to: { readonly host: string; readonly port: number },
  plan: FaultPlan,
  track: (socket: Socket) => void,
): void {
  const server = connect({ host: to.host, port: to.port, allowHalfOpen: true })
  track(server)
  client.setNoDelay(true)
  server.setNoDelay(true)
  const onFault = (action: FaultAction): void => {
    if (action !== 'reset') return
    if (!client.destroyed) client.resetAndDestroy()
    if (!server.destroyed) server.resetAndDestroy()
  }
  const up = new FaultDirection(client, server, plan.toUpstream ?? {}, onFault)
  const down = new FaultDirection(server, client, plan.toClient ?? {}, onFault)
  // A reset on one side is a reset on the other; a plain close ends both.
  const broke = (other: Socket) => (error: NodeJS.ErrnoException) => {
    if (other.destroyed) return
    if (error.code === 'ECONNRESET' || error.code === 'ECONNREFUSED') other.resetAndDestroy()
    else other.destroy()
  }
  client.on('error', broke(server))
  server.on('error', broke(client))
  client.on('data', (chunk: Buffer) => up.push(chunk))
  server.on('data', (chunk: Buffer) => down.push(chunk))
  client.on('end', () => up.end())
  server.on('end', () => down.end())
  // One side gone for good: the other gets what is already written, then FIN, then goes too.
  client.on('close', () => {
    if (!server.destroyed) server.destroySoon()
  })
  server.on('close', () => {
    if (!client.destroyed) client.destroySoon()
  })
  server.once('connect', () => {
    up.start()
    down.start()
    client.resume()
  })
}
