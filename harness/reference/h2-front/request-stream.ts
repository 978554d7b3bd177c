/**
 * One request stream of the h2 front (RFC 9113 §8.1): the validated request
 * is held until it is whole (or the steps say to start), then written as one
 * strict HTTP/1.1 request on an internal connection, its body streamed as
 * DATA arrives; the response comes back through InternalExchange.
 */
import type { Socket } from 'node:net'
import { ERROR_CODE } from '../../h2/constants.js'
import { InternalExchange } from './internal-exchange.js'
import { RequestIntake } from './request-intake.js'
import type { FrontStream, StreamHost } from './stream-host.js'
import type { H1Framing, H2Field, H2RequestHead } from './types.js'

/** Refuses the stream as malformed (RFC 9113 §8.1.1): a 400 when none was under way, then RST_STREAM. */
export function rejectStream(
  host: Pick<StreamHost, 'steps'> & {
    readonly out: Pick<StreamHost['out'], 'headers' | 'data' | 'reset'>
  },
  streamId: number,
  problem: string,
  responseStarted: boolean,
): void {
  const rejection = host.steps.rejectMalformed(problem, responseStarted)
  if (rejection.status !== undefined) {
    const body = Buffer.from(`proxyspec: malformed request: ${problem}\n`, 'latin1')
    host.out.headers(
      streamId,
      [
        { name: ':status', value: String(rejection.status) },
        { name: 'content-type', value: 'text/plain' },
        { name: 'content-length', value: String(body.length) },
      ],
      false,
    )
    host.out.data(streamId, body, false)
  }
  host.out.reset(streamId, rejection.code)
}

export class RequestStream implements FrontStream {
  readonly #id: number
  readonly #host: StreamHost
  readonly #head: H2RequestHead
  readonly #hostValue: string
  /** The client's side: checked, held until startForwarding says to start (request-intake.ts). */
  readonly #request: RequestIntake
  #framing: H1Framing | undefined
  #exchange: InternalExchange | undefined
  #done = false
  #rejected = false

  constructor(
    host: StreamHost,
    streamId: number,
    head: H2RequestHead,
    hostValue: string,
    endStream: boolean,
  ) {
    this.#host = host
    this.#id = streamId
    this.#head = head
    this.#hostValue = hostValue
    this.#request = new RequestIntake(host, head, endStream, {
      forwarding: () => this.#exchange !== undefined,
      malformed: (problem) => this.#malformed(problem),
      forward: (declared) => this.#forward(declared),
      data: (data, flowLength, end) => {
        this.#writeBody(data, flowLength)
        if (end) this.#endBody()
      },
      trailers: () => this.#endBody(),
    })
    host.out.open(streamId, { onDone: () => this.#outDone() })
    this.#request.maybeForward()
  }

  onData(data: Buffer, flowLength: number, endStream: boolean): void {
    if (this.#done) return
    this.#request.onData(data, flowLength, endStream)
  }

  onHeaders(fields: readonly H2Field[], endStream: boolean): void {
    if (this.#done) return
    this.#request.onHeaders(fields, endStream)
  }

  onClientReset(): void {
    if (this.#done) return
    this.#done = true
    this.#host.out.forget(this.#id)
    this.#exchange?.abort((socket) => this.#host.steps.onClientReset(socket))
    this.#host.finished(this.#id)
  }

  abort(): void {
    if (this.#done) return
    this.#done = true
    this.#exchange?.abort((socket) => socket.resetAndDestroy())
  }

  #malformed(problem: string): void {
    const started = this.#exchange?.responseStarted ?? false
    // Forwarding began: the HTTP/1.1 message is cut off, never completed with other bytes (RFC 9113 §8.1.1).
    this.#exchange?.abort((socket: Socket) => socket.resetAndDestroy())
    this.#rejected = true
    if (started) this.#host.out.resetNow(this.#id, ERROR_CODE.PROTOCOL_ERROR)
    else {
      this.#host.out.clear(this.#id)
      rejectStream(this.#host, this.#id, problem, started)
    }
    this.#done = true
  }

  #forward(declared: number | undefined): void {
    const { steps } = this.#host
    const request = this.#request
    const noBody = request.noBody
    this.#framing =
      declared !== undefined
        ? { kind: 'content-length', length: declared }
        : noBody
          ? { kind: 'none' }
          : { kind: 'chunked' }
    const head = steps.buildRequestHead({
      head: this.#head,
      host: this.#hostValue,
      mode: this.#host.mode,
      framing: this.#framing,
      ...(request.trailers === undefined ? {} : { trailers: request.trailers }),
    })
    this.#exchange = new InternalExchange(this.#host, {
      streamId: this.#id,
      method: this.#head.pseudo.method,
      upgradeAsked: false,
      onEnd: () => this.#exchangeOver(),
    })
    this.#exchange.write(head)
    for (const chunk of request.takeHeld()) this.#writeBody(chunk.data, chunk.flowLength)
    if (request.ended) this.#endBody()
  }

  #writeBody(data: Buffer, flowLength: number): void {
    const exchange = this.#exchange
    if (exchange === undefined) return
    const credit = (): void => this.#host.consumed(this.#id, flowLength)
    if (data.length === 0) {
      credit()
      return
    }
    if (this.#framing?.kind === 'chunked') {
      exchange.write(
        Buffer.concat([
          Buffer.from(`${data.length.toString(16)}\r\n`, 'latin1'),
          data,
          Buffer.from('\r\n'),
        ]),
        credit,
      )
    } else exchange.write(data, credit)
  }

  /** The client's side is complete: the last chunk (with trailers) for chunked framing. */
  #endBody(): void {
    const exchange = this.#exchange
    if (exchange === undefined || this.#framing?.kind !== 'chunked') return
    const trailers = (this.#request.trailers ?? []).map((f) => `${f.name}: ${f.value}\r\n`).join('')
    exchange.write(Buffer.from(`0\r\n${trailers}\r\n`, 'latin1'))
  }

  #exchangeOver(): void {
    // The response is complete (or failed): the stream ends when its queue is out.
  }

  /** Everything the front had for the stream went out (END_STREAM or RST_STREAM). */
  #outDone(): void {
    const wasDone = this.#done
    this.#done = true
    if (!wasDone) {
      // The response went out whole before the request ended: the rest of it is not needed.
      if (this.#exchange !== undefined && !this.#exchange.over)
        this.#exchange.abort((socket) => socket.destroy())
      // RFC 9113 §8.1: stop the upload without error after a complete response.
      if (!this.#request.ended && !this.#rejected)
        this.#host.out.reset(this.#id, ERROR_CODE.NO_ERROR)
    }
    this.#host.finished(this.#id)
  }
}
