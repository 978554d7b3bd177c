import type { Role } from '../../harness/engine/model/roles.js'
import { startTlsTerminator } from '../../harness/reference/gateway/index.js'
import { startReferenceProxy } from '../../harness/reference/proxy/index.js'
import type { RunEnvironment } from '../../harness/engine/environment/environment.js'
import { referenceConnectPorts } from '../../harness/engine/target/connect-ports.js'
import type { StartedTarget } from '../../harness/engine/target/started-target.js'
import type { StepVariant } from '../../harness/reference/proxy/steps/index.js'
import type { SeededDefect } from './types.js'
import type { H2StepVariant } from '../../harness/reference/h2-front/index.js'

/** How the reference is started for a defect. */
export interface ReferenceOptions {
  /** Every CONNECT goes on through the run's next hop, as the built-in does. */
  readonly chained?: boolean
  /** The steps of the pipeline the defect replaces (harness/reference/proxy/steps). */
  readonly steps?: StepVariant | undefined
  /** The steps of the h2 front the defect replaces (harness/reference/h2-front/steps). */
  readonly h2Steps?: H2StepVariant | undefined
}

/**
 * A seeded defect of the reference proxy: the cases that must catch it, and
 * the bug itself, as the steps of the reference pipeline it replaces.
 */
export interface ProxyDefectEntry extends SeededDefect {
  /** The steps it replaces (harness/reference/proxy/steps/index.ts). */
  readonly steps?: StepVariant | undefined
  /**
   * This defect, built by replacing steps: `variant` gets the reference steps
   * and returns its replacements, which may call the step they wrap.
   */
  replacing(variant: StepVariant): ProxyDefectEntry
}

/** An entry whose start() gets the entry's variant; replacing() makes a copy with another. */
export function defectEntry(
  fields: Omit<SeededDefect, 'start'>,
  start: (
    steps: StepVariant | undefined,
    role: Role,
    env: RunEnvironment,
  ) => Promise<StartedTarget>,
  steps?: StepVariant,
): ProxyDefectEntry {
  return {
    ...fields,
    steps,
    start: (role, env) => start(steps, role, env),
    replacing: (variant) => defectEntry(fields, start, variant),
  }
}

/**
 * The built-in reference proxy in `role` with one defect switched on: forward
 * mode for forward and tunnel (its CONNECT path is the tunnel, as
 * harness/engine/target/builtin.ts plays it), reverse otherwise, and for
 * tls-terminator the reference TLS terminator with the defect in the reverse
 * proxy behind it. `chained` sends every CONNECT on through the run's next
 * hop, as the built-in does.
 */
export async function referenceWith(
  defect: string,
  role: Role,
  env: RunEnvironment,
  options: ReferenceOptions = {},
): Promise<StartedTarget> {
  if (role === 'tls-terminator') return terminatorWith(defect, env, options.steps, options.h2Steps)
  const { nextHop } = env.tcp
  const server = await startReferenceProxy({
    mode: role === 'forward' || role === 'tunnel' ? 'forward' : 'reverse',
    upstream: { host: env.origin.host, port: env.origin.port },
    connectPorts: referenceConnectPorts(env),
    ...(options.chained === true ? { nextHop: { host: nextHop.host, port: nextHop.port } } : {}),
    ...(options.steps === undefined ? {} : { steps: options.steps }),
    ...(options.h2Steps === undefined ? {} : { h2Steps: options.h2Steps }),
  })
  const close = (): Promise<void> => server.close()
  return {
    endpoint: { label: `defect:${defect}`, role, host: server.host, port: server.port },
    stderr: () => '',
    close,
    [Symbol.asyncDispose]: close,
  }
}

/** The reference TLS terminator (as builtin:reference plays it) over the reverse proxy with `defect`. */
async function terminatorWith(
  defect: string,
  env: RunEnvironment,
  steps: StepVariant | undefined,
  h2Steps?: H2StepVariant,
): Promise<StartedTarget> {
  const leaf = (await env.tls.origin.corpus()).leaf('via-intermediate')
  const gateway = await startTlsTerminator({
    upstream: { host: env.origin.host, port: env.origin.port },
    cert: leaf.cert,
    key: leaf.key,
    ...(steps === undefined ? {} : { proxySteps: steps }),
    ...(h2Steps === undefined ? {} : { proxyH2Steps: h2Steps }),
  })
  const close = (): Promise<void> => gateway.close()
  return {
    endpoint: {
      label: `defect:${defect}`,
      role: 'tls-terminator',
      host: gateway.host,
      port: gateway.port,
    },
    stderr: () => '',
    close,
    [Symbol.asyncDispose]: close,
  }
}

/**
 * A seeded defect of the reference proxy, started in each of `roles` for the
 * cases in `killedBy`; one that runs in the reverse role also runs behind the
 * reference TLS terminator (`behindTls`), for the killedBy cases that apply there.
 */
export function proxyDefect(
  name: string,
  description: string,
  killedBy: readonly [string, ...string[]],
  roles: SeededDefect['roles'] = ['forward', 'reverse'],
  options: { readonly chained?: boolean } = {},
): ProxyDefectEntry {
  return defectEntry({ name, description, killedBy, roles, behindTls: true }, (steps, role, env) =>
    referenceWith(name, role, env, { ...options, steps }),
  )
}
