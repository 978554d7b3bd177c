/**
 * Targets in the balancer role (catalog §12). A load-balancing case gets a
 * fresh instance of the target, in front of that case's own backends
 * (TargetEndpoint.perCase); the HTTP suites run through one run-wide instance
 * whose only primary is the run's origin.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { BalancerProfile } from '../model/balancer-profile.js'
import { authorityOf } from '../../net/loopback.js'
import { onceClose } from '../../net/started.js'
import type { PeerOptions } from '../../peers/choose-provider.js'
import { describePeer } from '../../peers/describe-peer.js'
import { balancerProfileOf, startBalancerPeer } from '../../peers/start-balancer.js'
import type { PeerName } from '../../peers/types.js'
import { startReferenceBalancer } from '../../reference/proxy/index.js'
import type { StepVariant } from '../../reference/proxy/steps/index.js'
import type {
  BalancerInstance,
  PerCaseBalancer,
  RunEnvironment,
} from '../environment/environment.js'
import { balancerPlaceholders } from './placeholders.js'
import { startSpawned } from './spawn.js'
import type { StartedTarget } from './started-target.js'

/** How long the run-wide balancer instance may take to start. */
const RUN_WIDE_START_MS = 10_000

/**
 * The profile the reference's run-wide instance runs the HTTP suites with:
 * the declared one with nothing that could take its one backend out or send
 * token-less requests to the run's origin (passive and active checks), and
 * nothing that names other backends (weights, backups).
 */
export function runWideReferenceProfile(declared: BalancerProfile | undefined): BalancerProfile {
  if (declared === undefined) return { policy: 'round-robin' }
  const profile = { ...declared }
  delete profile.passive
  delete profile.active
  delete profile.weights
  delete profile.backup
  return profile
}

/**
 * The reference balancer (with `steps` replaced, for a variant) per
 * case: each case's profile, its backends, weights from the profile.
 */
export function referencePerCase(steps?: StepVariant): PerCaseBalancer {
  return {
    ownProfile: true,
    async start(input) {
      const profile = input.profile ?? { policy: 'round-robin' }
      const server = await startReferenceBalancer({
        primaries: input.primaries.map((p, i) => ({
          host: p.host,
          port: p.port,
          ...(profile.weights?.[i] === undefined ? {} : { weight: profile.weights[i] }),
        })),
        backups: input.backups.map((b) => ({ host: b.host, port: b.port })),
        profile,
        ...(steps === undefined ? {} : { steps }),
      })
      return {
        host: server.host,
        port: server.port,
        stderr: () => '',
        close: () => server.close(),
        [Symbol.asyncDispose]: () => server.close(),
      }
    },
  }
}

/**
 * The user's --spawn command per case: its placeholders rendered from the
 * case's backends and the profile in force, each also exported as
 * PROXYSPEC_<NAME>; {config_dir} is a private directory holding {profile}
 * (the profile JSON), removed when the instance stops.
 */
export function spawnPerCase(command: string, env: RunEnvironment): PerCaseBalancer {
  return {
    ownProfile: false,
    async start(input) {
      const configDir = await mkdtemp(join(tmpdir(), 'proxyspec-lb-'))
      const removeDir = (): Promise<void> => rm(configDir, { recursive: true, force: true })
      try {
        const profilePath = join(configDir, 'profile.json')
        await writeFile(profilePath, `${JSON.stringify(input.profile ?? {}, null, 2)}\n`)
        const values = balancerPlaceholders({
          origins: input.primaries.map((p) => authorityOf(p.host, p.port)),
          backups: input.backups.map((b) => authorityOf(b.host, b.port)),
          profile: input.profile,
          healthPath: input.healthPath,
          configDir,
          profilePath,
        })
        const started = await startSpawned(command, 'balancer', env, input.withinMs, { values })
        const close = onceClose(async () => {
          await started.close()
          await removeDir()
        })
        return {
          host: started.endpoint.host,
          port: started.endpoint.port,
          stderr: () => started.stderr(),
          ...(started.ended === undefined ? {} : { ended: started.ended }),
          close,
          [Symbol.asyncDispose]: close,
        }
      } catch (error) {
        await removeDir()
        throw error
      }
    },
  }
}

/** peer:NAME per case, through the peer's balancer config (harness/peers startBalancerPeer). */
export function peerPerCase(name: PeerName, options: PeerOptions): PerCaseBalancer {
  const declaredProfile = balancerProfileOf(name)
  return {
    ownProfile: false,
    ...(declaredProfile === undefined ? {} : { declaredProfile }),
    async start(input) {
      const peer = await startBalancerPeer(
        name,
        {
          origins: input.primaries,
          backups: input.backups,
          profile: input.profile ?? { policy: 'round-robin' },
          healthPath: input.healthPath,
        },
        options,
      )
      return {
        host: peer.host,
        port: peer.port,
        stderr: () => describePeer(peer),
        close: () => peer.close(),
        [Symbol.asyncDispose]: () => peer.close(),
      }
    },
  }
}

/**
 * A target in the balancer role: the run-wide instance (one primary, the
 * run's origin; `runWide` the profile it runs with) for the HTTP suites,
 * carrying `perCase` for the load-balancing cases.
 */
export async function startBalancerTarget(
  label: string,
  env: RunEnvironment,
  perCase: PerCaseBalancer,
  runWide: BalancerProfile | undefined,
): Promise<StartedTarget> {
  const instance: BalancerInstance = await perCase.start({
    primaries: [{ host: env.origin.host, port: env.origin.port }],
    backups: [],
    healthPath: '/healthz',
    profile: runWide,
    withinMs: RUN_WIDE_START_MS,
  })
  return {
    endpoint: { label, role: 'balancer', host: instance.host, port: instance.port, perCase },
    stderr: () => instance.stderr(),
    ...(instance.ended === undefined ? {} : { ended: instance.ended }),
    close: () => instance.close(),
    [Symbol.asyncDispose]: () => instance.close(),
  }
}
