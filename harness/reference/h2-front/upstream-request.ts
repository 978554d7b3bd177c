/**
 * One request stream of an h2 front started with an h2 upstream (RFC 9113
 * §8.1): the validated request is held like RequestStream holds it (the
 * startForwarding step), then sent to the origin as an h2 stream of the
 * pool; the origin's response is checked (validateUpstreamResponse,
 * checkUpstreamLength, validateUpstreamTrailers) and held (upstreamHold)
 * before it is relayed, so a malformed one becomes a 502, or a reset when
 * part of it already went out, never a response the client would accept.
 */
import { ERROR_CODE } from '../../h2/constants.js'
import { RequestIntake } from './request-intake.js'
import { rejectStream } from './request-stream.js'
import type { FrontStream, StreamHost } from './stream-host.js'
import type { Outbound } from './outbound.js'
import type { H2Field, H2RequestHead } from './types.js'
import { CUT_OFF_CODE } from './upstream-rules.js'
import type { H2UpstreamPool, UpstreamStream } from './upstream-pool.js'

/** What an upstream request writes its answer through: the h2 session, or the HTTP/1.1 bridge (h1-bridge.ts). */
export type UpstreamHost = Omit<StreamHost, 'out' | 'internal' | 'tracker' | 'mode'> & {
  readonly out: Pick<
    Outbound,
    'open' | 'headers' | 'data' | 'reset' | 'resetNow' | 'clear' | 'forget'
  >
}

export class UpstreamRequest implements FrontStream {
  readonly #id: number
  readonly #host: UpstreamHost
  readonly #pool: H2UpstreamPool
  readonly #head: H2RequestHead
  readonly #authority: string
  /** The client's side: checked, held until startForwarding says to start (request-intake.ts). */
  readonly #request: RequestIntake
  #upstream: UpstreamStream | undefined
  #done = false
  #rejected = false
  // The response.
  #final: readonly H2Field[] | undefined
  #responseLengths: readonly string[] = []
  #noContent = false
  readonly #body: Buffer[] = []
  #bodyBytes = 0
  #responseReceived = 0
  #responseEnded = false
  #responseTrailers: readonly H2Field[] | undefined
  #relaying = false
  #over = false

  constructor(
    host: UpstreamHost,
    pool: H2UpstreamPool,
    streamId: number,
    head: H2RequestHead,
    authority: string,
    endStream: boolean,
  ) {
    this.#host = host
    this.#pool = pool
    this.#id = streamId
    this.#head = head
    this.#authority = authority
    this.#request = new RequestIntake(host, head, endStream, {
      forwarding: () => this.#upstream !== undefined,
      malformed: (problem) => this.#malformed(problem),
      forward: () => this.#forward(),
      data: (data, flowLength, end) =>
        this.#upstream?.write(data, end, () => this.#host.consumed(this.#id, flowLength)),
      trailers: (fields) => this.#upstream?.trailers(fields),
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
    this.#over = true
    this.#host.out.forget(this.#id)
    this.#upstream?.reset(ERROR_CODE.CANCEL)
    this.#host.finished(this.#id)
  }

