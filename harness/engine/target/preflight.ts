import { connect } from 'node:net'
import { raceTimeout } from '../../net/deadline.js'
import { HarnessError } from '../../net/errors.js'

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

const PREFLIGHT_PATH = '/proxyspec-preflight'

/** Non-printable bytes shown as \xNN, for a one-line reason. */
function printable(bytes: Buffer): string {
  return JSON.stringify(bytes.toString('latin1')).slice(1, -1)
}

/**
 * Sends one plain request the role implies (absolute-form to the origin for
 * a forward proxy, origin-form for a reverse one) and requires the first
 * bytes back to be an HTTP/1.x status line. A banner, garbage, a silent or
 * closing target is not an HTTP intermediary: the run stops at once with one
 * line instead of spending a deadline on every case.
 */
export async function assertSpeaksHttp(
  label: string,
  target: { readonly host: string; readonly port: number; readonly role: string },
  originAuthority: string,
  timeoutMs = 2500,
): Promise<void> {
  if (target.role !== 'forward' && target.role !== 'reverse') return
  const requestTarget =
    target.role === 'forward' ? `http://${originAuthority}${PREFLIGHT_PATH}` : PREFLIGHT_PATH
  const socket = connect({ host: target.host, port: target.port })
  let received = Buffer.alloc(0)
  const verdict = new Promise<string | undefined>((resolve) => {
    socket.once('connect', () => {
      socket.write(
        `GET ${requestTarget} HTTP/1.1\r\nHost: ${originAuthority}\r\nConnection: close\r\nUser-Agent: proxyspec-preflight\r\n\r\n`,
      )
    })
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]).subarray(0, 64)
      if (received.length < 5) return
      resolve(
        /^HTTP\/1\.[01] /.test(received.subarray(0, 9).toString('latin1')) ||
          received.subarray(0, 5).toString('latin1') === 'HTTP/'
          ? undefined
          : `it answered with bytes that are not HTTP: "${printable(received.subarray(0, 40))}"`,
      )
    })
    socket.once('end', () => {
      resolve(
        received.length === 0
          ? 'it closed the connection without answering a request'
          : `it answered "${printable(received)}" and closed`,
      )
    })
    socket.once('error', (error: NodeJS.ErrnoException) => {
      resolve(
        error.code === 'ECONNRESET'
          ? 'it reset the connection instead of answering a request'
          : `the connection failed: ${error.code ?? error.message}`,
      )
    })
  })
  const outcome = await raceTimeout('an HTTP response', verdict, timeoutMs)
  socket.destroy()
  if (outcome === undefined) return
  const reason =
    typeof outcome === 'string'
      ? outcome
      : received.length === 0
        ? `no response to a request within ${timeoutMs} ms`
        : `only "${printable(received)}" within ${timeoutMs} ms`
  throw new HarnessError(
    'HARNESS_TARGET_UNREACHABLE',
    `target ${label} does not look like an HTTP ${target.role} proxy: ${reason}`,
  )
}
