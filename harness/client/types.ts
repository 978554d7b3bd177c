import type { TimeoutValue } from '../net/deadline.js'
import type { Started } from '../net/started.js'
import type { HttpMessage, ResponseHead, WireError } from '../wire/types.js'

export type CloseKind = 'eof' | 'reset'

/** What reading a response came to. A misbehaving target is a value here, never an exception. */
export type ReadResponseResult =
  | {
      readonly kind: 'response'
      readonly message: HttpMessage<ResponseHead>
      /** 1xx responses that came before it, in order. */
      readonly interim: readonly HttpMessage<ResponseHead>[]
    }
  | { readonly kind: 'closed'; readonly how: CloseKind; readonly partial: Buffer }
  | (TimeoutValue & { readonly partial: Buffer })
  | { readonly kind: 'malformed'; readonly error: WireError; readonly partial: Buffer }

export interface WriteOptions {
  /**
   * Split the bytes into several writes: a number is the size of every piece
   * (1 = one byte per write), an array gives the sizes in turn (the rest goes last).
   */
  readonly fragments?: number | readonly number[]
}

export interface ReadOptions {
  /** @default the client's own deadline (what is left of the case) */
  readonly timeoutMs?: number
}

export interface ReadResponseOptions extends ReadOptions {
  /** The method of the request this answers: HEAD and CONNECT change the framing. @default 'GET' */
  readonly requestMethod?: string
  /** @default 'lenient' */
  readonly mode?: 'strict' | 'lenient'
}

/**
 * A raw client connection: exact bytes out, responses parsed by harness/wire,
 * and every byte, EOF, RST and half-close in the case's transcript.
 * Disposable: `await using client = await openRawClient(…)`.
 */
export interface RawClient extends Started {
  /** Connection id in the transcript, e.g. "c1". */
  readonly id: string
  write(data: Buffer | string, options?: WriteOptions): Promise<void>
  /** Half-close: send FIN, keep reading. */
  end(): Promise<void>
  /**
   * One final response, the 1xx before it in `interim`. A 2xx to CONNECT (and a
   * 101) comes back with framing 'tunnel', and the bytes after its head stay
   * buffered for readBytes; a pipelined next response stays buffered for the
   * next read. A close-delimited body completes at EOF; EOF before a whole
   * head is 'closed'. A timeout, close or malformed result consumes nothing.
   */
  readResponse(options?: ReadResponseOptions): Promise<ReadResponseResult>
  /** Raw bytes (tunnel data): resolves once `n` bytes are buffered, or with what came before close or timeout. */
  readBytes(
    n: number,
    options?: ReadOptions,
  ): Promise<{ readonly data: Buffer; readonly ended: CloseKind | 'timeout' | undefined }>
  /** Everything until the peer closes (or the timeout). */
  readUntilClose(
    options?: ReadOptions,
  ): Promise<{ readonly data: Buffer; readonly how: CloseKind | 'timeout' }>
  /** Resolves when the peer closes (EOF or RST); a TimeoutValue if it does not. Unread bytes are discarded. */
  waitForClose(options?: ReadOptions): Promise<{ readonly kind: CloseKind } | TimeoutValue>
  /**
   * 'open' until the peer sends FIN ('eof') or RST ('reset'). Any other socket
   * error also ends reading as 'reset'; the transcript's 'error' event says which.
   */
  readonly peerState: 'open' | CloseKind
  /** Bytes received and not yet consumed by a read. */
  readonly buffered: number
  /** Tear down at once (idempotent); pending reads resolve as timeouts, and bytes not read are dropped. */
  destroy(): void
  /** destroy(), then resolves once the socket has closed. Idempotent, never throws. */
  close(): Promise<void>
}
