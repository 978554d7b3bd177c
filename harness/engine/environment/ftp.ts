/**
 * The FTP part of a run in the ftp-gateway role (catalog §13.1.2): the address
 * the target is told ({ftp_origin}), and for each case an FTP origin (FO) of
 * its own.
 *
 * Every case scripts a fresh origin, started for it and closed when it ends,
 * whose bytes go into the case's evidence: no script, log, login or
 * half-open connection of one case can reach another's verdict. How the
 * target reaches it depends on the mode:
 * - forward (FG/f): the request names the origin (`GET ftp://host:port/…`),
 *   so cases run concurrently, as the HTTP suites do; a gateway that pools
 *   control connections meets a new port per case (FTP-09 looks at reuse
 *   within one case). An origin starts in about a millisecond.
 * - reverse (FG/r): the target's mapping names {ftp_base}, fixed when it
 *   started. {ftp_origin} is then a relay (FtpFront) that passes each control
 *   connection on to the origin of the case holding it; FTP carries no case
 *   token before the login a case scripts, so cases take it one at a time
 *   (in arrival order, before their deadline starts, as a load-balancing
 *   case's setup does). Data connections go straight to the case's origin
 *   (its PASV reply names 127.0.0.1, the address the gateway's control
 *   connection went to). The relay passes bytes as they come, a half-close
 *   as a half-close and a reset as a reset.
 * Between cases (and for the preflight) the run's own origin answers.
 */
import { createServer, connect, type Server, type Socket } from 'node:net'
import { authorityOf, listenLoopback } from '../../net/loopback.js'
import { onceClose, type Scope, type Started } from '../../net/started.js'
import type { TranscriptRecorder } from '../../net/transcript.js'
import {
  startFtpOrigin,
  startThirdParty,
  type FtpOrigin,
  type ThirdParty,
} from '../../ftp/index.js'
import type { FtpMode } from '../model/roles.js'

/** The loopback alias the third-party listener X uses ({x_ip}); free to bind on Linux without setup. */
export const X_IP = '127.0.0.3'

/**
 * The FTP/read timeout a target is configured with when none is declared
 * (catalog §13.1.2: 5 s). Shorter would save the stall cases (FTP-21) a few
 * seconds, but they run beside the rest and are not the run's critical path,
 * while a gateway under a loaded CI machine needs the margin.
 */
export const DEFAULT_FTP_TIMEOUT_S = 5

/**
 * Fixed credentials for an FG/r mapping that logs in itself ({ftp_user}
 * {ftp_pass}): a user the origin knows (its default users are anonymous, ftp
 * and alice; this one is added to every origin the run starts).
 */
export const FTP_USER = 'proxyspec'
export const FTP_PASS = 'proxyspec-ftp'

/** Where the target reaches the FTP origin: {ftp_origin}. */
export interface FtpAddress {
  readonly host: string
  readonly port: number
  readonly authority: string
}

/** What every ftp-gateway case of a run shares. */
export interface RunFtp {
  readonly mode: FtpMode
  /** {ftp_timeout}: seconds. */
  readonly timeoutS: number
  readonly user: string
  readonly pass: string
  /** {ftp_origin}: the run's origin (forward), or the relay in front of the case's (reverse). */
  readonly origin: FtpAddress
  /** The origin that answers there when no case holds it (the preflight's). */
  readonly idle: FtpOrigin
  /** {ftp_base}: `ftp://{ftp_origin}/pub/`. */
  readonly base: string
  /** Reverse mode: the relay {ftp_origin} is, which one case at a time points at its origin. */
  readonly front?: FtpFront
}

export interface RunFtpOptions {
  readonly mode?: FtpMode
  readonly timeoutS?: number
}

/** An origin as the run starts them: with the {ftp_user} login, bytes into `transcript` when given. */
function startOrigin(transcript?: TranscriptRecorder): Promise<FtpOrigin> {
  return startFtpOrigin({
    users: { alice: 'S3cretPW', [FTP_USER]: FTP_PASS },
    ...(transcript === undefined ? {} : { transcript }),
  })
}

