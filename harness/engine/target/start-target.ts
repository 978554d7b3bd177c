import type { Role } from '../model/roles.js'
import type { PeerOptions } from '../../peers/choose-provider.js'
import type { RunEnvironment } from '../environment/environment.js'
import { peerPerCase, spawnPerCase, startBalancerTarget } from './balancer-target.js'
import { startBuiltin } from './builtin.js'
import { startPeerTarget } from './peer-target.js'
import { balancerProfileOf } from '../../peers/start-balancer.js'
import { startSpawned } from './spawn.js'
import type { StartedTarget } from './started-target.js'
import type { TargetSpec } from './target-spec.js'

/** Starts (or, for a URL, only names) the target of a run in one role. */
export async function startTarget(
  spec: TargetSpec,
  role: Role,
  env: RunEnvironment,
  peer: PeerOptions = {},
): Promise<StartedTarget> {
  const started = await startTargetOnly(spec, role, env, peer)
  // Declared credentials (--proxy-auth): the target itself requires them.
  const credentials = env.proxyAuth
  if (credentials === undefined || started.endpoint.proxyAuth !== undefined) return started
  const { host, port } = started.endpoint
  return { ...started, endpoint: { ...started.endpoint, proxyAuth: { credentials, host, port } } }
}

async function startTargetOnly(
  spec: TargetSpec,
  role: Role,
  env: RunEnvironment,
  peer: PeerOptions,
): Promise<StartedTarget> {
  switch (spec.kind) {
    case 'builtin':
      return startBuiltin(spec.name, role, env)
    case 'spawn':
      return role === 'balancer'
        ? startBalancerTarget(
            `spawn: ${spec.command}`,
            env,
            spawnPerCase(spec.command, env),
            env.balancerProfile,
          )
        : startSpawned(spec.command, role, env)
    case 'peer':
      return role === 'balancer'
        ? startBalancerTarget(
            spec.label,
            env,
            peerPerCase(spec.name, peer),
            env.balancerProfile ?? balancerProfileOf(spec.name),
          )
        : startPeerTarget(spec.name, role, env, peer, spec.profile)
    case 'url': {
      // Already running: nothing of ours to stop.
      const close = (): Promise<void> => Promise.resolve()
      return {
        endpoint: { label: spec.label, role, host: spec.host, port: spec.port },
        stderr: () => '',
        close,
        [Symbol.asyncDispose]: close,
      }
    }
  }
}
