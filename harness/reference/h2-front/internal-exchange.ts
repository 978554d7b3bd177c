/**
 * One stream's internal HTTP/1.1 connection to the reference proxy's own
 * listener: the request goes out on it, and the response read back with
 * harness/wire's strict parser (method-aware) is translated into the
 * stream's HEADERS, DATA, trailers or reset (RFC 9113 §8.1). One connection
 * per stream, never reused: it is ended when the response is complete and
 * reset when the exchange is aborted.
 */
import { connect, type Socket } from 'node:net'
import { ERROR_CODE } from '../../h2/constants.js'
import { createResponseParser } from '../../wire/parser.js'
import type { HttpParser } from '../../wire/http-parser.js'
import { WireError, type Framing, type ResponseHead } from '../../wire/types.js'
import type { StreamHost } from './stream-host.js'
import type { H2Field } from './types.js'

/** How a tunnel (2xx to CONNECT, or the 101 of a WebSocket handshake) takes over the connection. */
export interface TunnelHooks {
  /** The final head that switches the connection: the HEADERS block (`:status` first) to send, or a problem (502). */
  open(head: ResponseHead): { readonly fields: H2Field[] } | { readonly problem: string }
  /** Bytes from the target after the switch. */
  data(data: Buffer): void
}

export interface ExchangeOptions {
  readonly streamId: number
  /** The method the response answers (HEAD, CONNECT: no body; 2xx to CONNECT: a tunnel). */
  readonly method: string
  /** The request asked to switch protocols (a 101 is expected). */
  readonly upgradeAsked: boolean
  /** Set for CONNECT and extended CONNECT. */
  readonly tunnel?: TunnelHooks
  /** Called once when the exchange is over (response complete, failed or aborted). */
  readonly onEnd: () => void
}

export class InternalExchange {
  readonly socket: Socket
  readonly #host: StreamHost
  readonly #options: ExchangeOptions
  readonly #parser: HttpParser<ResponseHead>
  /** The method the response is framed for (responseMethod). */
  readonly #framedAs: string
  /** A final response head went to the client. */
  #started = false
  #over = false
  /** How the body of the final response relayed is framed (set once its head went out). */
  #bodyFraming: Framing | undefined
  #tunnelling = false
  #targetEnded = false

