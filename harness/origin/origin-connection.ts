/**
 * One connection at the origin: read requests leniently (the origin must see
 * exactly what a broken target sent), record each, answer them in order with
 * the behaviour registered for their token, and record every byte both ways.
 */
import type { Socket } from 'node:net'
import type { TranscriptRecorder } from '../net/transcript.js'
import { requestTokenOf } from '../net/token.js'
import { ChangeSignal } from '../tcp/wait-until.js'
import { SentBytes } from './sent-bytes.js'
import { createRequestParser } from '../wire/parser.js'
import { responseBytes } from '../wire/serialize.js'
import type { HttpMessage, RequestHead, WireError } from '../wire/types.js'
import type { RequestLog } from './request-log.js'
import { routeResponse } from './route-response.js'
import type { OriginBehaviour, OriginConnection, OriginRequest } from './types.js'
import type { UpgradeEndpoint } from './upgrade-types.js'
import { switchedStream } from './upgrade-stream.js'

export interface ConnectionDeps {
  readonly log: RequestLog
  readonly transcript: TranscriptRecorder
  readonly scheme: 'http' | 'https'
  readonly authority: string
  behaviourFor(token: string | undefined): OriginBehaviour
}

/**
 * The largest request head the origin reads. Cases send heads well past the
 * 64 KiB many intermediaries allow (SMUG-14: a 64 KiB field, a 64 KiB target)
 * to see whether the target refuses them or forwards them whole; the origin
 * must not be the one that refuses, or a target that forwards them whole would
 * be blamed for relaying the origin's 400. Bounded, so a runaway head still ends.
 */
export const ORIGIN_MAX_HEAD_BYTES = 1024 * 1024

/** How long a closed-by-us connection waits for the peer's FIN before it is destroyed. */
const LINGER_MS = 2000

function isWireError(error: unknown): error is WireError {
  return error instanceof Error && error.name === 'WireError'
}

function placeholderMessage(head: RequestHead): HttpMessage<RequestHead> {
  return {
    head,
    framing: 'none',
    body: Buffer.alloc(0),
    trailers: [],
    complete: false,
    raw: head.raw,
    anomalies: head.anomalies,
  }
}

