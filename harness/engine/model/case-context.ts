import type { StartedBackends } from '../../backends/types.js'
import type { BalancerProfile } from './balancer-profile.js'
import type { RawClientTlsOptions } from '../../client/connect-socket.js'
import type { RawClient } from '../../client/types.js'
import type {
  FrameConnection,
  FrameRecord,
  H2RawClient,
  H2RawRequest,
  H2RawResponder,
} from '../../h2/index.js'
import type { TimeoutValue } from '../../net/deadline.js'
import type { OriginBehaviour, OriginRequest } from '../../origin/types.js'
import type { NextHopAnswer, NextHopRequest } from '../../nexthop/types.js'
import type { StartedTcpServer } from '../../tcp/types.js'
import type {
  CertificateCorpus,
  CertificateProfile,
  TlsHandshakeRecord,
  TlsVersionRange,
} from '../../tls/types.js'
import type { BalanceDistribution, BalanceTimeline } from './balance.js'
import type { FtpMode, Role } from './roles.js'
import type { FtpOrigin, ThirdParty } from '../../ftp/index.js'

/** The target as a case sees it. */
export interface TargetView {
  readonly label: string
  readonly host: string
  readonly port: number
  /** "host:port" of the target itself. */
  readonly authority: string
}

/** A target that requires proxy credentials (--proxy-auth, or the reference's auth twin), and them. */
export interface ProxyAuthView {
  readonly user: string
  readonly pass: string
  /** Where the requests carrying them go (ctx.connect({ host, port })). */
  readonly target: TargetView
}

/** This case's slice of the run's origin: only requests carrying the case token. */
export interface OriginView {
  readonly host: string
  readonly port: number
  /** "127.0.0.1:port" */
  readonly authority: string
  /** How the origin answers this case's requests (default: 200 with a short text body). */
  behave(behaviour: OriginBehaviour): void
  /** The next request of this case to reach the origin (a queue), or a TimeoutValue. */
  nextRequest(timeoutMs?: number): Promise<OriginRequest | TimeoutValue>
  /** Every request of this case the origin has seen so far. */
  requests(): readonly OriginRequest[]
  /** Resolves when origin connection `id` closes, and which side closed it first. */
  connectionClosed(id: string, timeoutMs?: number): Promise<'peer' | 'origin' | TimeoutValue>
}

/**
 * This case's slice of the run's raw h2 origin (a case with upstream 'h2'):
 * the streams whose :path starts with the case token. Every field is logged
 * as the target sent it, before anything validates it.
 */
export interface H2OriginView {
  readonly host: string
  readonly port: number
  /** SETTINGS_MAX_CONCURRENT_STREAMS it advertises on every connection (shared by the run's cases). */
  readonly maxConcurrentStreams: number
  /**
   * How this case's streams are answered, called when each ends (END_STREAM
   * or RST_STREAM); returning undefined sends nothing (the responder may
   * write on the connection itself). @default 200 "ok"
   */
  behave(responder: H2RawResponder): void
  /** The next stream of this case (a queue): once it ended, or once its head came with `ended: false`. */
  nextRequest(
    timeoutMs?: number,
    options?: { readonly ended?: boolean },
  ): Promise<H2RawRequest | TimeoutValue>
  /** Every stream of this case so far, in arrival order. */
  requests(): readonly H2RawRequest[]
  /** The first non-undefined value of `check`, tried after every frame the origin receives. */
  until<T>(what: string, check: () => T | undefined, timeoutMs?: number): Promise<T | TimeoutValue>
  /** The origin side of connection `conn` (H2RawRequest.conn), to write frames on it. */
  connection(conn: string): FrameConnection | undefined
  /** Every frame on connection `conn`, both ways (other cases' streams included). */
  records(conn: string): readonly FrameRecord[]
}

/** The run's harness next-hop proxy, as a chained CONNECT case drives it. */
export interface NextHopView {
  /** "127.0.0.1:port", what the target was told as {next_hop}. */
  readonly authority: string
  /** Answers CONNECTs for `port` (the case's own leased target) with `answer`, until the case ends. */
  answerFor(port: number, answer: NextHopAnswer): void
  /** The next request the next hop receives for `port`, or a TimeoutValue. */
  nextRequest(port: number, timeoutMs?: number): Promise<NextHopRequest | TimeoutValue>
}

export interface ConnectOptions {
  /** Overrides the target address (e.g. to reach a second listener). */
  readonly host?: string
  readonly port?: number
  /**
   * Speak TLS to the target with these settings; the client counts as open
   * once the handshake is done. @default in the tls-terminator role, TLS to
   * the name it serves ('localhost' as SNI and identity) trusting only the
   * run CA; plain TCP in every other role. `false`: plain TCP in any role.
   */
  readonly tls?: RawClientTlsOptions | false
}

