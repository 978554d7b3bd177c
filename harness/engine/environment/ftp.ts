/**
 * The FTP part of a run in the ftp-gateway role (catalog §13.1.2): the run's
 * harness FTP origin ({ftp_origin}, FO), and for each case the origin it
 * scripts and the third-party listener X on {x_ip}.
 *
 * Which origin a case gets, and why:
 * - forward mode (FG/f): a fresh origin of its own, on a fresh port. The
 *   request names the origin (`GET ftp://host:port/…`), so nothing ties a case
 *   to the run's origin; a case's scripts, logs and control connections cannot
 *   meet another case's (a gateway that pools control connections reaches a
 *   new port per case, so session reuse across cases is impossible, and
 *   FTP-09 looks at reuse within one case); and cases run concurrently, as
 *   the HTTP suites do. An origin starts in about a millisecond.
 * - reverse mode (FG/r): the gateway's mapping names the run's origin
 *   ({ftp_base}), fixed when the target started. FTP carries no case token
 *   before the login a case scripts, so two cases cannot share it at once:
 *   each case takes it alone (FtpLease), reset (scripts, logs, connections),
 *   and gives it back when it ends. The wait for its turn happens before the
 *   case's deadline starts, as a load-balancing case's setup does.
 *
 * X is always the case's own (a fresh port on 127.0.0.3): no config names it.
 */
import type { Scope } from '../../net/started.js'
import { startFtpOrigin, startThirdParty } from '../../ftp/index.js'
import type { StartedFtpOrigin, StartedThirdParty } from '../../ftp/index.js'
import type { FtpMode } from '../model/roles.js'

export type { StartedFtpOrigin, StartedThirdParty }

/** The loopback alias X listens on ({x_ip}); free to bind on Linux without setup. */
export const X_IP = '127.0.0.3'

/** The FTP/read timeout a target is configured with when none is declared (catalog §13.1.2: 5 s). */
export const DEFAULT_FTP_TIMEOUT_S = 5

/**
 * Fixed credentials for an FG/r mapping that logs in itself ({ftp_user}
 * {ftp_pass}); the harness origin accepts them as it accepts anonymous.
 */
export const FTP_USER = 'proxyspec'
export const FTP_PASS = 'proxyspec-ftp'

/** What every ftp-gateway case of a run shares. */
export interface RunFtp {
  readonly mode: FtpMode
  /** {ftp_timeout}: seconds. */
  readonly timeoutS: number
  readonly user: string
  readonly pass: string
  /** The run's FTP origin: {ftp_origin}, and the origin {ftp_base} names. */
  readonly origin: StartedFtpOrigin
  /** {ftp_base}: `ftp://{ftp_origin}/pub/`. */
  readonly base: string
  /** Takes the run's origin for one case (reverse mode); resolves when it is this case's. */
  lease(): Promise<FtpLease>
}

/** The run's origin held by one case; release() gives it back (idempotent). */
export interface FtpLease {
  readonly origin: StartedFtpOrigin
  release(): void
}

export interface RunFtpOptions {
  readonly mode?: FtpMode
  readonly timeoutS?: number
}

/** Starts the run's FTP origin on `scope` (which closes it). */
export async function startRunFtp(scope: Scope, options: RunFtpOptions = {}): Promise<RunFtp> {
  const origin = scope.use(await startFtpOrigin())
  // One holder at a time, in arrival order: a promise chain.
  let tail: Promise<void> = Promise.resolve()
  return {
    mode: options.mode ?? 'forward',
    timeoutS: options.timeoutS ?? DEFAULT_FTP_TIMEOUT_S,
    user: FTP_USER,
    pass: FTP_PASS,
    origin,
    base: `ftp://${origin.authority}/pub/`,
    async lease(): Promise<FtpLease> {
      let release!: () => void
      const released = new Promise<void>((resolve) => (release = resolve))
      const previous = tail
      tail = previous.then(() => released)
      await previous
      // Whatever the case before scripted, logged or left connected is gone.
      await origin.reset()
      let done = false
      return {
        origin,
        release: () => {
          if (done) return
          done = true
          release()
        },
      }
    },
  }
}

/** A case's FTP side: the origin it scripts and X. */
export interface CaseFtp {
  readonly origin: StartedFtpOrigin
  readonly thirdParty: StartedThirdParty
  readonly mode: FtpMode
  readonly timeoutS: number
}

/**
 * The FTP side of one case, on the case's scope (closed, or given back, when
 * the case ends): a fresh origin in forward mode, the run's origin, taken
 * alone and reset, in reverse mode; a fresh X either way.
 */
export async function startCaseFtp(ftp: RunFtp, scope: Scope): Promise<CaseFtp> {
  let origin: StartedFtpOrigin
  if (ftp.mode === 'reverse') {
    const lease = await ftp.lease()
    scope.defer(() => lease.release())
    origin = lease.origin
  } else {
    origin = scope.use(await startFtpOrigin())
  }
  const thirdParty = scope.use(await startThirdParty({ host: X_IP }))
  return { origin, thirdParty, mode: ftp.mode, timeoutS: ftp.timeoutS }
}
