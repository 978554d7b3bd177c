import { connect, createServer } from 'node:net'
import { once } from 'node:events'
import { pollUntil } from '../net/deadline.js'
import { listenLoopback } from '../net/loopback.js'

/**
 * A port for a peer we cannot ask which port it bound: the OS picks it, we
 * release it and write it into the peer's config.
 */
export async function reservePort(): Promise<number> {
  const server = createServer()
  const address = await listenLoopback(server)
  server.close()
  await once(server, 'close')
  return address.port
}

export function canConnect(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port })
    socket.setTimeout(1000)
    const done = (ok: boolean): void => {
      socket.destroy()
      resolve(ok)
    }
    socket.once('connect', () => done(true))
    socket.once('error', () => done(false))
    socket.once('timeout', () => done(false))
  })
}

/**
 * Polls until the peer accepts connections (there is no event to wait for
 * from a process we did not write), or it exits, or the deadline passes.
 * Resolves with why it is not ready, or undefined once it is.
 */
export async function waitForPort(
  host: string,
  port: number,
  timeoutMs: number,
  hasExited: () => string | undefined,
): Promise<string | undefined> {
  let exited: string | undefined
  const ready = await pollUntil(
    `the peer to listen on ${host}:${port}`,
    async () => {
      exited = hasExited()
      return exited !== undefined || (await canConnect(host, port))
    },
    { timeoutMs, intervalMs: 50 },
  )
  if (exited !== undefined) return exited
  return ready === true ? undefined : `did not listen on ${host}:${port} within ${timeoutMs} ms`
}
