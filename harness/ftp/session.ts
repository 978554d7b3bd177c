/**
 * One control connection: its login state and working directory, the command
 * queue (one command at a time, ABOR out of band during a transfer), and the
 * dispatch from a command to the case's script or the default handler.
 */
import type { Socket } from 'node:net'
import type { TranscriptRecorder } from '../net/transcript.js'
import { DEFAULT_HANDLERS, NO_LOGIN_NEEDED } from './commands.js'
import { ControlParser } from './control-parser.js'
import { DataChannel, type DataEnvironment } from './data-channel.js'
import type { FtpNode } from './fixtures.js'
import type { FtpLog } from './ftp-log.js'
import { finalCode, sendReply, type ControlSink } from './reply.js'
import type {
  FtpScript,
  PassiveScript,
  ReplySpec,
  TransferScript,
  VerbContext,
  VerbScript,
} from './script-types.js'
import type { FtpControlRecord, FtpCommand } from './types.js'

type Mutable<T> = { -readonly [K in keyof T]: T[K] }

export interface SessionEnvironment extends DataEnvironment {
  readonly tree: Map<string, FtpNode>
  readonly users: Readonly<Record<string, string>>
  readonly dataTimeoutMs: number
  readonly transcript: TranscriptRecorder | undefined
  script(): FtpScript
}

const TRANSFER_KEYS = ['data', 'preliminary', 'then', 'cutAfter', 'cut', 'accept', 'chunk']
const PASSIVE_KEYS = ['announceHost', 'announcePort', 'listen']

function hasAnyKey(value: unknown, keys: readonly string[]): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    !Buffer.isBuffer(value) &&
    keys.some((k) => k in value)
  )
}

export function isTransferScript(value: unknown): value is TransferScript {
  return hasAnyKey(value, TRANSFER_KEYS)
}

export function isPassiveScript(value: unknown): value is PassiveScript {
  return hasAnyKey(value, PASSIVE_KEYS)
}

export class Session {
  readonly conn: string
  readonly env: SessionEnvironment
  readonly record: Mutable<FtpControlRecord>
  readonly data: DataChannel
  type: 'A' | 'I' = 'A'
  restOffset = 0
  epsvAll = false
  pendingUser: string | undefined
  /** Set while a transfer runs: aborts it (ABOR, QUIT, close). */
  abortTransfer: (() => void) | undefined
  /** Resolves when the running (or last) transfer has ended. */
  transferEnded: Promise<void> = Promise.resolve()
  /** Lets a transfer register how to destroy its data socket on abort. */
  onDataSocket: ((destroy: () => void) => void) | undefined
  readonly #socket: Socket
  readonly #log: FtpLog
  readonly #parser: ControlParser
  readonly #queue: FtpCommand[] = []
  readonly #nth = new Map<string, number>()
  #running = false
  #stalled = false
  #gone = false

