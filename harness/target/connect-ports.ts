import type { RunEnvironment } from '../runner/environment.js'

/** Ports the built-in reference tunnels to: 443 as a real proxy would, plus the run's CONNECT targets. */
export function referenceConnectPorts(env: RunEnvironment): number[] {
  return [443, ...env.tcp.ports]
}
