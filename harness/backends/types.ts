import type { Deadline, TimeoutValue } from '../net/deadline.js'
import type { LoopbackHost } from '../net/loopback.js'
import type { Started } from '../net/started.js'
import type { FieldLine, HeaderField } from '../wire/types.js'

/**
 * N harness origins at once for load-balancer cases (catalog §12.2.1): each a
 * controllable HTTP/1.1 server on its own loopback port that records every
 * request with its id and echoes the id back, and whose faults a case switches
 * during a run.
 */
export interface BackendsOptions {
  /** Primary origins O1…On. @default 3 */
  readonly primaries?: number
  /** Backup origins B1…Bm. @default 0 */
  readonly backups?: number
  /** A request on this path with no id is a health check (§12.2.2). @default '/healthz' */
  readonly healthPath?: string
  /** @default '127.0.0.1' */
  readonly host?: LoopbackHost
}

/** What the health path answers: a status, silence, or an RST once the check is read. */
export type HealthAnswer = 200 | 503 | 'timeout' | 'reset'

/** How a client request's answer ended (undefined while it is in flight). */
export type RequestOutcome =
  /** The whole response was written. */
  | 'answered'
  /** The connection was reset (resetAfter, kill). */
  | 'reset'
  /** Head and part of the body written, then FIN or RST (cutBody). */
  | 'cut'
  /** The connection closed (either side) before the answer was written. */
  | 'closed'

/** One client request as a backend read it. */
/** What a backend knows of a client request once its head is read. */
export interface RequestFacts {
  /** Sequence number of the request at this backend, from 1 (client traffic only). */
  readonly seq: number
  /** The request id: from the path (`/lb/<id>/…`), else from X-Proxyspec-Id. */
  readonly id: string | undefined
  readonly idInPath: string | undefined
  readonly idInHeader: string | undefined
  /** Connection id, e.g. "O1-3". */
  readonly conn: string
  /** 1-based index of the request on its connection. */
  readonly connSeq: number
  /** True when an earlier request (client or health check) came on the same connection. */
  readonly reused: boolean
  /** True when it arrived after the backend had closed its side (or said `close`) on this connection. */
  readonly afterClose: boolean
  readonly method: string
  readonly target: string
  readonly version: string
  readonly host: string | undefined
  /** The header lines as received, in order. */
  readonly headers: readonly HeaderField[]
  /** performance.now() when the head was complete. */
  readonly arrivedAt: number
  /** Client requests in flight here once this one arrived (this one included). */
  readonly inFlightOnArrival: number
}

/** A client request as the backend recorded it: its facts, then how its body and answer went. */
export interface BackendRequest extends RequestFacts {
  /** Body bytes read (0 until the body is complete or the connection ends). */
  readonly bodyLength: number
  /** Hex SHA-256 of the body bytes read. */
  readonly bodySha256: string
  /** True once the whole message (as framed) was read. */
  readonly complete: boolean
  /** performance.now() when the answer ended (written, reset, cut or closed). */
  readonly completedAt: number | undefined
  readonly outcome: RequestOutcome | undefined
  /** The status the backend sent or started to send. */
  readonly status: number | undefined
}

/** One health check (§12.2.2): a request on the health path with no id. */
export interface HealthCheck {
  readonly seq: number
  readonly conn: string
  readonly connSeq: number
  readonly reused: boolean
  /** True when it arrived after the backend had closed its side (or said `close`) on this connection. */
  readonly afterClose: boolean
  readonly method: string
  readonly target: string
  readonly version: string
  readonly host: string | undefined
  readonly headers: readonly HeaderField[]
  readonly arrivedAt: number
  /** What the health control said when it arrived. */
  readonly answer: HealthAnswer
}

export interface BackendConnection {
  /** "O1-1", "O1-2", … */
  readonly id: string
  readonly openedAt: number
  readonly bytesIn: number
  /** Requests read on it (client traffic and health checks). */
  readonly requests: number
  readonly closedAt: number | undefined
  /** Who closed first: 'backend' when a control (or the response's close) did. */
  readonly closedBy: 'peer' | 'backend' | undefined
  /** 'reset' when an RST ended it (either side). */
  readonly how: 'fin' | 'reset' | undefined
}

/** A wait's budget: milliseconds from now, or what is left of a Deadline (its abort ends the wait too). */
export type Within = number | Deadline

