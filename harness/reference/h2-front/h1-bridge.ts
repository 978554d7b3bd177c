/**
 * HTTP/1.1 clients of a reference proxy with an h2 upstream: the proxy's
 * HTTP/1.1 path forwards to this bridge (a loopback listener of its own),
 * which sends each request to the h2 origin as an UpstreamRequest, exactly
 * as the h2 front does, so the same steps check the origin's response, and
 * writes the answer back as HTTP/1.1: a 502 for a malformed response, a cut
 * connection for one that fails under way (the proxy then closes its client
 * connection, RFC 9112 §8). One request per connection (Connection: close).
 */
import type { Socket } from 'node:net'
import { createRequestParser } from '../../wire/parser.js'
import { STATUS_REASONS } from '../../wire/serialize.js'
import type { RequestHead } from '../../wire/types.js'
import { CONNECTION_SPECIFIC } from './request-checks.js'
import type { H2FrontSteps } from './steps/index.js'
import type { H2Field } from './types.js'
import type { H2UpstreamPool } from './upstream-pool.js'
import { UpstreamRequest, type UpstreamHost } from './upstream-request.js'

const STREAM_ID = 1

/** The h2 fields of an HTTP/1.1 request head: names lowercase, hop-by-hop and Host removed. */
function requestFields(head: RequestHead): H2Field[] {
  const named = new Set<string>()
  for (const f of head.headers)
    if (f.name.toLowerCase() === 'connection')
      for (const t of f.value.split(',')) named.add(t.trim().toLowerCase())
  return head.headers
    .map((f) => ({ name: f.name.toLowerCase(), value: f.value }))
    .filter(
      (f) =>
        !CONNECTION_SPECIFIC.has(f.name) &&
        !named.has(f.name) &&
        f.name !== 'host' &&
        !(f.name === 'te' && f.value.trim().toLowerCase() !== 'trailers'),
    )
}

/** Writes what an UpstreamRequest answers as one HTTP/1.1 response on `socket`. */
class H1Out {
  readonly #socket: Socket
  readonly #method: string
  #onDone: (() => void) | undefined
  #headWritten = false
  #chunked = false
  #done = false

  constructor(socket: Socket, method: string) {
    this.#socket = socket
    this.#method = method
  }

  open(_streamId: number, callbacks: { onDone?: () => void } = {}): void {
    this.#onDone = callbacks.onDone
  }

  headers(_streamId: number, fields: readonly H2Field[], endStream: boolean): void {
    if (this.#done) return
    const lines = fields.filter((f) => !f.name.startsWith(':'))
    const text = (list: readonly H2Field[]): string =>
      list.map((f) => `${f.name}: ${f.value}\r\n`).join('')
    if (this.#headWritten) {
      // A trailer section: the last chunk carries it (a Content-Length body has none).
      if (this.#chunked) this.#write(`0\r\n${text(lines)}\r\n`)
      this.#finish()
      return
    }
    const status = Number(fields.find((f) => f.name === ':status')?.value ?? '502')
    const start = `HTTP/1.1 ${status} ${STATUS_REASONS[status] ?? ''}\r\n`
    if (status >= 100 && status < 200) {
      this.#write(`${start}${text(lines)}\r\n`)
      return
    }
    this.#headWritten = true
    const noContent = this.#method === 'HEAD' || status === 204 || status === 304
    const sized = lines.some((f) => f.name === 'content-length')
    this.#chunked = !noContent && !sized && !endStream
    const framing = this.#chunked
      ? 'transfer-encoding: chunked\r\n'
      : !noContent && !sized
        ? 'content-length: 0\r\n'
        : ''
    this.#write(`${start}${text(lines)}${framing}connection: close\r\n\r\n`)
    if (endStream) this.#finish()
  }

  data(_streamId: number, data: Buffer, endStream: boolean): void {
    if (this.#done) return
    if (data.length > 0)
      this.#write(
        this.#chunked
          ? Buffer.concat([
              Buffer.from(`${data.length.toString(16)}\r\n`),
              data,
              Buffer.from('\r\n'),
            ])
          : data,
      )
    if (!endStream) return
    if (this.#chunked) this.#write('0\r\n\r\n')
    this.#finish()
  }

  /** A reset: the HTTP/1.1 response is cut off (the connection is destroyed), never completed. */
  reset(): void {
    if (this.#done) return
    this.#done = true
    this.#socket.destroy()
    this.#onDone?.()
  }

  resetNow(): void {
    this.reset()
  }

  /** Nothing is queued: every write goes to the socket at once. */
  clear(): void {
    return undefined
  }

  /** The connection is the stream: nothing to forget. */
  forget(): void {
    return undefined
  }

  #write(bytes: Buffer | string): void {
    if (!this.#socket.destroyed && !this.#socket.writableEnded) this.#socket.write(bytes)
  }

  #finish(): void {
    this.#done = true
    this.#socket.end()
    this.#onDone?.()
  }
}

/** Serves one bridge connection: one HTTP/1.1 request to the h2 origin, its answer back. */
export function serveH1Bridge(socket: Socket, pool: H2UpstreamPool, steps: H2FrontSteps): void {
  const parser = createRequestParser({ mode: 'strict' })
  let stream: UpstreamRequest | undefined
  let over = false
  socket.on('error', () => undefined)
  socket.on('close', () => {
    if (!over) stream?.abort()
  })
  socket.on('data', (chunk: Buffer) => {
    if (over) return
    parser.push(chunk)
    for (let event = parser.next(); event !== undefined && !over; event = parser.next()) {
      if (event.type === 'head') {
        const head = event.head
        const out = new H1Out(socket, head.method)
        const host: UpstreamHost = {
          steps,
          out,
          window: 65_535,
          consumed: () => undefined,
          finished: () => {
            over = true
          },
        }
        const authority = head.headers.find((f) => f.name.toLowerCase() === 'host')?.value ?? ''
        stream = new UpstreamRequest(
          host,
          pool,
          STREAM_ID,
          {
            pseudo: { method: head.method, scheme: 'http', authority, path: head.target },
            fields: requestFields(head),
          },
          authority,
          false,
        )
      } else if (event.type === 'body') {
        stream?.onData(event.data, event.data.length, false)
      } else if (event.type === 'message') {
        const trailers = event.message.trailers
        if (trailers.length > 0)
          stream?.onHeaders(
            trailers.map((f) => ({ name: f.name.toLowerCase(), value: f.value })),
            true,
          )
        else stream?.onData(Buffer.alloc(0), 0, true)
        // One request per connection: what follows is not read.
        parser.end()
        return
      }
    }
  })
}
