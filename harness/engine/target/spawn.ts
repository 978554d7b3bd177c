import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { createServer, connect } from 'node:net'
import type { Role } from '../model/roles.js'
import { pollUntil, raceTimeout } from '../../net/deadline.js'
import { HarnessError } from '../../net/errors.js'
import { listenLoopback } from '../../net/loopback.js'
import { onceClose } from '../../net/started.js'
import type { RunEnvironment } from '../environment/environment.js'
import { referenceConnectPorts } from './connect-ports.js'
import { ftpPlaceholders, placeholderEnv, substitutePlaceholders } from './placeholders.js'
import { X_IP } from '../environment/ftp.js'
import type { StartedTarget } from './started-target.js'

/** The newest 64 KiB are kept: a crash's stack trace is at the end. */
const MAX_STDERR = 64 * 1024

/** "exited with code 1", "was killed by SIGSEGV": how a process ended, for one line. */
export function describeExit(code: number | null, signal: NodeJS.Signals | null): string {
  return code !== null ? `exited with code ${code}` : `was killed by ${signal ?? 'a signal'}`
}

/**
 * A port for a process we cannot ask which port it bound: the one place the
 * harness picks a port ahead of time (the OS picks it; we release it and pass it on).
 */
async function reservePort(): Promise<number> {
  const server = createServer()
  const address = await listenLoopback(server)
  server.close()
  await once(server, 'close')
  return address.port
}

function onceEnded(stream: NodeJS.ReadableStream): Promise<void> {
  return new Promise((resolve) => {
    stream.once('end', resolve)
    stream.once('close', resolve)
    stream.once('error', () => {
      resolve()
    })
  })
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port })
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => {
      socket.destroy()
      resolve(false)
    })
  })
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return
  const exited = once(child, 'exit')
  const signal = (name: NodeJS.Signals): void => {
    try {
      process.kill(-(child.pid ?? 0), name) // the whole process group: sh and what it started
    } catch {
      child.kill(name)
    }
  }
  signal('SIGTERM')
  const outcome = await raceTimeout('the spawned target to exit', exited, 2000)
  if (Array.isArray(outcome)) return
  signal('SIGKILL')
  await raceTimeout('the spawned target to die', exited, 2000)
}

/** More placeholder values (the balancer role's), also exported as PROXYSPEC_<NAME>. */
export interface SpawnExtra {
  readonly values?: Readonly<Record<string, string>>
}

/**
 * Starts `command` through /bin/sh with the placeholders filled in, waits until
 * it accepts connections on {port}, and keeps its stderr for the report.
 */
export async function startSpawned(
  command: string,
  role: Role,
  env: RunEnvironment,
  readyTimeoutMs = 10_000,
  extra: SpawnExtra = {},
): Promise<StartedTarget> {
  const port = await reservePort()
  // Certificates are generated only for a command that names them.
  const corpus = /\{(ca|cert|key)\}/.test(command) ? await env.tls.origin.corpus() : undefined
  // The ftp-gateway role's values, also exported as PROXYSPEC_FTP_ORIGIN… like the balancer's.
  const ftp = env.ftp === undefined ? undefined : ftpPlaceholders({ ...env.ftp, xIp: X_IP })
  const exported =
    ftp === undefined && extra.values === undefined ? undefined : { ...ftp, ...extra.values }
  const line = substitutePlaceholders(command, {
    ...(corpus === undefined
      ? {}
      : {
          ca: corpus.ca.certPath,
          // Leaf and intermediate, leaf first: what a terminator is configured with.
          cert: corpus.leaf('via-intermediate').certPath,
          key: corpus.leaf('via-intermediate').keyPath,
        }),
    origin_tls: `${env.tls.name}:${env.tls.origin.port}`,
    port: String(port),
    origin: env.origin.authority,
    origin_url: env.origin.url,
    connect_ports: referenceConnectPorts(env).join(','),
    next_hop: env.tcp.nextHop.authority,
    ...(env.proxyAuth === undefined
      ? {}
      : { proxy_user: env.proxyAuth.user, proxy_pass: env.proxyAuth.pass }),
    ...exported,
  })
  const child = spawn('/bin/sh', ['-c', line], {
    detached: true,
    ...(exported === undefined
      ? {}
      : { env: { ...process.env, ...placeholderEnv({ port: String(port), ...exported }) } }),
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  let stderr = ''
  child.stderr?.setEncoding('utf8')
  child.stderr?.on('data', (text: string) => {
    stderr = (stderr + text).slice(-MAX_STDERR)
  })
  let closing = false
  const close = onceClose(() => {
    closing = true
    return stop(child)
  })
  // Ends by itself: a crash, unless we stopped it. Its stderr is read to the end first.
  const stderrEnd = child.stderr === null ? Promise.resolve() : onceEnded(child.stderr)
  const ended = new Promise<string>((resolve) => {
    child.once('exit', (code: number | null, signal: NodeJS.Signals | null) => {
      if (closing) return
      // A grandchild may hold the pipe open: its end is waited for, within a bound.
      void raceTimeout('the spawned target stderr to end', stderrEnd, 500).then(() => {
        resolve(describeExit(code, signal))
      })
    })
  })
  const exitedEarly = new Promise<boolean>((resolve) => child.once('exit', () => resolve(false)))
  child.once('error', () => undefined)
  const ready = await pollUntil(
    `the spawned target to listen on 127.0.0.1:${port}`,
    async () => (await Promise.race([canConnect(port), exitedEarly])) || child.exitCode !== null,
    { timeoutMs: readyTimeoutMs, intervalMs: 50 },
  )
  if (ready !== true || child.exitCode !== null || child.signalCode !== null) {
    await close()
    const last = stderr.trim().split('\n').pop() ?? ''
    const why =
      child.exitCode !== null
        ? `exited with code ${child.exitCode}`
        : `did not listen on 127.0.0.1:${port} within ${readyTimeoutMs} ms`
    throw new HarnessError(
      'HARNESS_SPAWN_FAILED',
      `spawned target ${why}${last === '' ? '' : `: ${last}`}`,
    )
  }
  return {
    endpoint: { label: `spawn: ${command}`, role, host: '127.0.0.1', port },
    stderr: () => stderr,
    ended,
    close,
    [Symbol.asyncDispose]: close,
  }
}
