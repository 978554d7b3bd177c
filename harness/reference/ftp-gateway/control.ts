/**
 * The FTP client's sockets: the control connection (commands written through
 * the steps ftpCommandArgument and telnetEscape, replies read with readReply)
 * and passive data connections. Every wait has a deadline and ends early when
 * the HTTP client goes away (`signal`).
 */
import { connect, type Socket } from 'node:net'
import type { ConnectionTracker } from '../../net/connection-tracker.js'
import type { FtpGatewaySteps } from './steps.js'
import type { FtpFailure, FtpReply } from './types.js'

/** A failed FTP transaction, carrying why. */
export class FtpError extends Error {
  readonly failure: FtpFailure
  constructor(failure: FtpFailure) {
    super(failure.kind)
    this.failure = failure
    this.name = 'FtpError'
  }
}

/** What the sockets need: the steps, the deadline, the tracker, the client's going away. */
export interface FtpContext {
  readonly steps: FtpGatewaySteps
  readonly ftpTimeoutMs: number
  readonly tracker: ConnectionTracker
  readonly signal: AbortSignal
}

/** Opens a TCP connection within the connect deadline (`during` names it for errors). */
export function openSocket(
  host: string,
  port: number,
  ctx: FtpContext,
  during: string,
): Promise<Socket> {
  const ms = ctx.steps.timeout('connect', ctx.ftpTimeoutMs)
  return new Promise<Socket>((resolve, reject) => {
    if (ctx.signal.aborted) {
      reject(new FtpError({ kind: 'closed', during: 'the client went away' }))
      return
    }
    const socket = connect({ host, port, allowHalfOpen: true })
    ctx.tracker.add(socket)
    socket.setNoDelay(true)
    const finish = (error?: FtpError): void => {
      clearTimeout(timer)
      socket.off('connect', onConnect)
      socket.off('error', onError)
      ctx.signal.removeEventListener('abort', onAbort)
      if (error === undefined) {
        resolve(socket)
        return
      }
      socket.destroy()
      reject(error)
    }
    const onConnect = (): void => finish()
    const onError = (): void => finish(new FtpError({ kind: 'closed', during }))
    const onAbort = (): void =>
      finish(new FtpError({ kind: 'closed', during: 'the client went away' }))
    const timer = setTimeout(() => finish(new FtpError({ kind: 'timeout', during })), ms)
    socket.once('connect', onConnect)
    socket.once('error', onError)
    ctx.signal.addEventListener('abort', onAbort)
  })
}

/** A logged control connection: commands out, replies in (RFC 959 §4). */
export class FtpControl {
  readonly socket: Socket
  readonly #ctx: FtpContext
  #buffer: Buffer = Buffer.alloc(0)
  #ended = false
  #problem: string | undefined
  #wake: (() => void) | undefined

  private constructor(socket: Socket, ctx: FtpContext) {
    this.socket = socket
    this.#ctx = ctx
    socket.on('data', (chunk: Buffer) => {
      this.#buffer = Buffer.concat([this.#buffer, chunk])
      this.#wake?.()
    })
    socket.on('end', () => {
      this.#ended = true
      this.#wake?.()
    })
    socket.on('error', () => {
      this.#ended = true
      this.#wake?.()
    })
    socket.on('close', () => {
      this.#ended = true
      this.#wake?.()
    })
  }

  /** Connects to the FTP server (RFC 959 §5.4: the greeting is read by loginSequence). */
  static async open(host: string, port: number, ctx: FtpContext): Promise<FtpControl> {
    return new FtpControl(await openSocket(host, port, ctx, 'connecting to the FTP server'), ctx)
  }

  /** The address of the control connection's peer: the only host data connections go to (RFC 2428 §3). */
  get peerAddress(): string {
    return this.socket.remoteAddress ?? '127.0.0.1'
  }

  /** Whether the control connection can still carry a command. */
  get usable(): boolean {
    return !this.#ended && !this.socket.destroyed && this.#problem === undefined
  }

  /**
   * Writes `VERB[ argument]` CRLF (RFC 959 §4.1, §5.3). An argument the step
   * ftpCommandArgument refuses is never written (FtpError 'refused').
   */
  send(verb: string, argument?: Buffer): void {
    const steps = this.#ctx.steps
    const parts: Buffer[] = [Buffer.from(verb, 'latin1')]
    if (argument !== undefined) {
      const problem = steps.ftpCommandArgument(argument)
      if (problem !== undefined) throw new FtpError({ kind: 'refused', detail: problem })
      parts.push(Buffer.from(' '), steps.telnetEscape(argument))
    }
    parts.push(Buffer.from('\r\n'))
    if (this.socket.writable) this.socket.write(Buffer.concat(parts))
  }

  /** The next reply, within the reply deadline (FTP-21); FtpError on timeout, close or garbage. */
  async reply(during: string): Promise<FtpReply> {
    const ms = this.#ctx.steps.timeout('reply', this.#ctx.ftpTimeoutMs)
    const deadline = Date.now() + ms
    for (;;) {
      const read = this.#ctx.steps.readReply(this.#buffer)
      if (read !== undefined && 'reply' in read) {
        this.#buffer = this.#buffer.subarray(read.consumed)
        return read.reply
      }
      if (read !== undefined) {
        this.#problem = read.problem
        throw new FtpError({ kind: 'protocol', detail: read.problem })
      }
      if (this.#ended) throw new FtpError({ kind: 'closed', during })
      if (this.#ctx.signal.aborted)
        throw new FtpError({ kind: 'closed', during: 'the client went away' })
      const left = deadline - Date.now()
      if (left <= 0) throw new FtpError({ kind: 'timeout', during })
      await new Promise<void>((resolve) => {
        // At the deadline, bytes that already arrived are read first: after a
        // stalled event loop the timer and the reply are due together, and
        // the timers phase runs before the poll phase reads the socket.
        const timer = setTimeout(() => setImmediate(done), left)
        const signal = this.#ctx.signal
        function done(): void {
          clearTimeout(timer)
          signal.removeEventListener('abort', done)
          resolve()
        }
        this.#wake = done
        signal.addEventListener('abort', done)
      })
      this.#wake = undefined
    }
  }

  /** Sends a command and returns its first reply (a 1xx for a transfer command). */
  async command(verb: string, argument?: Buffer): Promise<FtpReply> {
    this.send(verb, argument)
    return this.reply(verb)
  }

  /** Sends a command and returns its final reply: a 1xx is followed by the final one (RFC 959 §5.4). */
  async final(verb: string, argument?: Buffer): Promise<FtpReply> {
    let reply = await this.command(verb, argument)
    for (let i = 0; i < 4 && reply.code < 200; i += 1) reply = await this.reply(verb)
    return reply
  }

  /** Sends a command whose final reply must be 2xx; else FtpError 'reply'. */
  async expectOk(verb: string, argument?: Buffer): Promise<FtpReply> {
    const reply = await this.final(verb, argument)
    if (reply.code < 200 || reply.code > 299)
      throw new FtpError({ kind: 'reply', command: verb, reply })
    return reply
  }
}
