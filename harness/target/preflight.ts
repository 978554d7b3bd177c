import { connect } from 'node:net'
import { raceTimeout } from '../net/deadline.js'
import { HarnessError } from '../net/errors.js'

/**
 * Checks that something accepts TCP connections at the target before any case
 * runs, so an unreachable target costs one short wait and one clear line,
 * not a deadline per case.
 */
export async function assertReachable(
  label: string,
  host: string,
  port: number,
  timeoutMs = 2000,
): Promise<void> {
  const socket = connect({ host, port })
  const attempt = new Promise<string | undefined>((resolve) => {
    socket.once('connect', () => {
      resolve(undefined)
    })
    socket.once('error', (error: NodeJS.ErrnoException) => {
      resolve(error.code === 'ECONNREFUSED' ? 'connection refused' : (error.code ?? error.message))
    })
  })
  const outcome = await raceTimeout('a TCP connection', attempt, timeoutMs)
  socket.destroy()
  if (outcome === undefined) return
  const reason = typeof outcome === 'string' ? outcome : `no answer within ${timeoutMs} ms`
  throw new HarnessError(
    'HARNESS_TARGET_UNREACHABLE',
    `cannot reach target ${label} at ${host}:${port}: ${reason}`,
  )
}
