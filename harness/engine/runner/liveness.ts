/**
 * Is the target still there? A process that dies closes its listening socket,
 * but a connection can still be accepted into the backlog in the instant
 * before, and the exit itself is seen a millisecond or two after its
 * connections reset. So, for a process the harness started, a probe
 * connection that is accepted is held for a short quiet period: a live target
 * keeps an idle connection open, a dying one resets it (then a second
 * connection is refused) or its process ends.
 */
import { connect, type Socket } from 'node:net'
import { raceTimeout } from '../../net/deadline.js'

/** How long an accepted probe connection must stay open for the target to count as alive. */
const LIFE_QUIET_MS = 100

type Attempt = { readonly kind: 'refused' | 'failed' } | { readonly kind: 'open'; socket: Socket }

/** One connection attempt, within a second; an attempt that times out is torn down. */
async function attempt(host: string, port: number): Promise<Attempt> {
  const socket = connect({ host, port })
  const outcome = await raceTimeout(
    'a probe connection',
    new Promise<Attempt>((resolve) => {
      socket.once('connect', () => resolve({ kind: 'open', socket }))
      socket.once('error', (error: NodeJS.ErrnoException) => {
        resolve({ kind: error.code === 'ECONNREFUSED' ? 'refused' : 'failed' })
      })
    }),
    1000,
  )
  if ('kind' in outcome && outcome.kind === 'open') return outcome
  socket.destroy()
  return 'waitingFor' in outcome ? { kind: 'failed' } : outcome
}

/**
 * True when the target at host:port has gone: it refuses connections, or (a
 * process of ours, whose end is `ended`) resets the one it accepted and then
 * refuses, or ends while the probe waits. Anything else, a slow or odd answer
 * included, counts as alive: a probe never takes a working target down.
 */
export async function probeDown(
  host: string,
  port: number,
  ended?: Promise<string>,
): Promise<boolean> {
  const first = await attempt(host, port)
  if (first.kind !== 'open') return first.kind === 'refused'
  const { socket } = first
  // Without a process to watch, an accepted connection is taken as life: a
  // crash caught in the act is then seen by the next case's refused connection.
  if (ended === undefined) {
    socket.destroy()
    return false
  }
  socket.on('error', () => undefined)
  const closed = new Promise<'closed'>((resolve) => socket.once('close', () => resolve('closed')))
  const outcome = await raceTimeout(
    'the probe connection to stay open',
    Promise.race([closed, ended.then(() => 'ended' as const)]),
    LIFE_QUIET_MS,
  )
  socket.destroy()
  if (outcome === 'ended') return true
  if (outcome !== 'closed') return false
  const second = await attempt(host, port)
  if (second.kind === 'open') second.socket.destroy()
  return second.kind === 'refused'
}

const STDERR_TAIL_LINES = 6
/** The line a crash report starts with: "TypeError: …", "panic: …", "Segmentation fault". */
const ERROR_LINE =
  /^(?:Uncaught )?[\w.]*(?:Error|Exception)\b|^(?:panic|fatal|FATAL|Fatal)\b|Segmentation fault|Aborted/

/**
 * The end of a stderr, for the crash line and the report: from the last line
 * that names an error (and a few frames after it), else the last few lines.
 */
export function stderrTail(stderr: string, lines = STDERR_TAIL_LINES): string {
  const recent = stderr
    .split('\n')
    .map((line) => line.trimEnd())
    .filter((line) => line !== '')
    .slice(-40)
  const at = recent.findLastIndex((line) => ERROR_LINE.test(line))
  return (at === -1 ? recent.slice(-lines) : recent.slice(at, at + lines)).join('\n')
}
