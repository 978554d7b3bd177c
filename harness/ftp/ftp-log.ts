/**
 * Everything the FTP origin saw and did, as data, with waits that resolve on
 * the event that proves them (a command arrived, a socket closed) under a
 * deadline. Sessions write here; the origin's handle reads.
 */
import { isTimeout, type TimeoutValue } from '../net/deadline.js'
import { ChangeSignal } from '../tcp/wait-until.js'
import type {
  CommandWaitOptions,
  FtpCommand,
  FtpControlRecord,
  FtpDataRecord,
  FtpReplyRecord,
  FtpStoredFile,
  Peer,
} from './types.js'

const MAX_CONTROL_BYTES = 1024 * 1024
const MAX_DATA_HEAD = 64 * 1024

type Mutable<T> = { -readonly [K in keyof T]: T[K] }

/** One line of the transcript: bytes in, bytes out, or a note. */
export interface LogEvent {
  readonly at: number
  readonly conn: string
  readonly dir: 'in' | 'out' | 'note'
  readonly bytes?: Buffer
  readonly note?: string
}

export class FtpLog {
  readonly startedAt = performance.now()
  readonly controls: Mutable<FtpControlRecord>[] = []
  readonly commands: FtpCommand[] = []
  readonly replies: FtpReplyRecord[] = []
  readonly data: Mutable<FtpDataRecord>[] = []
  readonly stored: FtpStoredFile[] = []
  readonly events: LogEvent[] = []
  readonly changes = new ChangeSignal()
  /** Replies scheduled but not yet written (delays, latency). */
  pending = 0

  openControl(id: string, peer: Peer): Mutable<FtpControlRecord> {
    const record: Mutable<FtpControlRecord> = {
      id,
      peer,
      openedAt: performance.now(),
      received: Buffer.alloc(0),
      receivedBytes: 0,
      sentBytes: 0,
      loggedIn: false,
      cwd: '/',
    }
    this.controls.push(record)
    this.note(id, `control open from ${peer.address}:${peer.port}`)
    return record
  }

  controlReceived(record: Mutable<FtpControlRecord>, chunk: Buffer): void {
    record.receivedBytes += chunk.length
    if (record.received.length < MAX_CONTROL_BYTES)
      record.received = Buffer.concat([
        record.received,
        chunk.subarray(0, MAX_CONTROL_BYTES - record.received.length),
      ])
  }

  command(entry: Omit<FtpCommand, 'index'>): FtpCommand {
    const command: FtpCommand = { ...entry, index: this.commands.length }
    this.commands.push(command)
    this.events.push({ at: entry.at, conn: entry.conn, dir: 'in', bytes: entry.raw })
    this.changes.notify()
    return command
  }

  /** Bytes received that never became a line (the connection closed mid-line). */
  partial(conn: string, bytes: Buffer): void {
    this.events.push({ at: performance.now(), conn, dir: 'in', bytes })
  }

  reply(conn: string, raw: Buffer): void {
    const at = performance.now()
    const code = /^\d{3}/.exec(raw.toString('latin1'))?.[0] ?? ''
    this.replies.push({ conn, code, raw, at })
    this.events.push({ at, conn, dir: 'out', bytes: raw })
    const control = this.controls.find((c) => c.id === conn)
    if (control !== undefined) control.sentBytes += raw.length
    this.changes.notify()
  }

  note(conn: string, note: string): void {
    this.events.push({ at: performance.now(), conn, dir: 'note', note })
    this.changes.notify()
  }

  closeControl(
    record: Mutable<FtpControlRecord>,
    by: 'peer' | 'origin',
    how: 'fin' | 'rst' | 'shutdown',
  ): void {
    record.endedBy ??= by
    record.ending ??= how
    if (record.closedAt === undefined) {
      record.closedAt = performance.now()
      this.note(record.id, `control closed (${record.endedBy} ${record.ending})`)
    }
  }

