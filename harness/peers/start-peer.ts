import type { Role } from '../engine/model/roles.js'
import { peerFor } from './catalog.js'
import { chooseProvider, type PeerOptions } from './choose-provider.js'
import { assertProfileRole, resolveProfile } from './profiles.js'
import type { PeerFtp, PeerName, PeerTls, StartedPeer } from './types.js'
import { reservePort } from './wait-port.js'

/**
 * Starts a real peer in one role in front of (reverse) or for (forward) the
 * given origin, for a user's own tests as for a run:
 * `await using squid = await startPeer('squid', 'forward', { origin })`;
 * `startPeer('nginx', 'reverse', { origin, profile: 'h2' })` in a profile.
 */
export async function startPeer(
  name: PeerName,
  role: Role,
  where: {
    readonly origin: { readonly host: string; readonly port: number }
    readonly connectPorts?: readonly number[]
    /** For the TLS roles. */
    readonly tls?: PeerTls
    /** Where a forward proxy sends its CONNECTs on to, when its config chains them. */
    readonly nextHop?: { readonly host: string; readonly port: number }
    /** Basic proxy credentials a forward proxy must require (its auth profile). */
    readonly proxyAuth?: { readonly user: string; readonly pass: string }
    /** For the ftp-gateway role: the FTP origin and the values its config names. */
    readonly ftp?: PeerFtp
    /** One of the peer's profiles (peer:NAME:PROFILE, "h2"); absent: its default. */
    readonly profile?: string
    /** 'h2': `origin` speaks HTTP/2 by prior knowledge (PeerDefinition.h2Upstream roles only). */
    readonly upstream?: 'h2'
  },
  options: PeerOptions = {},
): Promise<StartedPeer> {
  const definition = peerFor(name, role)
  const profile = resolveProfile(definition, where.profile)
  assertProfileRole(definition, profile, role)
  if (role === 'ftp-gateway' && where.ftp === undefined)
    throw new Error(
      '[proxyspec] startPeer in the ftp-gateway role needs where.ftp (the FTP origin)',
    )
  const provider = await chooseProvider(definition, options)
  const asked = performance.now()
  const peer = await provider.start(definition, role, {
    port: await reservePort(),
    originHost: where.origin.host,
    originPort: where.origin.port,
    connectPorts: where.connectPorts ?? [443],
    ...(where.tls === undefined ? {} : { tls: where.tls }),
    ...(where.nextHop === undefined ? {} : { nextHop: where.nextHop }),
    ...(where.proxyAuth === undefined ? {} : { proxyAuth: where.proxyAuth }),
    ...(where.ftp === undefined ? {} : { ftp: where.ftp }),
    ...(profile === undefined ? {} : { profile }),
    ...(where.upstream === undefined ? {} : { upstream: where.upstream }),
  })
  // How long start-up took, for the matrix's timing line and the benchmark.
  Object.defineProperty(peer, 'startMs', { value: performance.now() - asked, enumerable: true })
  options.onStarted?.(peer)
  return peer
}
