import type { RunEnvironment } from '../environment/environment.js'

/**
 * Ports the built-in reference tunnels to: 443 as a real proxy would, plus the
 * run's CONNECT targets and its TLS origin (a TLS server behind a tunnel: the
 * tunnel-integrity case compares its certificate at both ends).
 */
export function referenceConnectPorts(env: RunEnvironment): number[] {
  return [443, ...env.tcp.ports, env.tls.origin.port]
}
