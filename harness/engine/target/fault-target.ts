/**
 * A target seen through the fault relay: the relay becomes the endpoint the
 * cases connect to, and forwards every connection to the real target. This is
 * how a whole run goes through a fault (the one-byte pass of
 * test-fixtures/fragmented) without a case knowing.
 */
import type { StartedTarget } from './started-target.js'
import { startFaultRelay } from '../../relay/fault-relay.js'
import type { FaultPlan } from '../../relay/fault-types.js'

/** `inner` behind a fault relay with `plan`; close() stops the relay, then `inner`. */
export async function throughFaultRelay(
  inner: StartedTarget,
  plan: FaultPlan,
  label = 'fault relay',
): Promise<StartedTarget> {
  const relay = await startFaultRelay({
    upstream: { host: inner.endpoint.host, port: inner.endpoint.port },
    plan,
  })
  const close = async (): Promise<void> => {
    await relay.close()
    await inner.close()
  }
  return {
    endpoint: {
      ...inner.endpoint,
      label: `${inner.endpoint.label} through ${label}`,
      host: relay.host,
      port: relay.port,
    },
    stderr: () => inner.stderr(),
    close,
    [Symbol.asyncDispose]: close,
  }
}

/** The plan of the one-byte pass: every byte toward the target its own write (the first 1 KiB of each connection). */
export const ONE_BYTE_PLAN: FaultPlan = {
  // Request heads are where one-read assumptions break, and the suites' heads fit in 1 KiB;
  // past it whole chunks keep megabyte bodies and tunnels within a case deadline.
  toUpstream: { fragmentBytes: 1, fragmentFirstBytes: 1024 },
}
