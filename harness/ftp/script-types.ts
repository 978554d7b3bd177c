/**
 * How a case scripts the FTP origin. Every key is optional; what is not
 * scripted behaves like a plain, correct server. A verb's script REPLACES the
 * default handler (so `REST: '350 ok'` acknowledges and ignores, `CWD: '550 no'`
 * leaves the directory unchanged); a reply with code 230 still logs the user in.
 *
 * @example
 * origin.script({
 *   greeting: [{ reply: '120 wait' }, { reply: '220 ready', delayMs: 1000 }],
 *   USER: { reply: '331 password', segment: 1 },               // one byte per TCP segment
 *   SIZE: '213 3',                                              // a lie
 *   MDTM: '213 20991231235959',
 *   RETR: { data: Buffer.from('abc…'), cutAfter: 1000, cut: 'rst', then: null },
 *   PASV: { announceHost: '127.0.0.3', announcePort: x.port },  // listener stays on FO
 *   EPSV: '500 no',
 *   LIST: (c) => (c.nth === 1 ? { data: listingBytes([...]) } : undefined),
 *   other: { SITE: '200 ok' },
 *   latencyMs: 50,
 * })
 */

/**
 * One reply, as bytes on the control connection. `reply` is text whose lines
 * are separated by "\n" (or "\r\n"); each line goes out with CRLF. `raw` is sent
 * exactly. Neither: nothing is written (useful with `after`).
 */
export interface ReplyPlan {
  readonly reply?: string
  readonly raw?: Buffer
  /** Wait this long before writing (after the origin-wide latency). */
  readonly delayMs?: number
  /** Write in chunks of this many bytes, each its own write (1 = byte by byte). */
  readonly segment?: number
  /** After writing: close the control connection (FIN), reset it (RST), or stall (ignore further input). */
  readonly after?: 'close' | 'rst' | 'stall'
}

/** A reply: text, a plan, a sequence of plans (a 120 then a 220), or null for no reply at all. */
export type ReplySpec = string | ReplyPlan | readonly ReplyPlan[] | null

/** Passed to a verb handler. */
export interface VerbContext {
  readonly conn: string
  readonly verb: string
  readonly arg: string
  /** 1 for the first use of this verb on this connection. */
  readonly nth: number
  readonly user: string | undefined
  readonly loggedIn: boolean
  readonly cwd: string
  readonly type: 'A' | 'I'
}

/** Decide per call; undefined runs the default handler. */
export type VerbHandler = (context: VerbContext) => VerbScript | undefined

/** RETR, LIST, NLST, STOR: how the transfer goes. */
export interface TransferScript {
  /** The bytes sent on the data channel, exactly (no TYPE conversion). Default: the file or listing. */
  readonly data?: Buffer | string
  /** The 1xx before the transfer. Default `150 Opening data connection`; null: none. */
  readonly preliminary?: ReplySpec
  /** The final reply after the data side ended. Default `226 Transfer complete`; null: none. */
  readonly then?: ReplySpec
  /** Stop after this many bytes. */
  readonly cutAfter?: number
  /** How to stop at cutAfter: FIN (default), RST, or keep the connection open and send nothing more. */
  readonly cut?: 'close' | 'rst' | 'stall'
  /**
   * 'never': do not take the data connection (passive: it is left paused, unread; active: no
   * connect), 'silent': take it and send nothing. Either way no final reply unless `then` is given.
   */
  readonly accept?: 'normal' | 'never' | 'silent'
  /** Send data in writes of this size (default 64 KiB). */
  readonly chunk?: number
}

/** PASV, EPSV: what the reply announces (the listener is still FO's own, on the control host). */
export interface PassiveScript {
  readonly announceHost?: string
  readonly announcePort?: number
  /** false: open no listener (the announced port has nobody behind it unless the case put X there). */
  readonly listen?: boolean
}

export type VerbScript = ReplySpec | VerbHandler | TransferScript | PassiveScript

export type FtpVerb =
  | 'USER'
  | 'PASS'
  | 'ACCT'
  | 'SYST'
  | 'FEAT'
  | 'PWD'
  | 'CWD'
  | 'CDUP'
  | 'TYPE'
  | 'MODE'
  | 'STRU'
  | 'SIZE'
  | 'MDTM'
  | 'REST'
  | 'PASV'
  | 'EPSV'
  | 'PORT'
  | 'EPRT'
  | 'RETR'
  | 'LIST'
  | 'NLST'
  | 'STOR'
  | 'DELE'
  | 'ABOR'
  | 'NOOP'
  | 'QUIT'
  | 'OPTS'
  | 'STAT'
  | 'HELP'

export type FtpScript = Partial<Readonly<Record<FtpVerb, VerbScript>>> & {
  /** Verbs the origin does not know (default 502). */
  readonly other?: Readonly<Record<string, VerbScript>>
  /** The greeting; default `220 proxyspec FTP origin ready`. */
  readonly greeting?: ReplySpec
  /** Added before every reply (FTP-27). */
  readonly latencyMs?: number
  /** Telnet-aware control input: IAC IAC is one 0xFF, IAC + command is a Telnet command. */
  readonly telnet?: boolean
  /** Who may open data connections: the control peer's address (default) or anyone. */
  readonly dataFrom?: 'control-peer' | 'anyone'
  /** SIZE under TYPE A: the converted length (default, RFC 3659) or the on-disk length. */
  readonly sizeMode?: 'per-type' | 'on-disk'
  /** LIST format (default unix). */
  readonly listFormat?: 'unix' | 'dos' | 'eplf'
}
