/**
 * The harness FTP origin (FO of requirements §13.1.2): a scripted FTP server on
 * node:net that records every byte and connection and plays any reply on cue.
 *
 * @example
 * await using origin = await startFtpOrigin()
 * origin.script({ SIZE: '213 3', RETR: { cutAfter: 1000, cut: 'rst', then: null } })
 * // … point the gateway at ftp://${origin.authority}/pub/f.bin …
 * const retr = await origin.waitForCommand('RETR', { timeoutMs: ctx.remainingMs() })
 * const evidence = origin.transcript()
 */
import { createServer, type Server, type Socket } from 'node:net'
import { HarnessError } from '../net/errors.js'
import { authorityOf, listenLoopback } from '../net/loopback.js'
import { onceClose } from '../net/started.js'
import { buildTree } from './fixtures.js'
import { FtpLog } from './ftp-log.js'
import { Timers } from './later.js'
import type { FtpScript } from './script-types.js'
import { Session, type SessionEnvironment } from './session.js'
import { renderTranscript } from './transcript.js'
import type { FtpOrigin, FtpOriginOptions } from './types.js'

export const DEFAULT_USERS: Readonly<Record<string, string>> = { alice: 'S3cretPW' }

export async function startFtpOrigin(options: FtpOriginOptions = {}): Promise<FtpOrigin> {
  const host = options.host ?? '127.0.0.1'
  if (host !== '127.0.0.1' && host !== '::1')
    throw new HarnessError(
      'HARNESS_NOT_LOOPBACK',
      `the FTP origin binds 127.0.0.1 or ::1, not ${String(host)}`,
    )
  const log = new FtpLog()
  const timers = new Timers()
  const sockets = new Set<Socket>()
  const servers = new Set<Server>()
  const sessions = new Set<Session>()
  const prefix = options.connPrefix ?? 'f'
  let current: FtpScript = options.script ?? {}
  let count = 0

  const env: SessionEnvironment = {
    log,
    timers,
    host,
    tree: buildTree(options.files),
    users: options.users ?? DEFAULT_USERS,
    dataTimeoutMs: options.dataTimeoutMs ?? 10_000,
    transcript: options.transcript,
    script: () => current,
    track(item) {
      if ('remoteAddress' in item) {
        sockets.add(item)
        item.on('error', () => undefined)
        item.once('close', () => sockets.delete(item))
      } else {
        servers.add(item)
        item.once('close', () => servers.delete(item))
      }
    },
    allowed: (address, controlPeer) => current.dataFrom === 'anyone' || address === controlPeer,
  }

  const server = createServer((socket) => {
    count += 1
    env.track(socket)
    const session = new Session(socket, `${prefix}${count}`, env, log)
    sessions.add(session)
    socket.once('close', () => sessions.delete(session))
  })
  const address = await listenLoopback(server, host)

  const close = onceClose(async () => {
    timers.clearAll()
    for (const session of sessions) session.shutdown()
    for (const socket of sockets) socket.destroy()
    const closing = [server, ...servers].map(
      (s) => new Promise<void>((resolve) => (s.listening ? s.close(() => resolve()) : resolve())),
    )
    await Promise.all(closing)
    timers.clearAll()
  })

  return {
    host: address.address,
    port: address.port,
    authority: authorityOf(address.address, address.port),
    script(script) {
      current = script
    },
    get controls() {
      return [...log.controls]
    },
    get commands() {
      return [...log.commands]
    },
    get replies() {
      return [...log.replies]
    },
    get dataConnections() {
      return [...log.data]
    },
    get stored() {
      return [...log.stored]
    },
    commandsOf: (verb, conn) =>
      log.commands.filter(
        (c) => c.verb === verb.toUpperCase() && (conn === undefined || c.conn === conn),
      ),
    waitForCommand: (match, opts) => log.waitForCommand(match, opts),
    waitForConnection: (opts) => log.waitForConnection(opts.timeoutMs, opts.from),
    waitForQuit: (conn, opts) =>
      log.waitForCommand('QUIT', {
        timeoutMs: opts.timeoutMs,
        ...(conn === undefined ? {} : { conn }),
      }),
    waitForControlClose: (conn, opts) => log.waitForControlClose(conn, opts.timeoutMs),
    waitForDataClosed: (id, opts) => log.waitForDataClosed(id, opts.timeoutMs),
    idle: (opts) => log.idle(opts.timeoutMs),
    transcript: (opts) => renderTranscript(log.events, log.startedAt, opts),
    close,
    [Symbol.asyncDispose]: close,
  }
}
