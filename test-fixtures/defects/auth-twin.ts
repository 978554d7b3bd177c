// Seeded defects of proxy authentication (CONNECT-10, HOP-10): the reference
// with one defect, plus an auth twin with the same defect that requires
// credentials, as builtin:reference is started (harness/engine/target/builtin.ts):
// the auth cases go to the twin, every other case to the first.
import type { Role } from '../../harness/engine/model/roles.js'
import { startReferenceProxy } from '../../harness/reference/proxy/index.js'
import type { RunEnvironment } from '../../harness/engine/environment/environment.js'
import { referenceConnectPorts } from '../../harness/engine/target/connect-ports.js'
import type { StartedTarget } from '../../harness/engine/target/started-target.js'
import type { StepVariant } from '../../harness/reference/proxy/steps/index.js'
import { defectEntry, referenceWith, type ProxyDefectEntry } from './reference-with.js'
import type { SeededDefect } from './types.js'

/** The twin's credentials: a colon in the password (RFC 7617 §2 allows it), for 'splits-credentials-at-last-colon'. */
const CREDENTIALS = { user: 'proxyspec', pass: 'kill:matrix' }

async function withAuthTwin(
  defect: string,
  steps: StepVariant | undefined,
  role: Role,
  env: RunEnvironment,
): Promise<StartedTarget> {
  const main = await referenceWith(defect, role, env, { chained: true, steps })
  // The run's declared credentials when it has some (the redaction test), else the fixed ones.
  const credentials = env.proxyAuth ?? CREDENTIALS
  const twin = await startReferenceProxy({
    mode: 'forward',
    connectPorts: referenceConnectPorts(env),
    nextHop: { host: env.tcp.nextHop.host, port: env.tcp.nextHop.port },
    proxyAuth: credentials,
    ...(steps === undefined ? {} : { steps }),
  }).catch(async (error: unknown) => {
    await main.close()
    throw error
  })
  const close = async (): Promise<void> => {
    await Promise.all([main.close(), twin.close()])
  }
  return {
    endpoint: {
      ...main.endpoint,
      proxyAuth: { credentials, host: twin.host, port: twin.port },
    },
    stderr: () => '',
    close,
    [Symbol.asyncDispose]: close,
  }
}

/** A proxy-authentication defect, started with its auth twin in each of `roles`. */
export function authDefect(
  name: string,
  description: string,
  killedBy: readonly [string, ...string[]],
  roles: SeededDefect['roles'] = ['forward', 'tunnel'],
): ProxyDefectEntry {
  return defectEntry({ name, description, killedBy, roles }, (steps, role, env) =>
    withAuthTwin(name, steps, role, env),
  )
}
