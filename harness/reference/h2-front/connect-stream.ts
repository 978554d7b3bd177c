/**
 * CONNECT and extended CONNECT streams of the h2 front.
 *
 * - CONNECT (RFC 9113 §8.5): the form check (the step connectRequest), then
 *   `CONNECT host:port HTTP/1.1` on an internal connection to the reference
 *   proxy, whose CONNECT code applies the target rules (allow-list, auth,
 *   next hop). Its 2xx opens the tunnel: DATA ↔ bytes, END_STREAM ↔ FIN,
 *   client RST_STREAM → the internal connection reset, a target reset →
 *   RST_STREAM(CONNECT_ERROR) (the step tunnelClose). Any other answer is
 *   relayed as a response, and no tunnel opens.
 * - Extended CONNECT (RFC 8441 §4, §5): the front is the RFC 6455 client on
 *   the HTTP/1.1 hop (the step extendedConnect writes the handshake with a
 *   fresh random key), accepts only a 101 that passes
 *   websocketHandshakeCheck, and answers 200 without the accept, upgrade
 *   or connection fields; anything else is a 502 and no tunnel.
 *
 * DATA the client sends before the 2xx waits, and goes first once the
 * tunnel opens (dropped when it does not, RFC 9110 §9.3.6).
 */
import { ERROR_CODE } from '../../h2/constants.js'
import type { ResponseHead } from '../../wire/types.js'
import { InternalExchange } from './internal-exchange.js'
import { requestTarget } from './request-head.js'
import type { FrontStream, StreamHost } from './stream-host.js'
import type { H2Field, H2RequestHead } from './types.js'

/** Fields never copied onto the internal CONNECT request (the front writes Host; CONNECT has no content). */
const NOT_ON_CONNECT = new Set(['host', 'content-length', 'te'])

export class ConnectStream implements FrontStream {
  readonly #id: number
  readonly #host: StreamHost
  readonly #exchange: InternalExchange
  /** Client DATA before the tunnel opened. */
  readonly #early: { data: Buffer; flowLength: number }[] = []
  #open = false
  #clientEnded: boolean
  #targetEnded = false
  #outClosed = false
  #done = false

  /**
   * Opens the stream for a CONNECT or extended CONNECT head, or says why it
   * is malformed (the session refuses it then).
   */
  static open(
    host: StreamHost,
    streamId: number,
    head: H2RequestHead,
    endStream: boolean,
  ):
    | { readonly stream: ConnectStream }
    | { readonly problem: string }
    | { readonly answered: true } {
    const { steps } = host
    if (head.pseudo.protocol === undefined) {
      const checked = steps.connectRequest(head)
      if ('problem' in checked) return checked
      const lines = [`CONNECT ${checked.authority} HTTP/1.1`, `Host: ${checked.authority}`]
      for (const { name, value } of head.fields)
        if (!NOT_ON_CONNECT.has(name)) lines.push(`${name}: ${value}`)
      const request = Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1')
      return {
        stream: new ConnectStream(host, streamId, request, 'CONNECT', endStream, (response) => ({
          fields: steps.tunnelResponse(response, steps.responseFields(response.headers), 'connect'),
        })),
      }
    }
    const hostValue = steps.hostFromAuthority(head)
    if ('problem' in hostValue) return hostValue
    const handshake = steps.extendedConnect(head)
    if (handshake === undefined) {
      // Only websocket is bridged: another :protocol is refused (501, RFC 9220 §3 by analogy).
      host.out.open(streamId)
      host.out.headers(streamId, [{ name: ':status', value: '501' }], true)
      return { answered: true }
    }
    const target = requestTarget({
      head: { pseudo: { ...head.pseudo, method: 'GET' }, fields: [] },
      host: hostValue.host,
      mode: host.mode,
      framing: { kind: 'none' },
    })
    const lines = [`GET ${target} HTTP/1.1`, `Host: ${hostValue.host}`, ...handshake.lines]
    const request = Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1')
    return {
      stream: new ConnectStream(host, streamId, request, 'GET', endStream, (response) => {
        const problem = steps.websocketHandshakeCheck(response, handshake.key)
        if (problem !== undefined) return { problem }
        // RFC 8441 §5: a 200 without the accept, upgrade or connection field.
        return {
          fields: steps.tunnelResponse(
            response,
            steps.responseFields(response.headers),
            'websocket',
          ),
        }
      }),
    }
  }

