import type { Role } from '../model/roles.js'
import type { PeerOptions } from '../../peers/choose-provider.js'
import { PEERS } from '../../peers/catalog.js'
import { describePeer } from '../../peers/describe-peer.js'
import {
  assertProfileRole,
  profileLabel,
  resolveProfile,
  withoutNextHop,
} from '../../peers/profiles.js'
import { startPeer } from '../../peers/start-peer.js'
import type { PeerFtp, PeerName, PeerTls } from '../../peers/types.js'
import { HarnessError } from '../../net/errors.js'
import { X_IP } from '../environment/ftp.js'
import type { RunEnvironment } from '../environment/environment.js'
import { referenceConnectPorts } from './connect-ports.js'
import type { StartedTarget } from './started-target.js'

/** The run's certificate files and TLS origin, as the TLS roles' configs name them. */
async function runTls(env: RunEnvironment): Promise<PeerTls> {
  const corpus = await env.tls.origin.corpus()
  // Leaf and intermediate, leaf first, as {cert} gives a --spawn terminator (RFC 8446 §4.4.2).
  const leaf = corpus.leaf('via-intermediate')
  return {
    certPath: leaf.certPath,
    keyPath: leaf.keyPath,
    caPath: corpus.ca.certPath,
    origin: { name: env.tls.name, host: env.tls.origin.host, port: env.tls.origin.port },
  }
}

/**
 * The run's FTP origin as an ftp-gateway peer's config names it; refuses, in
 * one line, a mode the peer's config does not offer (squid has no reverse mapping).
 */
function runFtp(name: PeerName, env: RunEnvironment): PeerFtp {
  const ftp = env.ftp
  if (ftp === undefined)
    throw new HarnessError('HARNESS_INTERNAL', 'an ftp-gateway peer in a run without an FTP origin')
  const modes = PEERS[name].ftpModes ?? ['forward']
  if (!modes.includes(ftp.mode)) {
    throw new HarnessError(
      'HARNESS_BAD_INPUT',
      `peer:${name} cannot be an ftp-gateway in ${ftp.mode} mode (it offers --ftp-mode ${modes.join(', ')})`,
    )
  }
  return {
    mode: ftp.mode,
    host: ftp.origin.host,
    port: ftp.origin.port,
    base: ftp.base,
    user: ftp.user,
    pass: ftp.pass,
    xIp: X_IP,
    timeoutS: ftp.timeoutS,
  }
}

/**
 * peer:<name> in one role: the real implementation pointed at the run's
 * origin, with the run's CONNECT targets in its allow-list. Its version,
 * config and output become the target's stderr section of the report.
 */
export async function startPeerTarget(
  name: PeerName,
  role: Role,
  env: RunEnvironment,
  options: PeerOptions = {},
  profileName?: string,
): Promise<StartedTarget> {
  const definition = PEERS[name]
  const profile = resolveProfile(definition, profileName)
  assertProfileRole(definition, profile, role)
  const noNextHop = withoutNextHop(definition, profile)
  const peer = await startPeer(
    name,
    role,
    {
      origin: { host: env.origin.host, port: env.origin.port },
      connectPorts: referenceConnectPorts(env),
      // A profile that chains (or a peer without profiles) is told the harness next hop,
      // as the reference is wired; a direct profile opens its tunnels itself.
      ...(noNextHop === undefined
        ? { nextHop: { host: env.tcp.nextHop.host, port: env.tcp.nextHop.port } }
        : {}),
      ...(role === 'tls-terminator' || role === 'tls-originator' ? { tls: await runTls(env) } : {}),
      // --proxy-auth: the peer's auth profile (test-fixtures/peers/*/forward-auth.conf).
      ...(env.proxyAuth === undefined ? {} : { proxyAuth: env.proxyAuth }),
      ...(role === 'ftp-gateway' ? { ftp: runFtp(name, env) } : {}),
      ...(profile === undefined ? {} : { profile: profile.name }),
    },
    options,
  )
  const label = profileLabel(name, profile)
  // The h2-upstream twin: the same peer and profile again, its origin the run's h2 origin.
  const h2Origin = env.h2Origin
  const twin =
    h2Origin !== undefined && definition.h2Upstream?.includes(role) === true
      ? await startPeer(
          name,
          role,
          {
            origin: { host: h2Origin.host, port: h2Origin.port },
            upstream: 'h2',
            ...(role === 'tls-terminator' ? { tls: await runTls(env) } : {}),
            ...(profile === undefined ? {} : { profile: profile.name }),
          },
          options,
        ).catch(async (error: unknown) => {
          await peer.close()
          throw error
        })
      : undefined
  const close = async (): Promise<void> => {
    await Promise.all([peer.close(), twin?.close()])
  }
  return {
    endpoint: {
      label,
      role,
      host: peer.host,
      port: peer.port,
      ...(noNextHop === undefined ? {} : { noNextHop }),
      ...(twin === undefined ? {} : { h2Upstream: { host: twin.host, port: twin.port } }),
    },
    stderr: () =>
      twin === undefined
        ? describePeer(peer)
        : `${describePeer(peer)}\n--- h2-upstream twin ---\n${describePeer(twin)}`,
    close,
    [Symbol.asyncDispose]: close,
  }
}