  abort(): void {
    if (this.#done) return
    this.#done = true
    this.#over = true
    this.#upstream?.reset(ERROR_CODE.CANCEL)
  }

  #malformed(problem: string): void {
    // Forwarding began: the origin's stream is reset, never completed with other bytes (RFC 9113 §8.1.1).
    this.#upstream?.reset(ERROR_CODE.CANCEL)
    this.#rejected = true
    this.#over = true
    if (this.#relaying) this.#host.out.resetNow(this.#id, ERROR_CODE.PROTOCOL_ERROR)
    else {
      this.#host.out.clear(this.#id)
      rejectStream(this.#host, this.#id, problem, false)
    }
    this.#done = true
  }

  #forward(): void {
    const { pseudo, fields } = this.#head
    const head: H2Field[] = [
      { name: ':method', value: pseudo.method },
      { name: ':scheme', value: pseudo.scheme ?? 'http' },
      { name: ':authority', value: this.#authority },
      { name: ':path', value: pseudo.path ?? '/' },
      ...fields,
    ]
    const request = this.#request
    const noBody = request.noBody
    const upstream = this.#pool.open(head, noBody, {
      onHeaders: (f, end) => this.#onResponseHeaders(f, end),
      onData: (data, end) => this.#onResponseData(data, end),
      onReset: (code) => this.#onUpstreamReset(code),
      onGone: (_processed, why) => {
        if (!this.#responseEnded) this.#fail(why)
      },
    })
    this.#upstream = upstream
    if (noBody) return
    const held = request.takeHeld()
    held.forEach((chunk, i) => {
      const last = i === held.length - 1 && request.ended && request.trailers === undefined
      upstream.write(chunk.data, last, () => this.#host.consumed(this.#id, chunk.flowLength))
    })
    if (request.trailers !== undefined) upstream.trailers(request.trailers)
    else if (request.ended && held.length === 0) upstream.write(Buffer.alloc(0), true)
  }

  #onResponseHeaders(fields: readonly H2Field[], endStream: boolean): void {
    if (this.#over) return
    const { steps } = this.#host
    if (this.#final === undefined) {
      const method = this.#head.pseudo.method
      const problem = steps.validateUpstreamResponse(fields, { method, endStream })
      if (problem !== undefined) {
        this.#fail(`a malformed response from the origin: ${problem}`)
        return
      }
      const status = fields.find((f) => f.name === ':status')?.value ?? ''
      if (status.startsWith('1')) {
        this.#host.out.headers(this.#id, fields, false)
        return
      }
      this.#final = fields
      this.#responseLengths = fields.filter((f) => f.name === 'content-length').map((f) => f.value)
      this.#noContent = method === 'HEAD' || status === '204' || status === '304'
      if (endStream) this.#responseEnded = true
    } else {
      const problem = steps.validateUpstreamTrailers(fields, endStream)
      if (problem !== undefined) {
        this.#fail(`a malformed response from the origin: ${problem}`)
        return
      }
      this.#responseTrailers = fields
      this.#responseEnded = true
    }
    if (this.#checkLength()) this.#progress()
  }

  #onResponseData(data: Buffer, endStream: boolean): void {
    if (this.#over) return
    if (this.#final === undefined) {
      this.#fail('a malformed response from the origin: DATA before its header block')
      return
    }
    this.#responseReceived += data.length
    if (endStream) this.#responseEnded = true
    if (!this.#checkLength()) return
    if (this.#relaying) {
      if (data.length > 0) this.#host.out.data(this.#id, data, false)
    } else {
      this.#body.push(data)
      this.#bodyBytes += data.length
    }
    this.#progress()
  }

  /** False (and the exchange failed) when the DATA disagree with the response's length. */
  #checkLength(): boolean {
    const problem = this.#host.steps.checkUpstreamLength(
      this.#responseLengths,
      this.#responseReceived,
      this.#responseEnded,
      this.#noContent,
    )
    if (problem === undefined) return true
    this.#fail(`a malformed response from the origin: ${problem}`)
    return false
  }

  #onUpstreamReset(code: number): void {
    // Consulted while anything of the stream is still to go to the client (a complete
    // response may still be queued behind the client's window).
    if (this.#done) return
    const action = this.#host.steps.upstreamReset(code, this.#responseEnded)
    switch (action.kind) {
      case 'deliver':
        if (this.#over) return
        this.#responseEnded = true
        if (this.#final === undefined) this.#fail(`the origin reset the stream (code ${code})`)
        else this.#progress()
        return
      case 'bad-gateway':
        this.#fail(`the origin reset the stream (code ${code})`)
        return
      case 'reset':
        this.#over = true
        this.#relaying = true
        this.#host.out.resetNow(this.#id, action.code)
        return
    }
  }

  /** Relays the response once the hold is over, and ends the client's stream once it is complete. */
  #progress(): void {
    const final = this.#final
    if (this.#over || final === undefined) return
    const out = this.#host.out
    if (!this.#relaying) {
      if (this.#host.steps.upstreamHold({ buffered: this.#bodyBytes, ended: this.#responseEnded }))
        return
      this.#relaying = true
      const bare =
        this.#responseEnded && this.#bodyBytes === 0 && this.#responseTrailers === undefined
      out.headers(this.#id, final, bare)
      if (bare) {
        this.#over = true
        return
      }
      for (const chunk of this.#body.splice(0))
        if (chunk.length > 0) out.data(this.#id, chunk, false)
    }
    if (!this.#responseEnded) return
    this.#over = true
    if (this.#responseTrailers !== undefined) out.headers(this.#id, this.#responseTrailers, true)
    else out.data(this.#id, Buffer.alloc(0), true)
  }

  /** The exchange failed: a 502 when nothing went out, else a reset after what did (never END_STREAM). */
  #fail(why: string): void {
    if (this.#over) return
    this.#over = true
    this.#upstream?.reset(ERROR_CODE.CANCEL)
    if (this.#relaying) {
      this.#host.out.reset(this.#id, CUT_OFF_CODE)
      return
    }
    this.#relaying = true
    const body = Buffer.from(`proxyspec: bad gateway: ${why}\n`, 'latin1')
    this.#host.out.headers(
      this.#id,
      [
        { name: ':status', value: '502' },
        { name: 'content-type', value: 'text/plain' },
        { name: 'content-length', value: String(body.length) },
      ],
      false,
    )
    this.#host.out.data(this.#id, body, true)
  }

  /** Everything the front had for the stream went out (END_STREAM or RST_STREAM). */
  #outDone(): void {
    const wasDone = this.#done
    this.#done = true
    if (!wasDone) {
      // The response went out whole before the request ended: the upload stops (RFC 9113 §8.1).
      this.#upstream?.reset(ERROR_CODE.CANCEL)
      if (!this.#request.ended && !this.#rejected)
        this.#host.out.reset(this.#id, ERROR_CODE.NO_ERROR)
    }
    this.#host.finished(this.#id)
  }
}