  constructor(host: StreamHost, options: ExchangeOptions) {
    this.#host = host
    this.#options = options
    this.#parser = createResponseParser({ mode: 'strict' })
    this.#framedAs = host.steps.responseMethod(options.method)
    this.#parser.expectResponseTo(this.#framedAs)
    this.socket = connect({
      host: host.internal.host,
      port: host.internal.port,
      allowHalfOpen: true,
    })
    this.socket.setNoDelay(true)
    host.tracker.add(this.socket)
    this.socket.on('data', (chunk: Buffer) => {
      if (this.#over) return
      if (this.#tunnelling) {
        this.#options.tunnel?.data(chunk)
        this.#backpressure()
        return
      }
      this.#parser.push(chunk)
      this.#drain()
    })
    this.socket.on('end', () => {
      this.#targetEnded = true
      if (this.#over || this.#tunnelling) return
      this.#parser.end()
      this.#drain()
      if (!this.#over) this.#fail('the proxy closed without a response')
    })
    this.socket.on('error', () => undefined)
    this.socket.on('close', () => {
      if (!this.#over && !this.#tunnelling) this.#fail('the internal connection failed')
    })
  }

  /** The target side sent FIN (a tunnel's half-close). */
  get targetEnded(): boolean {
    return this.#targetEnded
  }

  /** A final response (or a tunnel's 2xx) went to the client. */
  get responseStarted(): boolean {
    return this.#started
  }

  get over(): boolean {
    return this.#over
  }

  /** Writes request bytes; `written` runs once the socket took them. */
  write(bytes: Buffer, written?: () => void): void {
    if (this.socket.destroyed || this.socket.writableEnded) return
    this.socket.write(bytes, () => written?.())
  }

  /** The request is complete (or a tunnel's client side closed): FIN after the bytes. */
  end(): void {
    if (!this.socket.destroyed && !this.socket.writableEnded) this.socket.end()
  }

  /** The exchange is aborted: the internal connection is reset (the proxy aborts its upstream side). */
  abort(reset: (socket: Socket) => void): void {
    if (this.#over) return
    this.#finish()
    reset(this.socket)
  }

  #backpressure(): void {
    const { out } = this.#host
    const id = this.#options.streamId
    if (out.queued(id) > 256 * 1024) {
      this.socket.pause()
      out.onDrain(id, () => this.socket.resume())
    }
  }

  #finish(): void {
    if (this.#over) return
    this.#over = true
    this.#options.onEnd()
  }

  /** Ends the exchange cleanly: the response is complete. */
  #complete(): void {
    this.#finish()
    this.end()
    this.socket.resume()
  }

  /** A failure before a response went out is a 502; after, a reset of the stream. */
  #fail(why: string): void {
    if (this.#over) return
    const { out } = this.#host
    const id = this.#options.streamId
    if (!this.#started) {
      this.#started = true
      const body = Buffer.from(`proxyspec: ${why}\n`, 'latin1')
      out.headers(
        id,
        [
          { name: ':status', value: '502' },
          { name: 'content-type', value: 'text/plain' },
          { name: 'content-length', value: String(body.length) },
        ],
        false,
      )
      out.data(id, body, true)
    } else out.reset(id, ERROR_CODE.INTERNAL_ERROR)
    this.#finish()
    this.socket.destroy()
  }

  #drain(): void {
    const { steps, out } = this.#host
    const id = this.#options.streamId
    for (;;) {
      if (this.#over || this.#tunnelling) return
      let event
      try {
        event = this.#parser.next()
      } catch (error) {
        if (
          error instanceof WireError &&
          error.code === 'incomplete' &&
          this.#bodyFraming !== undefined
        ) {
          this.#cutShort(this.#bodyFraming)
          return
        }
        this.#fail(error instanceof Error ? error.message : 'an invalid response')
        return
      }
      if (event === undefined) return
      switch (event.type) {
        case 'head': {
          const { head } = event
          if (head.status < 200 && !(head.status === 101 && this.#options.tunnel !== undefined)) {
            const action = steps.interimResponse(head, this.#options.upgradeAsked)
            if (action === 'bad-gateway') {
              this.#fail(`a ${head.status} to a request that asked no upgrade`)
              return
            }
            if (action === 'relay') {
              out.headers(
                id,
                [
                  { name: ':status', value: String(head.status) },
                  ...steps.responseFields(head.headers),
                ],
                false,
              )
            }
            break
          }
          const tunnel = this.#options.tunnel
          if (tunnel !== undefined && this.#switches(head)) {
            const opened = tunnel.open(head)
            if ('problem' in opened) {
              this.#fail(opened.problem)
              return
            }
            this.#started = true
            out.headers(id, opened.fields, false)
            this.#tunnelling = true
            // The bytes after the head are the target's already.
            const rest = this.#parser.detach()
            if (rest.length > 0) tunnel.data(rest)
            return
          }
          if (tunnel !== undefined && this.#options.method !== 'CONNECT') {
            // An extended CONNECT answered without a switch: no tunnel (RFC 8441 §5).
            const opened = tunnel.open(head)
            this.#fail('problem' in opened ? opened.problem : 'no switch')
            return
          }
          this.#started = true
          const fields = [
            { name: ':status', value: String(head.status) },
            ...steps.responseFields(head.headers),
          ]
          if (steps.bodilessResponse(this.#framedAs, head.status)) {
            out.headers(id, fields, true)
            this.#complete()
            return
          }
          out.headers(id, fields, false)
          this.#bodyFraming = head.headers.some((f) => f.name.toLowerCase() === 'transfer-encoding')
            ? 'chunked'
            : head.headers.some((f) => f.name.toLowerCase() === 'content-length')
              ? 'content-length'
              : 'close-delimited'
          break
        }
        case 'body':
          out.data(id, event.data, false)
          this.#backpressure()
          break
        case 'message': {
          const { message } = event
          // An interim response's own end; after a relayed 101 the bytes come as 'tunnel' events.
          if (message.head.status < 200) break
          const code = steps.truncatedResponse(message)
          if (code !== undefined) out.reset(id, code)
          else {
            const trailers = steps.trailersOut(message.trailers)
            if (trailers === undefined) out.data(id, Buffer.alloc(0), true)
            else out.headers(id, trailers, true)
          }
          this.#complete()
          return
        }
        case 'tunnel':
          out.data(id, event.data, false)
          break
      }
    }
  }

  /**
   * The proxy closed before the body of the relayed response was complete
   * (the strict parser's 'incomplete'): the truncatedResponse step says how
   * the stream ends (RFC 9112 §8, RFC 9113 §8.1).
   */
  #cutShort(framing: Framing): void {
    const { steps, out } = this.#host
    const id = this.#options.streamId
    const code = steps.truncatedResponse({ complete: false, framing })
    if (code === undefined) out.data(id, Buffer.alloc(0), true)
    else out.reset(id, code)
    this.#finish()
    this.socket.destroy()
  }

  /** A 2xx to CONNECT, or a 101 to the WebSocket handshake, switches the connection. */
  #switches(head: ResponseHead): boolean {
    if (this.#options.method === 'CONNECT') return head.status >= 200 && head.status < 300
    return head.status === 101
  }
}
