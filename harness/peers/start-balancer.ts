import type { BalancerProfile } from '../engine/model/balancer-profile.js'
import { HarnessError } from '../net/errors.js'
import { PEERS } from './catalog.js'
import { chooseProvider, type PeerOptions } from './choose-provider.js'
import { nativeProvider } from './native-provider.js'
import type { BalancerPeerInput, PeerDefinition, PeerName, StartedPeer } from './types.js'
import { reservePort } from './wait-port.js'

/** The profile a peer's balancer config implements, or undefined when it has none. */
export function balancerProfileOf(name: PeerName): BalancerProfile | undefined {
  return PEERS[name].balancer?.profile
}

/**
 * Starts a real peer as a load balancer over `input.origins` (and its backups):
 * its balancer template rendered with the input, listening on a port the OS
 * assigned, ready once that port answers (under the provider's deadline), and
 * everything stopped on close. Natively unless `--peer-provider container`
 * asks otherwise (all seven peers are in the image).
 * The started peer reports the balancer role (the matrix lists its config under it).
 */
export async function startBalancerPeer(
  name: PeerName,
  input: BalancerPeerInput,
  options: PeerOptions = {},
): Promise<StartedPeer> {
  const definition = PEERS[name]
  const balancer = definition.balancer
  if (balancer === undefined) {
    throw new HarnessError('HARNESS_BAD_INPUT', `peer:${name} has no balancer config`)
  }
  if (input.origins.length === 0) {
    throw new HarnessError('HARNESS_BAD_INPUT', `peer:${name} as a balancer needs an origin`)
  }
  const provider =
    options.provider === 'container' ? await chooseProvider(definition, options) : nativeProvider
  // The provider starts "a peer in a role"; the balancer's launch replaces the role's.
  const asBalancer: PeerDefinition = {
    ...definition,
    templates: () => [balancer.template],
    launch: (_role, ports, layout, binary) => balancer.launch(input, ports.port, layout, binary),
  }
  const port = await reservePort()
  const asked = performance.now()
  const peer = await provider.start(asBalancer, 'balancer', {
    port,
    originHost: input.origins[0]?.host ?? '127.0.0.1',
    originPort: input.origins[0]?.port ?? 9,
    connectPorts: [],
  })
  // How long start-up took, for the matrix's timing line and the benchmark.
  Object.defineProperty(peer, 'startMs', { value: performance.now() - asked, enumerable: true })
  options.onStarted?.(peer)
  return peer
}
