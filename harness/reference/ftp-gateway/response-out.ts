/**
 * The HTTP response the gateway writes as the origin of an FTP object (RFC
 * 9110 §3.7): its own head (Date, RFC 9110 §6.6.1), framed by Content-Length,
 * chunked (HTTP/1.1 without a trustworthy length), or by close (HTTP/1.0).
 * The head goes out with the first body byte, so a transfer that fails before
 * it still gets a 502/504 (FTP-03).
 */
import type { Socket } from 'node:net'
import { httpDate } from '../proxy/message-head.js'
import { writeAll } from '../proxy/socket-io.js'
import { reasonPhrase } from './pages.js'

const CRLF = '\r\n'

/** One response on one client connection. */
export class ResponseOut {
  #headSent = false
  #chunked = false
  #closes = false

  readonly socket: Socket
  /** A HEAD request: heads only (RFC 9110 §9.3.2). */
  readonly head: boolean
  readonly clientMinor: 0 | 1
  /** Whether the connection may carry another request afterwards. */
  readonly persistable: boolean

  constructor(socket: Socket, head: boolean, clientMinor: 0 | 1, persistable: boolean) {
    this.socket = socket
    this.head = head
    this.clientMinor = clientMinor
    this.persistable = persistable
  }

  get headSent(): boolean {
    return this.#headSent
  }

  /** Whether the connection closes after this response whatever happens. */
  get closes(): boolean {
    return this.#closes || !this.persistable
  }

  /** Writes the head; `contentLength` undefined means chunked (1.1) or close-delimited (1.0). */
  async start(
    status: number,
    headers: readonly string[],
    contentLength: number | undefined,
  ): Promise<boolean> {
    this.#headSent = true
    const lines = [`HTTP/1.1 ${status} ${reasonPhrase(status)}`, `Date: ${httpDate()}`, ...headers]
    if (contentLength !== undefined) lines.push(`Content-Length: ${contentLength}`)
    else if (this.clientMinor === 1) {
      lines.push('Transfer-Encoding: chunked')
      this.#chunked = !this.head
    } else this.#closes = true
    if (this.closes) lines.push('Connection: close')
    return writeAll(this.socket, Buffer.from(lines.join(CRLF) + CRLF + CRLF, 'latin1'))
  }

  /** Writes body octets (none for HEAD), chunked when the head said so. */
  async body(octets: Buffer): Promise<boolean> {
    if (this.head || octets.length === 0) return !this.socket.destroyed
    if (!this.#chunked) return writeAll(this.socket, octets)
    return writeAll(
      this.socket,
      Buffer.concat([Buffer.from(`${octets.length.toString(16)}\r\n`), octets, Buffer.from(CRLF)]),
    )
  }

  /** Completes the message: the last-chunk when chunked (RFC 9112 §7.1). */
  async finish(): Promise<boolean> {
    if (!this.#chunked) return !this.socket.destroyed
    return writeAll(this.socket, Buffer.from(`0${CRLF}${CRLF}`))
  }

  /** A whole response of known length (a listing, an error page). */
  async complete(status: number, headers: readonly string[], body: Buffer): Promise<boolean> {
    const ok = await this.start(status, headers, body.length)
    return ok && (await this.body(body))
  }
}
