/**
 * The shapes the HTTP→FTP gateway's steps pass around: the parsed ftp URL,
 * the login, the command plan, FTP replies, and why a transaction failed.
 */
import type { ReferenceProxyOptions, StartedProxy } from '../proxy/index.js'
import type { StepVariant } from '../proxy/steps/index.js'
import type { FtpGatewayVariant } from './steps.js'

/** Options of startReferenceFtpGateway: the forward proxy's, plus the FTP side's. */
export interface ReferenceFtpGatewayOptions extends Omit<
  ReferenceProxyOptions,
  'mode' | 'upstream' | 'balancer' | 'steps' | 'ftpGateway'
> {
  /**
   * Every FTP wait (connect, each reply, data inactivity) gives up after this
   * long: 504, or an incomplete response once the body started (FTP-21). @default 5000
   */
  readonly ftpTimeoutMs?: number
  /** Replaces named steps of the FTP pipeline (steps.ts). @default none: the reference steps */
  readonly steps?: FtpGatewayVariant
  /** Replaces named steps of the underlying forward proxy (proxy/steps). @default none */
  readonly proxySteps?: StepVariant
}

/** A running reference FTP gateway: the forward proxy's result. */
export interface StartedFtpGateway extends StartedProxy {
  /** FTP sockets (control and data) this gateway holds open right now. */
  readonly openFtpSockets: () => number
}

/** An absolute-form `ftp://` request-target, split (RFC 1738 §3.2, RFC 3986 §3.2); nothing decoded yet. */
export interface FtpUrl {
  /** The host without IPv6 brackets. */
  readonly host: string
  /** The port, 21 when the URL has none (RFC 1738 §3.2). */
  readonly port: number
  /** host[:port] as written (no userinfo). */
  readonly authority: string
  /** The userinfo as written (percent-encoded), or undefined. */
  readonly userinfo: string | undefined
  /** The url-path's segments as written (percent-encoded), the `;type=` removed from the last. */
  readonly segments: readonly string[]
  /** The typecode's value as written, or undefined when the URL has none (RFC 1738 §3.2.2). */
  readonly typecode: string | undefined
}

/** What the URL's typecode asks for (RFC 1738 §3.2.2): ASCII, image, directory. */
export type Typecode = 'a' | 'i' | 'd'

/** Who the gateway logs in as, and where that came from (RFC 1738 §3.2.1). */
export interface Login {
  readonly user: Buffer
  /** undefined: a user named without a password, asked for with 401 on 331. */
  readonly password: Buffer | undefined
  /** anonymous (none given), the URL's userinfo, or the client's Authorization: Basic. */
  readonly source: 'anonymous' | 'url' | 'basic'
}

/** The FTP commands a URL becomes (RFC 1738 §3.2.2): the CWD arguments, then the object. */
export interface CommandPlan {
  /** One CWD argument per directory segment, decoded once. */
  readonly cwd: readonly Buffer[]
  /** The file to RETR (decoded), or undefined to list the directory reached. */
  readonly name: Buffer | undefined
}

/** One FTP reply (RFC 959 §4.2): its code and its lines, text as latin1. */
export interface FtpReply {
  readonly code: number
  readonly lines: readonly string[]
}

/** The next reply in a control connection's buffered bytes (readReply). */
export type ReplyRead =
  /** A whole reply and how many bytes it took. */
  | { readonly reply: FtpReply; readonly consumed: number }
  /** The bytes can never become a reply (malformed, oversized). */
  | { readonly problem: string }
  /** Not yet a whole reply. */
  | undefined

/** Bytes first..last (inclusive) of a file of `size` octets (RFC 9110 §14.1.2). */
export interface ByteRange {
  readonly first: number
  readonly last: number
  readonly size: number
}

/** A passive command the gateway may send. */
export type PassiveCommand = 'EPSV' | 'PASV'

/** A passive command tried, and why it gave no data connection. */
export interface PassiveAttempt {
  readonly command: PassiveCommand
  readonly reply: FtpReply
  /** Set when the reply was positive but unusable (malformed, a refused address). */
  readonly problem?: string
}

/** A 227/229 reply, parsed: the port, and for 227 the host it names (RFC 959 §4.1.2, RFC 2428 §3). */
export interface PassiveOffer {
  readonly command: PassiveCommand
  readonly host?: string
  readonly port: number
}

/** Where the gateway opens a data connection. */
export interface DataAddress {
  readonly host: string
  readonly port: number
}

/** Why an FTP transaction failed. */
export type FtpFailure =
  /** A reply the dialogue cannot go on with, to `command` (the greeting: 'greeting'). */
  | { readonly kind: 'reply'; readonly command: string; readonly reply: FtpReply }
  /** A wait ran out (connect, a reply, the data channel). */
  | { readonly kind: 'timeout'; readonly during: string }
  /** The control connection closed or was reset, or could not be opened. */
  | { readonly kind: 'closed'; readonly during: string }
  /** The server said something the gateway cannot use (malformed reply, no usable data address). */
  | { readonly kind: 'protocol'; readonly detail: string }
  /** The request itself is refused before anything is sent (400). */
  | { readonly kind: 'refused'; readonly detail: string }
  /** A user without a password met 331: ask the client (401). */
  | { readonly kind: 'credentials-needed' }

/** An error response the gateway writes: status and extra header lines. */
export interface GatewayAnswer {
  readonly status: number
  readonly headers: readonly string[]
}

/** How a data transfer ended, as completion sees it. */
export interface TransferEnd {
  /** eof: the server closed the data connection; overflow: more than Content-Length came. */
  readonly data: 'eof' | 'reset' | 'timeout' | 'overflow'
  /** The reply on the control connection after the data ended (undefined: none came). */
  readonly reply: FtpReply | undefined
  readonly bodyBytes: number
  readonly contentLength: number | undefined
}

/** What a wait is for (the timeout step). */
export type FtpWait = 'connect' | 'reply' | 'data'

/** What an error or listing page is about. */
export interface PageContext {
  readonly url: FtpUrl
  readonly plan: CommandPlan | undefined
}
