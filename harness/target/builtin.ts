import type { Role } from '../model/roles.js'
import { HarnessError } from '../net/errors.js'
import { startReferenceProxy } from '../proxy/index.js'
import { startBlindRelay } from '../relay/index.js'
import type { RunEnvironment } from '../runner/environment.js'
import { referenceConnectPorts } from './connect-ports.js'
import type { StartedTarget } from './started-target.js'
import { BUILTIN_ROLES, type BuiltinName } from './target-spec.js'

/** Starts a built-in intermediary in one role, pointed at the run's origin. */
export async function startBuiltin(
  name: BuiltinName,
  role: Role,
  env: RunEnvironment,
): Promise<StartedTarget> {
  if (!BUILTIN_ROLES[name].includes(role)) {
    throw new HarnessError(
      'HARNESS_BAD_INPUT',
      `builtin:${name} cannot play the ${role} role (it plays ${BUILTIN_ROLES[name].join(', ')})`,
    )
  }
  const mode = role === 'forward' ? 'forward' : 'reverse'
  const upstream = { host: env.origin.host, port: env.origin.port }
  const server =
    name === 'reference'
      ? await startReferenceProxy({ mode, upstream, connectPorts: referenceConnectPorts(env) })
      : await startBlindRelay({ mode, upstream })
  return {
    endpoint: { label: `builtin:${name}`, role, host: server.host, port: server.port },
    stderr: () => '',
    close: () => server.close(),
    [Symbol.asyncDispose]: () => server.close(),
  }
}
