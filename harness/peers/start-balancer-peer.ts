import { HarnessError } from '../net/errors.js'
import type { PeerOptions } from './choose-provider.js'
import type { BalancerPeerInput, PeerName, StartedPeer } from './types.js'

/**
 * Starts a real peer in the balancer role, in front of `input.origins` (and
 * backups) with a config that declares `input.profile`; ready to take
 * requests when it resolves. The run starts one per load-balancing case, and
 * one with the run's origin as its only primary for the HTTP suites.
 * Throws HarnessError HARNESS_BAD_INPUT for a peer with no balancer config.
 */
export type StartBalancerPeer = (
  name: PeerName,
  input: BalancerPeerInput,
  options?: PeerOptions,
) => Promise<StartedPeer>

export const startBalancerPeer: StartBalancerPeer = (name) =>
  Promise.reject(new HarnessError('HARNESS_BAD_INPUT', `peer:${name} has no balancer profile yet`))
