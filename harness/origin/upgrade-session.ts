/**
 * What a case sees of one switched origin connection: every byte the target
 * sent after the 101 (the early ones first), the WebSocket messages and close
 * frame when the endpoint speaks WebSocket, and waits on them under a deadline.
 */
import type { Duplex } from 'node:stream'
import type { WebSocket } from 'ws'
import type { TimeoutValue } from '../net/deadline.js'
import { ChangeSignal } from '../tcp/wait-until.js'
import type { OriginRequest } from './types.js'
import type { SwitchedConnection } from './upgrade-types.js'

/** One WebSocket message the origin received. */
export interface ReceivedMessage {
  readonly data: Buffer
  readonly binary: boolean
}

export class SwitchedSession {
  readonly request: OriginRequest
  readonly conn: string
  /** Bytes after the request head that arrived before the origin answered (UPG-06: must be empty). */
  readonly early: Buffer
  readonly messages: ReceivedMessage[] = []
  /** The close frame the origin's WebSocket received (RFC 6455 §5.5.1). */
  closeFrame: { readonly code: number; readonly reason: string } | undefined
  /** The target sent FIN on this connection. */
  peerEnded = false
  /** The connection is gone. */
  closed = false
  readonly #chunks: Buffer[] = []
  readonly #changes = new ChangeSignal()
  readonly #stream: Duplex
  #ws: WebSocket | undefined

  constructor(switched: SwitchedConnection) {
    this.request = switched.request
    this.conn = switched.conn
    this.early = switched.early
    this.#stream = switched.stream
    if (switched.early.length > 0) this.#chunks.push(switched.early)
  }

  /** Every byte the target sent after the upgrade request's head (WebSocket frames as sent). */
  get received(): Buffer {
    return Buffer.concat(this.#chunks)
  }

  /** @internal the endpoint's hooks */
  noteBytes(chunk: Buffer): void {
    this.#chunks.push(chunk)
    this.#changes.notify()
  }

  /** @internal */
  noteChange(apply: (session: this) => void): void {
    apply(this)
    this.#changes.notify()
  }

  /** @internal */
  attach(ws: WebSocket): void {
    this.#ws = ws
  }

  /** Resolves with the first non-undefined `check`, re-tried on every event, or a TimeoutValue. */
  until<T>(what: string, check: () => T | undefined, timeoutMs: number): Promise<T | TimeoutValue> {
    return this.#changes.until(what, check, timeoutMs)
  }

  /** Sends a WebSocket message (ws endpoints), or raw bytes (byte endpoints). */
  send(data: Buffer | string): void {
    if (this.#ws !== undefined) this.#ws.send(data)
    else this.#stream.write(typeof data === 'string' ? Buffer.from(data, 'latin1') : data)
  }

  /** Starts the WebSocket close handshake (RFC 6455 §7.1.2), or sends FIN on a byte endpoint. */
  close(code = 1000, reason = ''): void {
    if (this.#ws !== undefined) this.#ws.close(code, reason)
    else this.#stream.end()
  }
}