/** Starts the FTP side of a run on `scope` (which closes it). */
export async function startRunFtp(scope: Scope, options: RunFtpOptions = {}): Promise<RunFtp> {
  const mode = options.mode ?? 'forward'
  const idle = scope.use(await startOrigin())
  const front = mode === 'reverse' ? scope.use(await startFtpFront(idle)) : undefined
  const origin: FtpAddress = front ?? idle
  return {
    mode,
    timeoutS: options.timeoutS ?? DEFAULT_FTP_TIMEOUT_S,
    user: FTP_USER,
    pass: FTP_PASS,
    origin: { host: origin.host, port: origin.port, authority: origin.authority },
    idle,
    base: `ftp://${origin.authority}/pub/`,
    ...(front === undefined ? {} : { front }),
  }
}

/** A case's FTP side. */
export interface CaseFtp {
  readonly origin: FtpOrigin
  /** X ({x_ip}): the case's own third-party listener, started and stopped with its origin. */
  readonly thirdParty: ThirdParty
  readonly mode: FtpMode
  readonly timeoutS: number
}

/**
 * The FTP side of one case, on the case's scope (closed, or given back, when
 * the case ends): a fresh origin recording into the case's transcript, and X
 * on {x_ip} (a port of its own per case, so cases running side by side never
 * read each other's connections); in reverse mode, once it is this case's
 * turn, the relay pointed at the origin.
 */
export async function startCaseFtp(
  ftp: RunFtp,
  scope: Scope,
  transcript?: TranscriptRecorder,
): Promise<CaseFtp> {
  const release = ftp.front === undefined ? undefined : await ftp.front.take()
  const origin = scope.use(await startOrigin(transcript))
  const thirdParty = scope.use(await startThirdParty({ host: X_IP }))
  if (release !== undefined) {
    // Deferred after the origin: the scope closes in reverse, so the relay turns back to the
    // idle origin before this one closes.
    scope.defer(release)
    ftp.front?.pointAt(origin)
  }
  return { origin, thirdParty, mode: ftp.mode, timeoutS: ftp.timeoutS }
}

/**
 * The relay an FG/r target is configured with: each control connection it
 * accepts goes on to the origin it points at then. One holder at a time
 * (take), back to the idle origin when the holder gives it up.
 */
export interface FtpFront extends Started, FtpAddress {
  /** Waits for this caller's turn; resolves with the function that ends it (idempotent). */
  take(): Promise<() => void>
  /** Where connections accepted from now on go (the holder's origin). */
  pointAt(origin: FtpAddress): void
}

export async function startFtpFront(idle: FtpAddress): Promise<FtpFront> {
  let upstream: FtpAddress = idle
  let queue: Promise<void> = Promise.resolve()
  const sockets = new Set<Socket>()
  const track = (socket: Socket): void => {
    sockets.add(socket)
    socket.setNoDelay(true)
    socket.once('close', () => sockets.delete(socket))
  }
  const server: Server = createServer({ allowHalfOpen: true }, (client) => {
    track(client)
    const to = upstream
    const origin = connect({ host: to.host, port: to.port, allowHalfOpen: true })
    track(origin)
    // pipe() passes each chunk on as it comes and a FIN as end(); a reset is passed on as a reset.
    client.pipe(origin)
    origin.pipe(client)
    const resetOther = (other: Socket) => (error?: Error) => {
      if (error !== undefined && !other.destroyed) other.resetAndDestroy()
    }
    client.on('error', resetOther(origin))
    origin.on('error', resetOther(client))
    client.once('close', () => origin.destroySoon())
    origin.once('close', () => client.destroySoon())
  })
  const address = await listenLoopback(server)
  const close = onceClose(async () => {
    for (const socket of sockets) socket.destroy()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  })
  return {
    host: address.address,
    port: address.port,
    authority: authorityOf(address.address, address.port),
    take() {
      let end!: () => void
      const ended = new Promise<void>((resolve) => (end = resolve))
      const before = queue
      queue = before.then(() => ended)
      return before.then(() => {
        let done = false
        return () => {
          if (done) return
          done = true
          upstream = idle
          end()
        }
      })
    },
    pointAt(origin) {
      upstream = origin
    },
    close,
    [Symbol.asyncDispose]: close,
  }
}