export function serveOriginConnection(socket: Socket, id: string, deps: ConnectionDeps): void {
  const { log, transcript } = deps
  const parser = createRequestParser({ mode: 'lenient', maxHeadBytes: ORIGIN_MAX_HEAD_BYTES })
  /** Responses go out in request order (pipelining): each waits for the one before. */
  let queue: Promise<void> = Promise.resolve()
  let done = false
  /** A raw responder that answers at the head has taken this request already (and may want its rest). */
  let answeredAtHead:
    | {
        readonly request: OriginRequest
        readonly behaviour: Extract<OriginBehaviour, { kind: 'raw' }>
      }
    | undefined
  /**
   * An upgrade request waits for its endpoint's answer: nothing after it is
   * parsed meanwhile (it may be the new protocol's bytes, RFC 9110 §7.8), and
   * `arrivals` tells the endpoint when such bytes come (UPG-06).
   */
  let holding = false
  const arrivals = new ChangeSignal()
  /** Where what the origin writes is counted: the request answered last (parse errors: none). */
  let answering: SentBytes | undefined
  const sentFor = new WeakMap<OriginRequest, SentBytes>()

  log.openConnection(id)
  transcript.record({
    hop: 'origin',
    conn: id,
    type: 'open',
    detail: `from ${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`,
  })

  const connection: OriginConnection = {
    id,
    write(data) {
      if (socket.destroyed || !socket.writable) return
      const bytes = typeof data === 'string' ? Buffer.from(data, 'latin1') : data
      transcript.data('origin', id, 'to-target', bytes)
      answering?.append(bytes)
      socket.write(bytes)
    },
    end() {
      finish()
    },
    reset() {
      if (socket.destroyed) return
      done = true
      log.closing(id, 'origin')
      transcript.record({ hop: 'origin', conn: id, type: 'reset', dir: 'to-target' })
      socket.resetAndDestroy()
    },
  }

  /** We close: FIN after what was written, then wait (bounded) for the peer's. */
  function finish(): void {
    if (done) return
    done = true
    if (socket.destroyed) return
    log.closing(id, 'origin')
    transcript.record({ hop: 'origin', conn: id, type: 'end', dir: 'to-target' })
    socket.setTimeout(LINGER_MS, () => socket.destroy())
    socket.end()
  }

  function answer(request: OriginRequest, behaviour: OriginBehaviour): void {
    queue = queue.then(async () => {
      if (done) return
      answering = sentFor.get(request)
      try {
        if (behaviour.kind === 'raw') {
          await behaviour.respond(request, connection)
          return
        }
        if (behaviour.kind === 'upgrade') {
          await answerUpgrade(request, behaviour.endpoint)
          return
        }
        const routed = await routeResponse(
          request.message,
          behaviour.handlers,
          behaviour.policy,
          deps.scheme,
          deps.authority,
        )
        connection.write(routed.bytes)
        if (!routed.keepOpen) finish()
      } catch (error) {
        transcript.record({
          hop: 'origin',
          conn: id,
          type: 'error',
          detail: `origin responder failed: ${String(error)}`,
        })
        connection.write(
          responseBytes({
            status: 500,
            headers: [
              ['Content-Length', '0'],
              ['Connection', 'close'],
            ],
          }),
        )
        finish()
      }
    })
  }

  /**
   * Refused: the bytes go out and HTTP parsing resumes. Switched: the head goes
   * out, the parser is detached, and the socket (with the unparsed bytes) is the
   * endpoint's; the transcript goes on recording both ways.
   */
  async function answerUpgrade(request: OriginRequest, endpoint: UpgradeEndpoint): Promise<void> {
    const answer = await endpoint.answer(request, {
      get early() {
        return parser.buffered
      },
      bytesAfterRequest: (ms) =>
        arrivals.until(
          'bytes after the upgrade request',
          () => (parser.buffered > 0 || done ? true : undefined),
          ms,
        ),
    })
    if (done) return
    if (answer.kind === 'refuse') {
      connection.write(answer.bytes)
      holding = false
      if (answer.close === true) finish()
      else pump()
      return
    }
    const early = parser.detach()
    socket.off('data', onData)
    socket.off('end', onEnd)
    connection.write(answer.head)
    const stream = switchedStream(socket, early, {
      received: (chunk) => transcript.data('origin', id, 'from-target', chunk),
      write: (chunk) => connection.write(chunk),
      peerEnded: () => {
        log.closing(id, 'peer')
        transcript.record({ hop: 'origin', conn: id, type: 'end', dir: 'from-target' })
      },
      end: () => finish(),
    })
    endpoint.switched?.({ request, conn: id, early, stream })
  }

  function record(message: HttpMessage<RequestHead>): OriginRequest {
    const sent = new SentBytes()
    const request = log.add({
      token: requestTokenOf(message.head),
      conn: id,
      message,
      at: performance.now(),
      sent,
    })
    sentFor.set(request, sent)
    return request
  }

  function pump(): void {
    for (;;) {
      if (done || holding) return
      let event
      try {
        event = parser.next()
      } catch (error) {
        // Lenient parsing gives up only on what it cannot get past (no start line, a huge head).
        const detail = isWireError(error) ? error.message : String(error)
        log.parseError(id, detail)
        transcript.record({
          hop: 'origin',
          conn: id,
          type: 'error',
          detail: `origin cannot parse the request: ${detail}`,
        })
        queue = queue.then(() => {
          answering = undefined
          connection.write(
            responseBytes({
              status: 400,
              headers: [
                ['Content-Length', '0'],
                ['Connection', 'close'],
              ],
            }),
          )
          finish()
        })
        return
      }
      if (event === undefined) return
      if (event.type === 'head') {
        const behaviour = deps.behaviourFor(requestTokenOf(event.head))
        if (behaviour.kind === 'raw' && behaviour.on === 'head') {
          const request = record(placeholderMessage(event.head))
          answeredAtHead = { request, behaviour }
          answer(request, behaviour)
        }
      } else if (event.type === 'message') {
        if (answeredAtHead !== undefined) {
          const early = answeredAtHead
          answeredAtHead = undefined
          early.behaviour.rest?.(event.message, early.request)
          continue
        }
        const behaviour = deps.behaviourFor(requestTokenOf(event.message.head))
        if (behaviour.kind === 'upgrade') holding = true
        answer(record(event.message), behaviour)
      }
      // 'body' events carry nothing the message will not; 'tunnel' cannot happen on a request parser.
    }
  }

  function onData(chunk: Buffer): void {
    transcript.data('origin', id, 'from-target', chunk)
    parser.push(chunk)
    if (holding) arrivals.notify()
    pump()
  }
  function onEnd(): void {
    log.closing(id, 'peer')
    transcript.record({ hop: 'origin', conn: id, type: 'end', dir: 'from-target' })
    parser.end()
    arrivals.notify()
    pump()
    // Answer what was asked, then close our side: a half-closed peer still reads.
    queue = queue.then(() => finish())
  }
  socket.on('data', onData)
  socket.on('end', onEnd)
  socket.on('error', (error: NodeJS.ErrnoException) => {
    log.closing(id, 'peer')
    const reset = error.code === 'ECONNRESET'
    transcript.record(
      reset
        ? { hop: 'origin', conn: id, type: 'reset', dir: 'from-target' }
        : { hop: 'origin', conn: id, type: 'error', detail: error.message },
    )
  })
  socket.on('close', () => {
    done = true
    arrivals.notify()
    transcript.record({ hop: 'origin', conn: id, type: 'close' })
    log.closed(id)
  })
}
