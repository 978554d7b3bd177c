import type { TimeoutValue } from '../net/deadline.js'
import type { Started } from '../net/started.js'

/**
 * Plain TCP servers that serve as CONNECT targets. Each keeps per-connection
 * records so a case can prove what arrived through a tunnel, and each can tell
 * its connections to the case's transcript.
 */
export interface TcpConnectionRecord {
  /** Connection id, unique per server: "e1", "s1", "b1". */
  readonly id: string
  /** Bytes received so far. */
  readonly received: Buffer
  /** True once the peer half-closed (FIN) its side. */
  readonly peerEnded: boolean
  /** True once the socket is fully closed. */
  readonly closed: boolean
  /** Set when the socket errored (e.g. ECONNRESET). */
  readonly error?: string
}

export interface StartedTcpServer extends Started {
  readonly kind: 'echo' | 'sink' | 'banner'
  readonly host: string
  readonly port: number
  /** "127.0.0.1:port" */
  readonly authority: string
  readonly connections: readonly TcpConnectionRecord[]
  /** Resolves with the next connection accepted after this call (subscribe before you act). */
  nextConnection(timeoutMs: number): Promise<TcpConnectionRecord | TimeoutValue>
  /**
   * Resolves once connection `id` has received at least `n` bytes, or once it
   * closed with fewer (no more can come: check `received.length`).
   */
  waitForBytes(
    id: string,
    n: number,
    timeoutMs: number,
  ): Promise<TcpConnectionRecord | TimeoutValue>
  /** Resolves once connection `id`'s peer half-closed or closed. */
  waitForPeerEnd(id: string, timeoutMs: number): Promise<TcpConnectionRecord | TimeoutValue>
  /** Listener for transcript taps: every connection event of this server. */
  onEvent(listener: TcpEventListener): () => void
  /**
   * Drives connection `id` from the target's side, as a case scripting the
   * target needs (a target that speaks, half-closes or resets on cue);
   * undefined when there is no such connection.
   */
  drive(id: string): TcpDriver | undefined
  /**
   * Drops the bytes closed connections received (their records stay, with
   * their lengths): a server leased to case after case for a whole run
   * (engine/environment/tcp-pool.ts) would otherwise keep every tunnel's megabyte.
   */
  forgetClosed(): void
}

/** The target's own side of one accepted connection. */
export interface TcpDriver {
  /** Writes toward the peer (recorded as 'out'). */
  write(data: Buffer): void
  /** FIN after what was written. */
  end(): void
  /** Aborts with a TCP RST (SO_LINGER 0); unsent bytes are dropped. */
  reset(): void
}

export type TcpEvent =
  | { readonly type: 'open'; readonly conn: string }
  | {
      readonly type: 'data'
      readonly conn: string
      readonly dir: 'in' | 'out'
      readonly data: Buffer
    }
  | { readonly type: 'end'; readonly conn: string; readonly dir: 'in' | 'out' }
  | { readonly type: 'close'; readonly conn: string; readonly error?: string }

export type TcpEventListener = (event: TcpEvent) => void

export interface EchoOptions {
  /** Echo back, then half-close as soon as the peer half-closes. @default true */
  readonly endAfterPeerEnd?: boolean
}

export interface SinkOptions {
  /** Close our side when the peer half-closes. @default false: keep our half open so half-close propagation is visible. */
  readonly endAfterPeerEnd?: boolean
}

export interface BannerOptions {
  /** Written as soon as a connection is accepted. @default 'proxyspec-banner\r\n' */
  readonly banner?: string | Buffer
  /** Close after writing the banner. @default false */
  readonly closeAfterBanner?: boolean
}
