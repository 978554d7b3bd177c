import type { Role } from '../../harness/model/roles.js'
import type { ProxyDefect } from '../../harness/proxy/defects.js'
import { startReferenceProxy } from '../../harness/proxy/index.js'
import type { RunEnvironment } from '../../harness/runner/environment.js'
import { referenceConnectPorts } from '../../harness/target/connect-ports.js'
import type { StartedTarget } from '../../harness/target/started-target.js'

/** The built-in reference proxy in `role` with one defect switched on. */
export async function referenceWith(
  defect: ProxyDefect,
  role: Role,
  env: RunEnvironment,
): Promise<StartedTarget> {
  const server = await startReferenceProxy({
    mode: role === 'forward' ? 'forward' : 'reverse',
    upstream: { host: env.origin.host, port: env.origin.port },
    connectPorts: referenceConnectPorts(env),
    defect,
  })
  const close = (): Promise<void> => server.close()
  return {
    endpoint: { label: `defect:${defect}`, role, host: server.host, port: server.port },
    stderr: () => '',
    close,
    [Symbol.asyncDispose]: close,
  }
}
