/**
 * The reference HTTP→FTP gateway as a pipeline of named steps, like the
 * proxy's (proxy/steps/index.ts): every decision the gateway takes is one
 * function here, called only through the `steps` object it was started with,
 * so a variant (ReferenceFtpGatewayOptions.steps) replaces one step by name
 * and keeps the rest.
 */
import type { Socket } from 'node:net'
import type { FtpControl } from './control.js'
import {
  bodyLimit,
  byteRange,
  commandPlan,
  completion,
  contentLengthFrom,
  contentType,
  controlAddress,
  dataAddress,
  decodeUserinfo,
  ftpCommandArgument,
  lastModifiedFrom,
  methods,
  passiveOffer,
  passiveOrder,
  readReply,
  replyStatus,
  restartAccepted,
  retryAsDirectory,
  sendsContent,
  telnetEscape,
  timeout,
  transferType,
  typecode,
} from './decisions.js'
import { loginSequence, quit, type QuitReason } from './dialogue.js'
import { errorPage, listingPage } from './pages.js'
import type {
  ByteRange,
  CommandPlan,
  DataAddress,
  FtpFailure,
  FtpReply,
  FtpUrl,
  FtpWait,
  GatewayAnswer,
  Login,
  PageContext,
  PassiveAttempt,
  PassiveCommand,
  PassiveOffer,
  ReplyRead,
  TransferEnd,
  Typecode,
} from './types.js'