  constructor(socket: Socket, conn: string, env: SessionEnvironment, log: FtpLog) {
    this.conn = conn
    this.env = env
    this.#socket = socket
    this.#log = log
    this.record = log.openControl(conn, {
      address: (socket.remoteAddress ?? '').replace(/^::ffff:/, ''),
      port: socket.remotePort ?? 0,
    })
    this.data = new DataChannel(env, conn, this.record.peer.address)
    this.#parser = new ControlParser(() => env.script().telnet === true)
    socket.setNoDelay(true)
    socket.on('data', (chunk: Buffer) => this.#received(chunk))
    socket.on('end', () => {
      log.closeControl(this.record, 'peer', 'fin')
      if (!socket.destroyed) socket.end()
    })
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ECONNRESET') log.closeControl(this.record, 'peer', 'rst')
    })
    socket.on('close', () => {
      this.#gone = true
      const rest = this.#parser.rest()
      if (rest.length > 0) log.partial(conn, rest)
      log.closeControl(this.record, 'origin', 'fin')
      this.abortTransfer?.()
      this.data.reset()
    })
    env.transcript?.record({ hop: 'origin', conn, type: 'open', detail: 'ftp control' })
    void this.reply(env.script().greeting ?? '220 proxyspec FTP origin ready')
  }

  get user(): string | undefined {
    return this.record.user
  }

  get loggedIn(): boolean {
    return this.record.loggedIn
  }

  get cwd(): string {
    return this.record.cwd
  }

  set cwd(path: string) {
    this.record.cwd = path
  }

  login(user: string): void {
    this.record.user = user
    this.record.loggedIn = true
  }

  logout(): void {
    this.record.loggedIn = false
  }

  #sink(): ControlSink {
    return {
      conn: this.conn,
      isGone: () => this.#gone || this.#socket.destroyed,
      write: (bytes) =>
        new Promise<void>((resolve) => {
          if (this.#gone || this.#socket.destroyed) {
            resolve()
            return
          }
          this.env.transcript?.record({
            hop: 'origin',
            conn: this.conn,
            type: 'data',
            dir: 'to-target',
            data: bytes,
          })
          this.#socket.write(bytes, () => resolve())
        }),
      end: (how) => {
        this.#log.closeControl(this.record, 'origin', how === 'rst' ? 'rst' : 'fin')
        if (how === 'rst') this.#socket.resetAndDestroy()
        else this.#socket.end()
      },
      stall: () => {
        this.#stalled = true
      },
      wait: (ms) => this.env.timers.wait(ms),
      sent: (bytes) => this.#log.reply(this.conn, bytes),
      pending: (delta) => {
        this.#log.pending += delta
        if (delta < 0) this.#log.changes.notify()
      },
    }
  }

  /** Sends a reply with the script's latency. */
  reply(spec: ReplySpec): Promise<void> {
    return sendReply(this.#sink(), spec, this.env.script().latencyMs ?? 0)
  }

  /** The origin is closing: record it as a shutdown, then destroy. */
  shutdown(): void {
    this.#log.closeControl(this.record, 'origin', 'shutdown')
    this.#socket.destroy()
  }

  /** Ends the control connection (QUIT). */
  quit(): void {
    this.#sink().end('close')
  }

  #received(chunk: Buffer): void {
    this.#log.controlReceived(this.record, chunk)
    this.env.transcript?.record({
      hop: 'origin',
      conn: this.conn,
      type: 'data',
      dir: 'from-target',
      data: chunk,
    })
    for (const line of this.#parser.push(chunk)) {
      const text = line.text.toString('latin1')
      const space = text.indexOf(' ')
      const command = this.#log.command({
        conn: this.conn,
        verb: (space < 0 ? text : text.slice(0, space)).toUpperCase(),
        arg: space < 0 ? '' : text.slice(space + 1),
        raw: line.raw,
        crlf: line.crlf,
        telnet: line.telnet,
        at: performance.now(),
      })
      if (this.#stalled) continue
      if (command.verb === 'ABOR' && this.abortTransfer !== undefined) {
        void this.#handle(command)
        continue
      }
      this.#queue.push(command)
    }
    void this.#drain()
  }

  async #drain(): Promise<void> {
    if (this.#running) return
    this.#running = true
    try {
      for (let next = this.#queue.shift(); next !== undefined; next = this.#queue.shift()) {
        if (this.#gone || this.#stalled) return
        await this.#handle(next)
      }
    } finally {
      this.#running = false
    }
  }

  async #handle(command: FtpCommand): Promise<void> {
    const { verb, arg } = command
    const nth = (this.#nth.get(verb) ?? 0) + 1
    this.#nth.set(verb, nth)
    const script = this.env.script()
    let entry: VerbScript | undefined =
      (script as Readonly<Record<string, VerbScript | undefined>>)[verb] ?? script.other?.[verb]
    if (verb === 'other' || verb === 'GREETING') entry = undefined
    if (typeof entry === 'function') {
      const context: VerbContext = {
        conn: this.conn,
        verb,
        arg,
        nth,
        user: this.user,
        loggedIn: this.loggedIn,
        cwd: this.cwd,
        type: this.type,
      }
      entry = entry(context)
      if (typeof entry === 'function') entry = undefined
    }
    const transfer = isTransferScript(entry) ? entry : undefined
    const passive = isPassiveScript(entry) ? entry : undefined
    if (entry !== undefined && transfer === undefined && passive === undefined) {
      const spec = entry as ReplySpec
      if (finalCode(spec) === '230') this.login(verb === 'USER' ? arg : (this.pendingUser ?? arg))
      if (verb === 'USER') this.pendingUser = arg
      await this.reply(spec)
      return
    }
    const handler = DEFAULT_HANDLERS[verb]
    if (handler === undefined) {
      await this.reply('502 Command not implemented.')
      return
    }
    if (!this.loggedIn && !NO_LOGIN_NEEDED.has(verb)) {
      await this.reply('530 Please login with USER and PASS.')
      return
    }
    await handler(this, arg, transfer ?? passive)
  }
}