export interface Backend {
  /** "O1"…"On" for primaries, "B1"…"Bm" for backups. */
  readonly name: string
  readonly host: string
  readonly port: number
  /** "127.0.0.1:port" */
  readonly authority: string
  /** Client requests recorded so far, in arrival order. */
  readonly requests: readonly BackendRequest[]
  readonly healthChecks: readonly HealthCheck[]
  readonly connections: readonly BackendConnection[]
  /** Client requests being answered now (arrived, answer not ended). */
  readonly inFlight: number
  readonly maxInFlight: number
  /** True while the listener is open (false after refuse() or kill()). */
  readonly listening: boolean

  /** What the health path answers from now on, independent of client paths. */
  health(answer: HealthAnswer): void
  /** Closes the listener: new connections get ECONNREFUSED; open ones stay. */
  refuse(): Promise<void>
  /** Listens again, on the same port. Rejects (HARNESS_LISTEN_FAILED) if the port was taken meanwhile. */
  comeBack(): Promise<void>
  /**
   * RST once `n` bytes of a request have arrived, or once the whole request
   * has ('request'). Health checks whose head is complete within n bytes are
   * answered by health() instead.
   */
  resetAfter(n: number | 'request'): void
  /** Read client requests and never answer them. */
  blackhole(): void
  /** Delay every client response by `ms`. */
  slow(ms: number): void
  /**
   * Send the head and `k` body bytes of a client response that declares more
   * (Content-Length, or a larger chunk), then FIN or RST.
   */
  cutBody(k: number, how: 'fin' | 'rst', framing?: 'content-length' | 'chunked'): void
  /**
   * Every response carries `Connection: close`, and the backend closes after
   * it: at once, or `lingerMs` later (RFC 9112 §9.6 lets the close follow the
   * response; a request that arrives meanwhile is recorded `afterClose` and
   * never answered).
   */
  drain(lingerMs?: number): void
  /**
   * Adds field lines to every client response from now on, after the backend's
   * own and in the order given (an origin's Set-Cookie lines, LB-21). heal() drops them.
   */
  addResponseFields(lines: readonly FieldLine[]): void
  /** Close (FIN) a keep-alive connection once it has been idle for `ms`. */
  idleClose(ms: number): void
  /**
   * The stale keep-alive race, made certain (LB-07): every connection idle
   * now closes (FIN) the moment its next request arrives, before reading it,
   * as if its idle-close time had run out while that request was on its way.
   * The request is recorded (afterClose) and never answered.
   */
  expireIdle(): void
  /**
   * Answer client requests with a `bytes`-byte body (Content-Length; the echo,
   * then filler) written at `bytesPerSecond`, a piece every 50 ms.
   */
  stream(bytes: number, bytesPerSecond: number): void
  /** RST every open connection, then refuse. */
  kill(): Promise<void>
  /** Back to normal on every control (listens again if refused). */
  heal(): Promise<void>

  /** Resolves once `n` client requests have been recorded (all of them). */
  waitForRequests(n: number, within: Within): Promise<readonly BackendRequest[] | TimeoutValue>
  /** Resolves with the client request carrying `id`, once it has arrived. */
  waitForRequest(id: string, within: Within): Promise<BackendRequest | TimeoutValue>
  waitForHealthChecks(n: number, within: Within): Promise<readonly HealthCheck[] | TimeoutValue>
  /** Resolves once `n` connections have been accepted. */
  waitForConnections(
    n: number,
    within: Within,
  ): Promise<readonly BackendConnection[] | TimeoutValue>
  /** Resolves with the first non-undefined value of `check`, tried now and after every change here. */
  waitFor<T>(what: string, check: () => T | undefined, within: Within): Promise<T | TimeoutValue>
}

export interface StartedBackends extends Started {
  readonly primaries: readonly Backend[]
  readonly backups: readonly Backend[]
  /** Primaries then backups. */
  readonly all: readonly Backend[]
  readonly healthPath: string
  /** `{origins}`: comma-separated authorities of the primaries (§12.2.4). */
  readonly origins: string
  /** `{backup}`: comma-separated authorities of the backups ('' if none). */
  readonly backup: string
  /** The backend called `name` ("O2", "B1"). */
  byName(name: string): Backend | undefined
}