/** How ctx.h2() opens its connection (the defaults suit a conformant client). */
export interface H2ConnectOptions {
  /** Our SETTINGS after the preface. @default ENABLE_PUSH 0, INITIAL_WINDOW_SIZE 2^31-1 */
  readonly settings?: readonly (readonly [id: number, value: number])[]
  /** Raise the connection window to 2^31-1 after SETTINGS. @default true */
  readonly openWindow?: boolean
  /** Send the preface and SETTINGS; false leaves every byte to the case (H2-32). @default true */
  readonly preface?: boolean
  /** ACK the target's SETTINGS and PINGs. @default true */
  readonly autoAck?: boolean
  /**
   * TLS (tls-terminator role) only: the ALPN protocols offered. @default ['h2']
   */
  readonly alpn?: readonly string[]
}

/** The pseudo-header values of a request for `path` on the origin, as the role addresses it. */
export interface H2Target {
  readonly method: string
  readonly scheme: string
  readonly authority: string
  readonly path: string
}

/** What the run's TLS origin presents while a case holds it. */
export interface TlsOriginSetup {
  /** @default 'valid' */
  readonly profile?: CertificateProfile
  /** @default Node's defaults (TLS 1.2 to 1.3) */
  readonly versions?: TlsVersionRange
}

/**
 * The run's HTTPS origin (the tls-originator's upstream, {origin_tls}) while
 * this case holds it alone: its profile and versions, and what reached it.
 */
export interface TlsOriginView {
  readonly host: string
  readonly port: number
  /** The name the target reaches it by: the reference identity and SNI it must use. */
  readonly name: string
  readonly profile: CertificateProfile
  /** SHA-256 fingerprint of the leaf it presents (X509Certificate.fingerprint256). */
  readonly fingerprint256: string
  /** Handshakes since this case took the origin, oldest first. */
  handshakes(): readonly TlsHandshakeRecord[]
  /** Resolves once every TLS connection accepted so far has finished its handshake (or a TimeoutValue). */
  settled(timeoutMs?: number): Promise<undefined | TimeoutValue>
  /** How the origin answers this case's requests (default: 200 with a short text body). */
  behave(behaviour: OriginBehaviour): void
  /** The next request of this case to reach it over TLS, or a TimeoutValue. */
  nextRequest(timeoutMs?: number): Promise<OriginRequest | TimeoutValue>
  /** Every request of this case it has seen so far. */
  requests(): readonly OriginRequest[]
}

/**
 * The FTP side of a case in the ftp-gateway role (catalog §13.1.2): the FTP
 * origin FO it scripts and reads. The runner
 * gives each case an origin no other case touches while it runs
 * (harness/engine/environment/ftp.ts says how, per mode); whatever the case
 * scripted is gone when it ends.
 */
export interface FtpView {
  /**
   * This case's FTP origin, started for it alone (in reverse mode reached through
   * {ftp_origin}, the relay the target's mapping names, which this case holds
   * until it ends). Its control and data bytes are in the case's evidence.
   */
  readonly origin: FtpOrigin
  /**
   * X ({x_ip}, 127.0.0.3): a third-party listener on another loopback address,
   * started for this case with its origin and stopped with it. It logs every
   * connection and greets each with `X-BANNER`; connectTo() connects out from
   * {x_ip} (active-mode theft). A PASV reply may name it (FTP-04), a Host
   * header may (FTP-28): a conformant gateway never connects to it.
   */
  readonly thirdParty: ThirdParty
  /** How the target is addressed (--ftp-mode). */
  readonly mode: FtpMode
  /** {ftp_timeout}: the FTP/read timeout in seconds the target was configured with. */
  readonly timeoutS: number
  /**
   * The request-target for a path on the FTP origin ("/pub/f.bin"): absolute-form
   * `ftp://host:port/pub/f.bin` in forward mode; in reverse mode the path under
   * the mapped prefix (`/files/f.bin`), or undefined when it lies outside
   * {ftp_base} (such a case is not applicable there).
   */
  requestTarget(ftpPath: string): string | undefined
  /**
   * The Host field value to send with it: the FTP origin's authority in
   * forward mode (RFC 9112 §3.2.2: the absolute-form's authority), the
   * target's own (or --host) in reverse mode.
   */
  readonly host: string
}

/**
 * Charts a case adds to its result (CaseResult.balance), drawn by the HTML
 * report and summed up in one line in Markdown and JUnit. Kept also when the
 * case ends early, fails or times out: record as soon as the data is known.
 */
export interface CaseReport {
  /** Observed against expected requests per backend (expected as counts). */
  distribution(distribution: BalanceDistribution): void
  /** Which backend answered each request, with the faults marked. */
  timeline(timeline: BalanceTimeline): void
  /**
   * Milliseconds since the case started for a `performance.now()` reading
   * (e.g. a backend record's arrivedAt), the time base of a timeline;
   * without an argument, now.
   */
  at(performanceNow?: number): number
}