  private constructor(
    host: StreamHost,
    streamId: number,
    request: Buffer,
    method: string,
    endStream: boolean,
    open: (head: ResponseHead) => { readonly fields: H2Field[] } | { readonly problem: string },
  ) {
    this.#host = host
    this.#id = streamId
    this.#clientEnded = endStream
    host.out.open(streamId, { onDone: () => this.#outDone() })
    this.#exchange = new InternalExchange(host, {
      streamId,
      method,
      upgradeAsked: method !== 'CONNECT',
      tunnel: {
        open: (head) => {
          const opened = open(head)
          if ('fields' in opened) this.#opened()
          return opened
        },
        data: (data) => host.out.data(streamId, data, false),
      },
      onEnd: () => undefined,
    })
    this.#exchange.write(request)
    this.#exchange.socket.on('end', () => this.#onTargetEnd())
    this.#exchange.socket.on('close', () => this.#onTargetClose())
  }

  onData(data: Buffer, flowLength: number, endStream: boolean): void {
    if (this.#done) return
    if (endStream) this.#clientEnded = true
    if (!this.#open) {
      this.#early.push({ data, flowLength })
      return
    }
    this.#write(data, flowLength)
    if (endStream) {
      this.#apply('client-end')
      this.#maybeFinish()
    }
  }

  onHeaders(): void {
    // RFC 9113 §8.5: only DATA, RST_STREAM, WINDOW_UPDATE and PRIORITY on a
    // CONNECT stream, anything else a stream error: RST_STREAM to the client,
    // and the TCP side as tunnelClose says (a reset).
    if (this.#done) return
    this.#endOnError('stream-error')
    this.#clientEnded = true
    this.#host.out.resetNow(this.#id, ERROR_CODE.PROTOCOL_ERROR)
  }

  onClientReset(): void {
    if (this.#done) return
    this.#done = true
    this.#host.out.forget(this.#id)
    if (this.#open) this.#apply('client-reset')
    else this.#exchange.abort((socket) => this.#host.steps.onClientReset(socket))
  }

  abort(): void {
    // The HTTP/2 connection failed (or the front stops): the TCP side as tunnelClose says.
    this.#endOnError('connection-error')
  }

  /** An HTTP/2 error ends the tunnel: its TCP side is closed as tunnelClose says (RFC 9113 §8.5). */
  #endOnError(event: 'stream-error' | 'connection-error'): void {
    if (this.#done) return
    this.#done = true
    if (!this.#open) {
      this.#exchange.abort((socket) => socket.resetAndDestroy())
      return
    }
    const action = this.#host.steps.tunnelClose(event)
    const socket = this.#exchange.socket
    if (action.kind === 'fin') {
      this.#exchange.end()
      // What the target still sends has nowhere to go: read and dropped until its own FIN.
      socket.resume()
      socket.on('end', () => socket.destroy())
    } else if (!socket.destroyed) socket.resetAndDestroy()
  }

  #opened(): void {
    this.#open = true
    for (const chunk of this.#early.splice(0)) this.#write(chunk.data, chunk.flowLength)
    if (this.#clientEnded) this.#apply('client-end')
  }

  #write(data: Buffer, flowLength: number): void {
    if (data.length === 0) this.#host.consumed(this.#id, flowLength)
    else this.#exchange.write(data, () => this.#host.consumed(this.#id, flowLength))
  }

  #onTargetEnd(): void {
    if (!this.#open || this.#done) return
    this.#targetEnded = true
    this.#apply('target-end')
  }

  #onTargetClose(): void {
    if (!this.#open || this.#done) return
    if (!this.#targetEnded) this.#apply('target-reset')
  }

  #apply(event: 'client-end' | 'client-reset' | 'target-end' | 'target-reset'): void {
    const action = this.#host.steps.tunnelClose(event)
    const socket = this.#exchange.socket
    switch (action.kind) {
      case 'fin':
        this.#exchange.end()
        break
      case 'reset-target':
        if (!socket.destroyed) socket.resetAndDestroy()
        break
      case 'end-stream':
        this.#host.out.data(this.#id, Buffer.alloc(0), true)
        break
      case 'rst-stream':
        // The stream is over both ways once the reset is out.
        this.#clientEnded = true
        this.#host.out.reset(this.#id, action.code)
        break
    }
  }

  /** Our side of the stream is out (END_STREAM, RST_STREAM, or a refusal). */
  #outDone(): void {
    this.#outClosed = true
    if (!this.#open) this.#clientEnded = true
    this.#maybeFinish()
  }

  /** Both directions closed: the stream leaves the table (the connection closes by its own FINs). */
  #maybeFinish(): void {
    if (!this.#outClosed || !this.#clientEnded) return
    this.#done = true
    if (!this.#open) this.#exchange.abort((socket) => socket.destroy())
    this.#host.finished(this.#id)
  }
}
