import type { RequestHandler } from 'msw'
import type { TimeoutValue } from '../net/deadline.js'
import type { Started } from '../net/started.js'
import type { TranscriptRecorder } from '../net/transcript.js'
import type { HttpMessage, RequestHead } from '../wire/types.js'
import type { UpgradeEndpoint } from './upgrade-types.js'

/** One request as the origin read it (lenient parsing: anomalies recorded, not fatal). */
export interface OriginRequest {
  /** Sequence number of the request at this origin, from 1. */
  readonly id: number
  /** The case token found in the request-target, if any. */
  readonly token: string | undefined
  /** Origin connection id: "o1", "o2", ... */
  readonly conn: string
  /** 1-based index of this request on its connection (2 = the connection was reused). */
  readonly connSeq: number
  readonly message: HttpMessage<RequestHead>
  /** performance.now() when the head was complete. */
  readonly at: number
  /** What the origin wrote back for it so far (empty until it answers; harness/origin/sent-bytes.ts). */
  readonly sent: OriginSent
}

/** The bytes the origin wrote in answer to one request (the first 64 KiB). */
export interface OriginSent {
  readonly bytes: Buffer
}

/**
 * Traffic at the origin that no case token names: a request without a token,
 * or bytes the origin could not parse. `owner` is the token of the last
 * request with a token on the same connection before it, when there was one:
 * through a pooled upstream connection, that case's bytes are the likely
 * cause (a desync), whichever case happens to run when they arrive.
 */
export interface OriginStray {
  readonly kind: 'request' | 'parse-error'
  /** Origin connection id: "o1", "o2", ... */
  readonly conn: string
  /** performance.now() when it was read. */
  readonly at: number
  /** The request line as received, or the origin parser's error. */
  readonly detail: string
  readonly owner?: string
}

/**
 * How the origin treats persistence:
 * - 'honour': HTTP/1.1 stays open unless the request says close; an HTTP/1.0
 *   exchange stays open only when the request asked for keep-alive (and then
 *   the response says `Connection: keep-alive`);
 * - 'close': the response says `Connection: close` and the origin closes;
 * - 'ignore-close': never closes, even when the request asked it to.
 */
export type Persistence = 'honour' | 'close' | 'ignore-close'

export type OriginFraming = 'content-length' | 'chunked' | 'close-delimited'

export interface ConnectionPolicy {
  /** @default 'honour' */
  readonly persistence?: Persistence
  /** @default 'content-length' */
  readonly framing?: OriginFraming
  /** Version in the status line. @default 'HTTP/1.1' */
  readonly version?: 'HTTP/1.1' | 'HTTP/1.0'
}

/** The connection a raw responder answers on. */
export interface OriginConnection {
  readonly id: string
  write(data: Buffer | string): void
  /** Send FIN after what was written. */
  end(): void
  /** Abort with RST. */
  reset(): void
}

export type OriginBehaviour =
  | {
      readonly kind: 'routes'
      /** msw request handlers; the first that returns a Response answers. */
      readonly handlers: readonly RequestHandler[]
      readonly policy?: ConnectionPolicy
    }
  | {
      readonly kind: 'raw'
      /** When to call respond: once the head is read, or once the whole message is. @default 'message' */
      readonly on?: 'head' | 'message'
      /**
       * Writes whatever bytes it likes. The origin goes on reading requests on the
       * connection afterwards unless the responder ended or reset it.
       */
      respond(request: OriginRequest, connection: OriginConnection): void | Promise<void>
      /**
       * With `on: 'head'`: called once the rest of that message (its body, as
       * the origin framed it) has been read on the connection, with the whole
       * message. What a target sent as that body is evidence (KA-12 upstream).
       */
      rest?(message: HttpMessage<RequestHead>, request: OriginRequest): void
    }
  | {
      /**
       * An upgrade endpoint (harness/origin/upgrade-endpoints.ts): answered once the
       * request is read; nothing after it is parsed until the endpoint refuses, and
       * after a switch the connection is the endpoint's (bytes still recorded).
       */
      readonly kind: 'upgrade'
      readonly endpoint: UpgradeEndpoint
    }

export interface OriginConnectionRecord {
  readonly id: string
  readonly openedAt: number
  /** Set when the socket closed; 'peer' when the target closed it first, 'origin' when we did. */
  readonly closedBy?: 'peer' | 'origin'
  readonly requests: number
}

export interface OriginOptions {
  /** Behaviour for requests without a registered token. @default 200 text "proxyspec origin: METHOD TARGET" */
  readonly defaultBehaviour?: OriginBehaviour
  /** A fixed port (e.g. --origin-port). @default 0: the OS picks */
  readonly port?: number
  /** Serve TLS with this certificate (PEM). */
  readonly tls?: { readonly cert: string; readonly key: string }
  /** Where wire events go (hop 'origin'). @default a recorder of its own */
  readonly transcript?: TranscriptRecorder
  /** Prefix of connection ids. @default 'o' */
  readonly connPrefix?: string
}

export interface StartedOrigin extends Started {
  readonly host: string
  readonly port: number
  /** "127.0.0.1:port" */
  readonly authority: string
  /** "http://127.0.0.1:port" (https for a TLS origin) */
  readonly url: string
  readonly transcript: TranscriptRecorder
  /** How requests carrying `token` are answered from now on. */
  behave(token: string, behaviour: OriginBehaviour): void
  forget(token: string): void
  /** Every request recorded so far, or those carrying `token`. */
  requests(token?: string): readonly OriginRequest[]
  /**
   * The next request carrying `token` that this method has not returned yet
   * (a queue per token, so subscribing after the request arrived still works).
   */
  nextRequest(token: string, timeoutMs: number): Promise<OriginRequest | TimeoutValue>
  readonly connections: readonly OriginConnectionRecord[]
  /** Token-less requests and parse errors so far (the latest, bounded), each with its connection's owner. */
  strays(): readonly OriginStray[]
  /** How many strays were seen in all, including those no longer kept. */
  readonly strayCount: number
  /** Resolves when connection `id` has closed; which side closed it first. */
  connectionClosed(id: string, timeoutMs: number): Promise<'peer' | 'origin' | TimeoutValue>
  /** Replace the TLS certificate for connections accepted from now on (TLS origins only). */
  setCertificate(pem: { readonly cert: string; readonly key: string }): void
}