  openData(
    entry: Omit<FtpDataRecord, 'openedAt' | 'sent' | 'received' | 'receivedHead'>,
  ): Mutable<FtpDataRecord> {
    const record: Mutable<FtpDataRecord> = {
      ...entry,
      openedAt: performance.now(),
      sent: 0,
      received: 0,
      receivedHead: Buffer.alloc(0),
    }
    this.data.push(record)
    this.note(
      entry.conn,
      `data ${entry.id} ${entry.kind} ${entry.peer.address}:${entry.peer.port}${entry.refused ? ' REFUSED (not the control peer)' : ' open'}`,
    )
    return record
  }

  dataReceived(record: Mutable<FtpDataRecord>, chunk: Buffer): void {
    record.received += chunk.length
    if (record.receivedHead.length < MAX_DATA_HEAD)
      record.receivedHead = Buffer.concat([
        record.receivedHead,
        chunk.subarray(0, MAX_DATA_HEAD - record.receivedHead.length),
      ])
    this.changes.notify()
  }

  closeData(
    record: Mutable<FtpDataRecord>,
    by: 'peer' | 'origin',
    how: 'fin' | 'rst' | 'shutdown',
  ): void {
    record.endedBy ??= by
    record.ending ??= how
    if (record.closedAt === undefined) {
      record.closedAt = performance.now()
      this.note(
        record.conn,
        `data ${record.id} closed (${record.endedBy} ${record.ending}): sent ${record.sent} B, received ${record.received} B`,
      )
    }
  }

  store(entry: FtpStoredFile): void {
    this.stored.push(entry)
    this.note(entry.conn, `stored ${entry.path} (${entry.bytes.length} B)`)
  }

  waitForCommand(
    match: string | ((command: FtpCommand) => boolean),
    options: CommandWaitOptions,
  ): Promise<FtpCommand | TimeoutValue> {
    const test =
      typeof match === 'string' ? (c: FtpCommand) => c.verb === match.toUpperCase() : match
    const what = typeof match === 'string' ? match : 'a matching command'
    return this.changes.until(
      `${what} at the FTP origin${options.conn === undefined ? '' : ` on ${options.conn}`}`,
      () =>
        this.commands.find(
          (c) =>
            c.index >= (options.from ?? 0) &&
            (options.conn === undefined || c.conn === options.conn) &&
            test(c),
        ),
      options.timeoutMs,
    )
  }

  waitForConnection(timeoutMs: number, from = 0): Promise<FtpControlRecord | TimeoutValue> {
    return this.changes.until(
      'a control connection at the FTP origin',
      () => this.controls[from],
      timeoutMs,
    )
  }

  waitForControlClose(conn: string, timeoutMs: number): Promise<FtpControlRecord | TimeoutValue> {
    return this.changes.until(
      `FTP control connection ${conn} to close`,
      () => this.controls.find((c) => c.id === conn && c.closedAt !== undefined),
      timeoutMs,
    )
  }

  async waitForDataClosed(id: string | undefined, timeoutMs: number): Promise<true | TimeoutValue> {
    const found = await this.changes.until(
      id === undefined
        ? 'every FTP data connection to close'
        : `FTP data connection ${id} to close`,
      () => {
        const relevant = this.data.filter((d) => id === undefined || d.id === id)
        if (id !== undefined && relevant.length === 0) return undefined
        return relevant.every((d) => d.closedAt !== undefined) ? true : undefined
      },
      timeoutMs,
    )
    return isTimeout(found) ? found : true
  }

  idle(timeoutMs: number): Promise<true | TimeoutValue> {
    return this.changes.until(
      'the FTP origin to be idle',
      () =>
        this.pending === 0 &&
        this.controls.every((c) => c.closedAt !== undefined) &&
        this.data.every((d) => d.closedAt !== undefined)
          ? true
          : undefined,
      timeoutMs,
    )
  }
}
