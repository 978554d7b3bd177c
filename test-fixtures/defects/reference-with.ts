import type { Role } from '../../harness/engine/model/roles.js'
import type { ProxyDefect } from '../../harness/reference/proxy/defects.js'
import { startTlsTerminator } from '../../harness/reference/gateway/index.js'
import { startReferenceProxy } from '../../harness/reference/proxy/index.js'
import type { RunEnvironment } from '../../harness/engine/environment/environment.js'
import { referenceConnectPorts } from '../../harness/engine/target/connect-ports.js'
import type { StartedTarget } from '../../harness/engine/target/started-target.js'
import type { StepVariant } from '../../harness/reference/proxy/steps/index.js'
import type { SeededDefect } from './types.js'
import { variantOf } from './variants/index.js'

/**
 * The built-in reference proxy in `role` with one defect switched on: forward
 * mode for forward and tunnel (its CONNECT path is the tunnel, as
 * harness/engine/target/builtin.ts plays it), reverse otherwise, and for
 * tls-terminator the reference TLS terminator with the defect in the reverse
 * proxy behind it. `chained` sends every CONNECT on through the run's next
 * hop, as the built-in does.
 */
export async function referenceWith(
  defect: ProxyDefect,
  role: Role,
  env: RunEnvironment,
  options: { readonly chained?: boolean } = {},
): Promise<StartedTarget> {
  if (role === 'tls-terminator') return terminatorWith(defect, env)
  const { nextHop } = env.tcp
  const server = await startReferenceProxy({
    mode: role === 'forward' || role === 'tunnel' ? 'forward' : 'reverse',
    upstream: { host: env.origin.host, port: env.origin.port },
    connectPorts: referenceConnectPorts(env),
    ...(options.chained === true ? { nextHop: { host: nextHop.host, port: nextHop.port } } : {}),
    defect,
    ...stepsOf(defect),
  })
  const close = (): Promise<void> => server.close()
  return {
    endpoint: { label: `defect:${defect}`, role, host: server.host, port: server.port },
    stderr: () => '',
    close,
    [Symbol.asyncDispose]: close,
  }
}

/** The pipeline variant seeding `defect` (test-fixtures/defects/variants), as options. */
function stepsOf(defect: string): { readonly steps?: StepVariant } {
  const variant = variantOf(defect)
  return variant === undefined ? {} : { steps: variant }
}
function proxyStepsOf(defect: string): { readonly proxySteps?: StepVariant } {
  const variant = variantOf(defect)
  return variant === undefined ? {} : { proxySteps: variant }
}

/** The reference TLS terminator (as builtin:reference plays it) over the reverse proxy with `defect`. */
async function terminatorWith(defect: ProxyDefect, env: RunEnvironment): Promise<StartedTarget> {
  const leaf = (await env.tls.origin.corpus()).leaf('via-intermediate')
  const gateway = await startTlsTerminator({
    upstream: { host: env.origin.host, port: env.origin.port },
    cert: leaf.cert,
    key: leaf.key,
    proxyDefect: defect,
    ...proxyStepsOf(defect),
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
  name: ProxyDefect,
  description: string,
  killedBy: readonly [string, ...string[]],
  roles: SeededDefect['roles'] = ['forward', 'reverse'],
  options: { readonly chained?: boolean } = {},
): SeededDefect {
  return {
    name,
    description,
    killedBy,
    roles,
    behindTls: true,
    start: (role, env) => referenceWith(name, role, env, options),
  }
}
