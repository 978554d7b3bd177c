/**
 * N harness origins at once, for load-balancer cases (catalog §12.2.1):
 * primaries O1…On and backups B1…Bm, each its own backend on its own
 * loopback port.
 */
import { HarnessError } from '../net/errors.js'
import { onceClose } from '../net/started.js'
import { startBackend, type StartedBackend } from './backend.js'
import type { BackendsOptions, StartedBackends } from './types.js'

/**
 * Starts the backends and resolves once all of them listen. close() stops
 * every one (idempotent, never throws).
 *
 * @example
 * await using backends = await startBackends({ primaries: 3, backups: 1 })
 * backends.primaries[1]?.health(503)
 * const seen = await backends.primaries[0]?.waitForRequests(5, deadline)
 */
export async function startBackends(options: BackendsOptions = {}): Promise<StartedBackends> {
  const primaries = options.primaries ?? 3
  const backups = options.backups ?? 0
  const healthPath = options.healthPath ?? '/healthz'
  const host = options.host ?? '127.0.0.1'
  if (!Number.isInteger(primaries) || !Number.isInteger(backups) || primaries < 1 || backups < 0) {
    throw new HarnessError(
      'HARNESS_BAD_INPUT',
      `backends: ${primaries} primaries, ${backups} backups`,
    )
  }
  if (!healthPath.startsWith('/')) {
    throw new HarnessError('HARNESS_BAD_INPUT', `health path must start with '/': ${healthPath}`)
  }
  const names = [
    ...Array.from({ length: primaries }, (_, i) => `O${i + 1}`),
    ...Array.from({ length: backups }, (_, i) => `B${i + 1}`),
  ]
  const started = await Promise.allSettled(
    names.map((name) => startBackend({ name, host, healthPath })),
  )
  const all = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []))
  const failed = started.find((result) => result.status === 'rejected')
  if (failed !== undefined) {
    await Promise.all(all.map((backend) => backend.close()))
    throw failed.reason
  }
  const close = onceClose(async () => {
    await Promise.all(all.map((backend: StartedBackend) => backend.close()))
  })
  const primaryList = all.slice(0, primaries)
  const backupList = all.slice(primaries)
  return {
    primaries: primaryList,
    backups: backupList,
    all,
    healthPath,
    origins: primaryList.map((b) => b.authority).join(','),
    backup: backupList.map((b) => b.authority).join(','),
    byName: (name) => all.find((backend) => backend.name === name),
    close,
    [Symbol.asyncDispose]: close,
  }
}
