/**
 * What the FTP origin records and the handle a case holds. Times are
 * performance.now() values; connection ids are "f1", "f2"… for control
 * connections and "f1.d1", "f1.d2"… for the data connections of f1.
 */
import type { TimeoutValue } from '../net/deadline.js'
import type { Started } from '../net/started.js'
import type { TranscriptRecorder } from '../net/transcript.js'
import type { FtpTreeEntry } from './fixtures.js'
import type { FtpScript } from './script-types.js'

export interface Peer {
  readonly address: string
  readonly port: number
}

/** A control connection. */
export interface FtpControlRecord {
  readonly id: string
  readonly peer: Peer
  readonly openedAt: number
  /** Every byte received, raw (capped at 1 MiB; receivedBytes counts them all). */
  readonly received: Buffer
  readonly receivedBytes: number
  readonly sentBytes: number
  /** USER given, and whether the login succeeded. */
  readonly user?: string
  readonly loggedIn: boolean
  readonly cwd: string
  readonly closedAt?: number
  /** Who ended it first, and how. */
  readonly endedBy?: 'peer' | 'origin'
  readonly ending?: 'fin' | 'rst' | 'shutdown'
}

/** One command line as the origin split it (at LF; a CR before it is dropped from `line`). */
export interface FtpCommand {
  /** Index in `origin.commands`. */
  readonly index: number
  readonly conn: string
  /** Upper-cased verb (the text before the first space). */
  readonly verb: string
  /** The rest of the line after one space (bytes as latin1 characters). */
  readonly arg: string
  /** The line's bytes exactly as received, with its CRLF. */
  readonly raw: Buffer
  /** True when the line ended in CRLF (false: a bare LF). */
  readonly crlf: boolean
  /** Telnet commands seen inside the line (telnet mode), e.g. [0xf4]. */
  readonly telnet: readonly number[]
  readonly at: number
}

export interface FtpReplyRecord {
  readonly conn: string
  /** The first three characters (NaN-free: '' when the bytes are not a reply). */
  readonly code: string
  readonly raw: Buffer
  readonly at: number
}

export interface FtpDataRecord {
  readonly id: string
  readonly conn: string
  readonly kind: 'pasv' | 'epsv' | 'active'
  readonly peer: Peer
  /** Refused because it did not come from the control peer. */
  readonly refused: boolean
  readonly openedAt: number
  /** Bytes the origin sent and received on it. */
  readonly sent: number
  readonly received: number
  /** The first 64 KiB received (STOR payloads are in `stored`). */
  readonly receivedHead: Buffer
  readonly closedAt?: number
  readonly endedBy?: 'peer' | 'origin'
  readonly ending?: 'fin' | 'rst' | 'shutdown'
}

export interface FtpStoredFile {
  readonly conn: string
  readonly path: string
  readonly bytes: Buffer
  readonly at: number
}

export interface FtpOriginOptions {
  /** '127.0.0.1' (default) or '::1'. */
  readonly host?: '127.0.0.1' | '::1'
  /** Logins besides anonymous/ftp (any password). Default { alice: 'S3cretPW' }. */
  readonly users?: Readonly<Record<string, string>>
  /** Changes to the default tree: path → bytes, text, node, or null to remove. */
  readonly files?: Readonly<Record<string, FtpTreeEntry>>
  /** The initial script (script() replaces it). */
  readonly script?: FtpScript
  /** How long a transfer waits for its data connection before 425 (default 10 s). */
  readonly dataTimeoutMs?: number
  /** Also record control and data bytes here (hop 'origin') for case evidence. */
  readonly transcript?: TranscriptRecorder
  /** Connection id prefix (default 'f'). */
  readonly connPrefix?: string
}

export interface WaitOptions {
  readonly timeoutMs: number
}

export interface CommandWaitOptions extends WaitOptions {
  /** Only this control connection. */
  readonly conn?: string
  /** Only commands with index >= from (e.g. origin.commands.length before acting). */
  readonly from?: number
}

export interface FtpOrigin extends Started {
  readonly host: string
  readonly port: number
  /** '127.0.0.1:PORT' or '[::1]:PORT'. */
  readonly authority: string
  /** Replaces the script (for connections accepted from now on, and running ones at their next command). */
  script(script: FtpScript): void
  readonly controls: readonly FtpControlRecord[]
  readonly commands: readonly FtpCommand[]
  readonly replies: readonly FtpReplyRecord[]
  readonly dataConnections: readonly FtpDataRecord[]
  readonly stored: readonly FtpStoredFile[]
  /** Commands with this verb (upper-case), optionally on one connection. */
  commandsOf(verb: string, conn?: string): readonly FtpCommand[]
  waitForCommand(
    match: string | ((command: FtpCommand) => boolean),
    options: CommandWaitOptions,
  ): Promise<FtpCommand | TimeoutValue>
  waitForConnection(
    options: WaitOptions & { readonly from?: number },
  ): Promise<FtpControlRecord | TimeoutValue>
  waitForQuit(conn: string | undefined, options: WaitOptions): Promise<FtpCommand | TimeoutValue>
  waitForControlClose(conn: string, options: WaitOptions): Promise<FtpControlRecord | TimeoutValue>
  /** One data connection closed, or (no id) every data connection opened so far. */
  waitForDataClosed(id: string | undefined, options: WaitOptions): Promise<true | TimeoutValue>
  /** Resolves once no control or data connection is open and no reply is pending. */
  idle(options: WaitOptions): Promise<true | TimeoutValue>
  /** C→FO / FO→C lines with ms offsets; non-printable bytes escaped. */
  transcript(options?: { readonly conn?: string; readonly since?: number }): string
}
