import { raceTimeout } from '../net/deadline.js'
import { onceClose } from '../net/started.js'
import type { TranscriptRecorder } from '../net/transcript.js'
import { createClientSocket, whenConnected, type RawClientTlsOptions } from './connect-socket.js'
import { readResponseFrom } from './read-response.js'
import { ReceiveBuffer } from './receive-buffer.js'
import { watchSocket } from './socket-transcript.js'
import type { RawClient } from './types.js'
import { writeBytes } from './write-bytes.js'

export interface RawClientOptions {
  readonly host: string
  readonly port: number
  /** Connection id in the transcript, e.g. "c1". */
  readonly id: string
  readonly transcript: TranscriptRecorder
  /** Deadline of the connect and of every read that names none. @default 2000 */
  readonly timeoutMs?: number
  /** Aborting it resolves every pending read (and the connect) as a timeout. */
  readonly signal?: AbortSignal
  /** Speak TLS; the connection counts as open once the handshake is done. */
  readonly tls?: RawClientTlsOptions
}

const DEFAULT_TIMEOUT_MS = 2000

/**
 * Opens a raw connection: exact bytes out (optionally fragmented), responses
 * parsed by harness/wire, raw reads for tunnels, EOF/RST/half-close noticed,
 * and every event in the transcript under hop 'client'. Resolves once
 * connected (TLS: once secure); rejects with HARNESS_TARGET_UNREACHABLE.
 * Reads never throw for what the target does: a close, a timeout or a
 * malformed response is a value. One read at a time per client.
 *
 * @example
 * const client = await openRawClient({ host: '127.0.0.1', port, id: 'c1', transcript })
 * await client.write('GET / HTTP/1.1\r\nHost: a\r\n\r\n', { fragments: 1 })
 * const result = await client.readResponse()
 * await client.close()
 */
/** The most a single response or read-until-close may buffer (a flood ends there, at its deadline). */
const READ_CAP = 4 * 1024 * 1024

export async function openRawClient(options: RawClientOptions): Promise<RawClient> {
  const { id, transcript } = options
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS
  const socket = createClientSocket(options)
  const buffer = new ReceiveBuffer()
  buffer.onPressure = (full) => (full ? socket.pause() : socket.resume())
  const watch = watchSocket(socket, buffer, transcript, id)
  // destroy() aborts this too: a read must not outlive its connection.
  const life = new AbortController()
  const signal =
    options.signal === undefined ? life.signal : AbortSignal.any([life.signal, options.signal])
  await whenConnected(socket, options, timeoutMs, options.signal)

  const within = (ms: number | undefined): number => ms ?? timeoutMs
  const destroy = (): void => {
    if (!socket.destroyed) watch.closingLocally()
    life.abort()
    socket.destroy()
    // Nothing reads it any more: do not hold what arrived until the case ends.
    buffer.discard()
  }
  const close = onceClose(async () => {
    destroy()
    await raceTimeout('the client socket to close', watch.closed, timeoutMs)
  })

  return {
    id,
    get peerState() {
      return buffer.peerState
    },
    get buffered() {
      return buffer.length
    },
    write: (data, writeOptions) =>
      writeBytes({ socket, transcript, conn: id, timeoutMs, signal }, data, writeOptions),
    async end() {
      if (socket.destroyed || socket.writableEnded) return
      transcript.record({ hop: 'client', conn: id, type: 'end', dir: 'to-target' })
      const finished = new Promise<void>((resolve) => socket.end(() => resolve()))
      await raceTimeout('our FIN to be sent', finished, timeoutMs, signal)
    },
    async readResponse(readOptions = {}) {
      // A whole response may be bigger than the idle high-water mark; a flood still ends at this cap.
      buffer.want(READ_CAP)
      try {
        return await readResponseFrom(buffer, {
          mode: readOptions.mode ?? 'lenient',
          requestMethod: readOptions.requestMethod ?? 'GET',
          timeoutMs: within(readOptions.timeoutMs),
          signal,
        })
      } finally {
        buffer.want(0)
      }
    },
    async readBytes(n, readOptions = {}) {
      buffer.want(n)
      await buffer.until(
        `${n} bytes`,
        () => (buffer.length >= n || buffer.peerState !== 'open' ? true : undefined),
        within(readOptions.timeoutMs),
        signal,
      )
      buffer.want(0)
      const data = buffer.take(Math.min(n, buffer.length))
      if (data.length === n) return { data, ended: undefined }
      return { data, ended: buffer.peerState === 'open' ? 'timeout' : buffer.peerState }
    },
    async readUntilClose(readOptions = {}) {
      buffer.want(READ_CAP)
      await buffer.until(
        'the peer to close',
        () => (buffer.peerState !== 'open' ? true : undefined),
        within(readOptions.timeoutMs),
        signal,
      )
      buffer.want(0)
      const data = buffer.take(buffer.length)
      return { data, how: buffer.peerState === 'open' ? 'timeout' : buffer.peerState }
    },
    async waitForClose(readOptions = {}) {
      const outcome = await buffer.until(
        'the peer to close',
        () => {
          // Discard as it comes, so a peer that floods before closing cannot stall on a full buffer.
          buffer.take(buffer.length)
          return buffer.peerState === 'open' ? undefined : { kind: buffer.peerState }
        },
        within(readOptions.timeoutMs),
        signal,
      )
      buffer.take(buffer.length)
      return outcome
    },
    destroy,
    close,
    [Symbol.asyncDispose]: () => close(),
  }
}