/**
 * What a case receives. The runner owns every lifecycle: whatever a case opens
 * through the context is closed when the case ends, whatever its verdict.
 */
export interface CaseContext {
  readonly role: Role
  /** Unique per case run; carried as the first path segment of every request. */
  readonly token: string
  readonly target: TargetView
  /** For cases that need 'proxy-auth': the target requiring credentials, and the credentials. */
  readonly proxyAuth?: ProxyAuthView
  readonly origin: OriginView
  /**
   * A case with upstream 'h2': the run's raw h2 origin, the upstream of the
   * target's h2-upstream endpoint (which ctx.h2() and ctx.connect() reach);
   * undefined for other cases.
   */
  readonly h2Origin?: H2OriginView
  /**
   * A load-balancing case's own backends (ConformanceCase.balancer), started
   * for it alone, which the target balances over; undefined for other cases.
   */
  readonly backends?: StartedBackends
  /**
   * The balancer profile in force for a load-balancing case: the case's own
   * for builtin:reference, else the run's declared one (--lb-profile);
   * undefined for other cases.
   */
  readonly profile?: BalancerProfile
  /** In the ftp-gateway role: the case's FTP origin and X (FtpView); undefined in every other role. */
  readonly ftp?: FtpView
  /** Aborts at the case deadline. */
  readonly signal: AbortSignal
  /** How long silence must last before a case may call it silence (the failure path only). */
  readonly quietMs: number
  /** Milliseconds left before the case deadline. */
  remainingMs(): number
  /**
   * The longest the harness's own event loop lagged since `from` (a
   * performance.now() reading): timestamps it took meanwhile may be that
   * late, so a case judging a timing bound adds it to its slack (net/loop-lag.ts).
   */
  lagSince(from: number): number
  /** `/${token}/${suffix}`: a path on the origin that belongs to this case. */
  path(suffix?: string): string
  /** The request-target for an origin path: absolute-form for a forward proxy, origin-form otherwise. */
  requestTarget(path: string): string
  /** The Host field value for requests meant for the origin. */
  readonly originHost: string
  /**
   * A raw connection to the target; its bytes go into the evidence as "c1",
   * "c2"… (as the application sees them: for TLS, the decrypted bytes).
   */
  connect(options?: ConnectOptions): Promise<RawClient>
  /**
   * An HTTP/2 connection to the target (a case with front 'h2'): TLS with
   * ALPN h2 to the name it serves in the tls-terminator role, the client
   * preface by prior knowledge on cleartext in every other role. Its bytes go
   * into the evidence as "c1", "c2"…, and its frames, decoded, as a note
   * when the case ends.
   */
  h2(options?: H2ConnectOptions): Promise<H2RawClient>
  /**
   * `:method GET` and the `:scheme`, `:authority`, `:path` of a request for
   * the origin path `path` (ctx.path()): the origin's authority for a forward
   * proxy (RFC 9113 §8.3.1, the absolute target), the Host a gateway expects
   * otherwise. Spread into an H2RequestSpec.
   */
  h2Target(path: string): H2Target
  /**
   * A CONNECT target the target is configured to allow (for the built-in
   * reference: in its port allow-list), leased to this case alone. It shows
   * only the connections accepted since the lease (never one an earlier case
   * left open), in `connections` and in the transcript.
   */
  leaseTcp(kind: 'echo' | 'sink' | 'banner'): Promise<StartedTcpServer>
  /** The next-hop proxy the target sends its CONNECTs on to, when it chains (CONNECT-03, -04, -14). */
  readonly nextHop: NextHopView
  /** A fresh CONNECT target on a new port that no allow-list names. */
  startTcp(kind: 'echo' | 'sink' | 'banner'): Promise<StartedTcpServer>
  /**
   * Takes the run's TLS origin for the rest of the case (cases wait their
   * turn: the origin is one, the target's upstream cannot change between
   * cases), presenting `setup`, with every older TLS connection to it dropped
   * so nothing pooled from another case rides on an old certificate. A
   * TimeoutValue if the case deadline came first.
   */
  useTlsOrigin(setup?: TlsOriginSetup): Promise<TlsOriginView | TimeoutValue>
  /** The run's certificates: the run CA a client trusts, and every profile's leaf. */
  tlsCorpus(): Promise<CertificateCorpus>
  /** Races `work` against `withinMs` (capped at the case deadline). */
  wait<T>(waitingFor: string, work: Promise<T>, withinMs?: number): Promise<T | TimeoutValue>
  /** A line for the evidence, e.g. what was sent and why. */
  note(text: string): void

  /** Balance charts for the report: ctx.report.distribution(…), ctx.report.timeline(…). */
  readonly report: CaseReport
}