/** Every step of the reference FTP gateway, by name. */
export interface FtpGatewaySteps {
  // The request.
  /** Whether a method is served: GET and HEAD; else 405 with Allow, nothing sent to FTP (RFC 9110 §15.5.6; FTP-25). */
  readonly methods: (method: string) => GatewayAnswer | undefined
  /** Whether the response carries content: not for HEAD (RFC 9110 §9.3.2; FTP-10). */
  readonly sendsContent: (method: string) => boolean
  /** The typecode of `;type=X`: a, i, d; undefined (400) for others (RFC 1738 §3.2.2; FTP-17). */
  readonly typecode: (value: string) => Typecode | undefined
  /** Who logs in: the URL's decoded user/password, else Basic, else anonymous (RFC 1738 §3.2.1; FTP-14). */
  readonly decodeUserinfo: (
    userinfo: string | undefined,
    authorization: string | undefined,
  ) => Login | string
  /** One CWD per decoded directory segment, then RETR or a listing (RFC 1738 §3.2.2; FTP-16, FTP-18). */
  readonly commandPlan: (url: FtpUrl, code: Typecode | undefined) => CommandPlan | string
  /** Where the control connection goes: the URI's host and port, never the Host field (RFC 9112 §3.2.2; FTP-28). */
  readonly controlAddress: (
    url: FtpUrl,
    hostField: string | undefined,
  ) => { readonly host: string; readonly port: number }
  // Writing commands.
  /** Why an argument may not be sent: CR, LF, NUL (RFC 959 §4.1, §5.3.2; FTP-01). */
  readonly ftpCommandArgument: (argument: Buffer) => string | undefined
  /** An argument's bytes on the wire: 0xFF doubled (RFC 959 §4.1, RFC 854; FTP-24). */
  readonly telnetEscape: (argument: Buffer) => Buffer
  // Reading replies.
  /** The first whole reply in the buffered bytes, multi-line per RFC 959 §4.2, any segmentation (FTP-23). */
  readonly readReply: (buffered: Buffer) => ReplyRead
  // The dialogue.
  /** 220 (after a 120), USER, PASS on 331; 331 without password asks the client (RFC 959 §5.4; FTP-14). */
  readonly loginSequence: (control: FtpControl, login: Login) => Promise<void>
  /** The TYPE for a file: A for ;type=a, else I (RFC 959 §3.1.1.3; FTP-11). */
  readonly transferType: (code: Typecode | undefined) => 'A' | 'I'
  /** Content-Length from `213 n` to SIZE under TYPE I only (RFC 3659 §4; FTP-02, FTP-17). */
  readonly contentLengthFrom: (reply: FtpReply | undefined, type: 'A' | 'I') => number | undefined
  /** Last-Modified from MDTM, UTC, fraction dropped, never after now (RFC 3659 §3, RFC 9110 §8.8.2.1; FTP-13). */
  readonly lastModifiedFrom: (reply: FtpReply | undefined, now: Date) => Date | undefined
  /** The one range of a Range field served as 206 (REST + RETR), or undefined: the whole file, 200 (RFC 9110 §14.2; FTP-12). */
  readonly byteRange: (range: string | undefined, size: number | undefined) => ByteRange | undefined
  /** Whether a REST reply lets the data start at the offset: 350 only (RFC 3659 §5.3; FTP-12). */
  readonly restartAccepted: (reply: FtpReply) => boolean
  /** The next passive command: EPSV, then PASV after 500/501/502/522 or an unusable 229 (RFC 2428 §3; FTP-22). */
  readonly passiveOrder: (previous: PassiveAttempt | undefined) => PassiveCommand | undefined
  /** A 229/227 parsed, or why it is unusable (RFC 2428 §3, RFC 959 §4.1.2; FTP-07). */
  readonly passiveOffer: (command: PassiveCommand, reply: FtpReply) => PassiveOffer | string
  /** Where the data connection goes: the control peer only, port 1024-65535 (RFC 2428 §3, RFC 2577 §3; FTP-04). */
  readonly dataAddress: (offer: PassiveOffer, controlPeer: string) => DataAddress | string
  /** Whether a RETR refusal is retried as a directory: 550 (RFC 1738 §3.2.2; FTP-18). */
  readonly retryAsDirectory: (reply: FtpReply) => boolean
  /** How long each wait may take: ftpTimeoutMs (FTP-21). */
  readonly timeout: (wait: FtpWait, ftpTimeoutMs: number) => number
  /** Leaving: close data sockets, ABOR if abandoned, QUIT, close control (RFC 959 §4.1.1; FTP-26). */
  readonly quit: (
    control: FtpControl | undefined,
    data: readonly Socket[],
    reason: QuitReason,
    lingerMs: number,
  ) => void
  // The HTTP response.
  /** The HTTP status for a failure: 550→404, 530→401/403, 421/450/451→503, timeout→504, else 502 (RFC 959 §4.2; FTP-15, FTP-20). */
  readonly replyStatus: (failure: FtpFailure, login: Login | undefined) => GatewayAnswer
  /** Whether the message completes: data EOF, then 226/250, and every announced byte (RFC 959 §5.4; FTP-03). */
  readonly completion: (end: TransferEnd) => boolean
  /** How many octets of a data chunk may be written: never past Content-Length (RFC 9112 §6.3; FTP-02). */
  readonly bodyLimit: (contentLength: number | undefined, written: number, chunk: number) => number
  /** Content-Type: text/plain for ;type=a, else by extension, else octet-stream; no Content-Encoding (RFC 9110 §8.3, §8.4; FTP-19). */
  readonly contentType: (name: Buffer, code: Typecode | undefined) => string
  /** The listing page: names escaped, hrefs percent-encoded, charset declared (RFC 9110 §8.3; FTP-05, FTP-18). */
  readonly listingPage: (listing: Buffer, context: PageContext) => Buffer
  /** The error page: reply text escaped, never the password (RFC 3986 §3.2.1; FTP-05, FTP-06). */
  readonly errorPage: (
    answer: GatewayAnswer,
    failure: FtpFailure,
    context: PageContext,
    password: Buffer | undefined,
  ) => Buffer
}

/** The conformant pipeline. */
export const ftpReferenceSteps: FtpGatewaySteps = Object.freeze({
  methods,
  sendsContent,
  typecode,
  decodeUserinfo,
  commandPlan,
  controlAddress,
  ftpCommandArgument,
  telnetEscape,
  readReply,
  loginSequence,
  transferType,
  contentLengthFrom,
  lastModifiedFrom,
  byteRange,
  restartAccepted,
  passiveOrder,
  passiveOffer,
  dataAddress,
  retryAsDirectory,
  timeout,
  quit,
  replyStatus,
  completion,
  bodyLimit,
  contentType,
  listingPage,
  errorPage,
})

/** A variant of the pipeline: the steps it replaces; it receives the reference steps to wrap them. */
export type FtpGatewayVariant = (reference: FtpGatewaySteps) => Partial<FtpGatewaySteps>

/** The pipeline with `variant`'s replacements (the reference's own steps when there is none). */
export function ftpStepsWith(variant?: FtpGatewayVariant): FtpGatewaySteps {
  if (variant === undefined) return ftpReferenceSteps
  return Object.freeze({ ...ftpReferenceSteps, ...variant(ftpReferenceSteps) })
}
