import type { RawClient } from '../client/types.js'
import type { TimeoutValue } from '../net/deadline.js'
import type { OriginBehaviour, OriginRequest } from '../origin/types.js'
import type { StartedTcpServer } from '../tcp/types.js'
import type { Role } from './roles.js'

/** The target as a case sees it. */
export interface TargetView {
  readonly label: string
  readonly host: string
  readonly port: number
  /** "host:port" of the target itself. */
  readonly authority: string
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

export interface ConnectOptions {
  /** Overrides the target address (e.g. to reach a second listener). */
  readonly host?: string
  readonly port?: number
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
  readonly origin: OriginView
  /** Aborts at the case deadline. */
  readonly signal: AbortSignal
  /** How long silence must last before a case may call it silence (the failure path only). */
  readonly quietMs: number
  /** Milliseconds left before the case deadline. */
  remainingMs(): number
  /** `/${token}/${suffix}`: a path on the origin that belongs to this case. */
  path(suffix?: string): string
  /** The request-target for an origin path: absolute-form for a forward proxy, origin-form otherwise. */
  requestTarget(path: string): string
  /** The Host field value for requests meant for the origin. */
  readonly originHost: string
  /** A raw connection to the target; its bytes go into the evidence as "c1", "c2"… */
  connect(options?: ConnectOptions): Promise<RawClient>
  /**
   * A CONNECT target the target is configured to allow (for the built-in
   * reference: in its port allow-list), leased to this case alone.
   */
  leaseTcp(kind: 'echo' | 'sink' | 'banner'): Promise<StartedTcpServer>
  /** A fresh CONNECT target on a new port that no allow-list names. */
  startTcp(kind: 'echo' | 'sink' | 'banner'): Promise<StartedTcpServer>
  /** Races `work` against `withinMs` (capped at the case deadline). */
  wait<T>(waitingFor: string, work: Promise<T>, withinMs?: number): Promise<T | TimeoutValue>
  /** A line for the evidence, e.g. what was sent and why. */
  note(text: string): void
}
