/**
 * Streams a request upstream: the head, then the body as the client's parser
 * yields it (Content-Length bytes as they are, chunked re-chunked by us).
 */
import type { Socket } from 'node:net'
import type { RequestHead } from '../../wire/types.js'
import { encodeChunk, lastChunk } from './chunked.js'
import type { SocketReader } from './socket-reader.js'
import { writeAll } from './socket-io.js'

/** Longest request (head and body) kept for a replay on a fresh connection. */
export const REPLAY_LIMIT_BYTES = 64 * 1024

/**
 * Where the request bytes go. It keeps a copy while a replay is still possible
 * (an idempotent request on a reused connection, RFC 9112 §9.3.1), so a retry
 * on a fresh connection can resend the head and the body so far, then go on.
 * Write failures are not reported here: the response side sees the upstream fail.
 */
export class RequestSink {
  readonly #head: Buffer
  readonly #body: Buffer[] = []
  #bytes: number
  #recording: boolean
  #socket: Socket | undefined

  constructor(head: Buffer, recording: boolean) {
    this.#head = head
    this.#bytes = head.length
    this.#recording = recording && head.length <= REPLAY_LIMIT_BYTES
  }

  /** Still holds every byte of the request so far. */
  get replayable(): boolean {
    return this.#recording
  }

  /** Sends the head and the body so far to `socket`, and what follows too. */
  attach(socket: Socket): void {
    this.#socket = socket
    socket.write(this.#head)
    for (const part of this.#body) socket.write(part)
  }

  async write(data: Buffer): Promise<void> {
    if (data.length === 0) return
    if (this.#recording) {
      this.#bytes += data.length
      this.#body.push(data)
      if (this.#bytes > REPLAY_LIMIT_BYTES) {
        this.#recording = false
        this.#body.length = 0
      }
    }
    const socket = this.#socket
    if (socket !== undefined) await writeAll(socket, data)
  }

  /** Stops writing to the current upstream connection, the request body unfinished on it. */
  detach(): void {
    this.#socket = undefined
  }

  /** Kills the current upstream connection (the request cannot be completed). */
  abort(): void {
    this.#socket?.destroy()
  }
}

/** How reading the request body ended. */
export type PumpResult = 'done' | 'invalid' | 'gone'

/**
 * Copies the request body from the client parser to the sink. 'invalid': the
 * body broke the strict parser (400 if nothing was answered yet); 'gone': the
 * client closed, reset or went idle before the body ended.
 */
export async function pumpRequestBody(
  reader: SocketReader<RequestHead>,
  sink: RequestSink,
  chunked: boolean,
): Promise<PumpResult> {
  for (;;) {
    const event = await reader.next()
    switch (event.type) {
      case 'body':
        await sink.write(chunked ? encodeChunk(event.data) : event.data)
        break
      case 'message':
        if (!event.message.complete) return 'gone'
        if (chunked) await sink.write(lastChunk(event.message.trailers))
        return 'done'
      case 'invalid':
        return 'invalid'
      case 'head':
      case 'tunnel':
      case 'eof':
      case 'reset':
      case 'timeout':
      case 'aborted':
        return 'gone'
    }
  }
}
