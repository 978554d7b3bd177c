/**
 * The incremental, pull-based HTTP/1.1 message reader. push() appends bytes,
 * next() returns one event or undefined when more bytes are needed. Bytes are
 * scanned once: heads and lines accumulate as they arrive, bodies are taken
 * whole from the received chunks, so one-byte pushes cost linear time.
 */
import { ByteQueue, SectionReader, skipEmptyLines } from './byte-queue.js'
import { decideFraming, type ContentLengthConversion } from './framing.js'
import { parseHead } from './head.js'
import { MessageState } from './message-state.js'
import type {
  HttpMessage,
  MessageHead,
  ParseEvent,
  ParseMode,
  ParserOptions,
  RequestHead,
  ResponseHead,
} from './types.js'
import { WireError } from './types.js'

type Phase = 'head' | 'message' | 'length' | 'close' | 'chunked' | 'tunnel' | 'closed'

/** What a step returns: an event, undefined (need bytes), or null (progress; step again). */
type Step<H extends MessageHead> = ParseEvent<H> | undefined | null

/** Incremental HTTP/1.1 parser for one direction of one connection. See CONTRACT.md. */
export class HttpParser<H extends MessageHead = MessageHead> {
  readonly #kind: 'request' | 'response'
  readonly #mode: ParseMode
  readonly #max: number
  readonly #convert: ContentLengthConversion | undefined
  readonly #queue = new ByteQueue()
  readonly #methods: string[] = []
  #section = new SectionReader()
  #phase: Phase = 'head'
  #current: MessageState | undefined
  #eof = false
  #afterEof: Buffer[] = []
  #error: WireError | undefined
  #skipped = 0
  #completed = 0

  constructor(kind: 'request' | 'response', options: ParserOptions) {
    this.#kind = kind
    this.#mode = options.mode
    this.#max = options.maxHeadBytes ?? 65536
    this.#convert = options.contentLengthValue
  }

  /** Append received bytes. Bytes pushed after end() are kept for detach() but never parsed. */
  push(chunk: Buffer): void {
    if (!this.#eof) return this.#queue.push(chunk)
    this.#afterEof.push(chunk)
    const current = this.#current
    if (this.#phase === 'close' && current !== undefined && chunk.length > 0) {
      const at = current.framed.length + this.#queue.length
      current.log.addOnce(
        'bytes-after-close-delimited',
        'bytes after EOF are not part of the body',
        at,
      )
    }
  }

  /** The peer sent EOF. */
  end(): void {
    this.#eof = true
  }

  /** Queue the method of a request sent on this connection (response parser, FIFO; GET when empty). */
  expectResponseTo(method: string): void {
    this.#methods.push(method)
  }

  /** 'idle' between messages, 'head' while one arrives, 'body' until its 'message' event. */
  get state(): 'idle' | 'head' | 'body' | 'tunnel' | 'closed' {
    if (this.#error !== undefined) return 'closed'
    switch (this.#phase) {
      case 'closed':
      case 'tunnel':
        return this.#phase
      case 'head':
        if (this.#section.bytes.length > 0) return 'head'
        return this.#eof && this.#queue.length === 0 ? 'closed' : 'idle'
      case 'message':
      case 'length':
      case 'close':
      case 'chunked':
        return 'body'
    }
  }

  /** Bytes received and not consumed by an event yet (what detach() would return). */
  get buffered(): number {
    const partial = this.#partial().reduce((n, b) => n + b.length, 0)
    return partial + this.#queue.length + this.#afterEof.reduce((n, b) => n + b.length, 0)
  }

  /** Stream offset where the unfinished message (or the unread input) begins. */
  get completedBytes(): number {
    return this.#completed
  }

  /** Stop parsing; returns the bytes received and not yet consumed (a partial head included). */
  detach(): Buffer {
    const partial = this.#partial()
    const queued = this.#queue.take(this.#queue.length)
    this.#phase = 'closed'
    this.#section = new SectionReader()
    const rest = Buffer.concat([...partial, queued, ...this.#afterEof])
    this.#afterEof = []
    return rest
  }

  /** Bytes taken from the queue but not yet given to an event: a partial head, chunk line or trailer section. */
  #partial(): Buffer[] {
    if (this.#phase === 'head') return [this.#section.bytes.view()]
    if (this.#phase === 'chunked') return [this.#current!.chunked!.pending()]
    return []
  }

  /** The next event, or undefined when more bytes (or end()) are needed. Throws WireError (see CONTRACT.md). */
  next(): ParseEvent<H> | undefined {
    if (this.#error !== undefined) throw this.#error
    try {
      for (;;) {
        const step = this.#step()
        if (step !== null) return step
      }
    } catch (error) {
      if (error instanceof WireError) this.#error = error
      throw error
    }
  }

  #step(): Step<H> {
    switch (this.#phase) {
      case 'head':
        return this.#readHead()
      case 'message':
        return this.#emitMessage(this.#current!)
      case 'length':
      case 'close':
        return this.#readBody(this.#current!)
      case 'chunked':
        return this.#readChunked(this.#current!)
      case 'tunnel':
        if (this.#queue.length === 0) return this.#stall()
        return this.#tunnel(this.#queue.take(this.#queue.length))
      case 'closed':
        return undefined
    }
  }

  #readHead(): Step<H> {
    if (this.#section.bytes.length === 0) {
      const { skipped, ready } = skipEmptyLines(this.#queue)
      this.#skipped += skipped
      if (skipped > 0) this.#completed = this.#queue.consumed
      if (!ready) return this.#stall()
    }
    const result = this.#section.read(this.#queue, this.#max)
    if (result === 'too-large') {
      const message = `head larger than ${this.#max} bytes`
      throw new WireError({ code: 'head-too-large', message, offset: this.#max })
    }
    if (result === 'more') return this.#stall()
    const { head, log } = parseHead(
      this.#kind,
      this.#section.bytes.copy(),
      this.#mode,
      this.#skipped,
    )
    let method = this.#methods[0] ?? 'GET'
    if (head.kind === 'request') method = head.method
    // An interim 1xx leaves the request waiting for its final response (RFC 9110 §15.2).
    else if (head.status === 101 || head.status >= 200) this.#methods.shift()
    const decision = decideFraming(head, method, log, this.#convert)
    this.#section = new SectionReader()
    this.#skipped = 0
    this.#current = new MessageState(head, decision, this.#queue, {
      mode: this.#mode,
      max: this.#max,
    })
    const { framing, length } = decision
    if (framing === 'chunked') this.#phase = 'chunked'
    else if (framing === 'close-delimited') this.#phase = 'close'
    else this.#phase = framing === 'content-length' && length > 0 ? 'length' : 'message'
    return { type: 'head', head: head as H }
  }

  #readBody(current: MessageState): Step<H> {
    if (this.#queue.length === 0) return this.#stall()
    const close = this.#phase === 'close'
    const data = this.#queue.take(close ? this.#queue.length : current.remaining)
    current.body.append(data)
    current.remaining -= data.length
    if (!close && current.remaining === 0) this.#phase = 'message'
    return { type: 'body', data }
  }

  #readChunked(current: MessageState): Step<H> {
    const step = current.chunked!.step()
    if (step === null) return null
    if (step === 'more') return this.#stall()
    if (step === 'lost') {
      current.complete = false
      current.lost = true
    }
    if (typeof step !== 'string') return { type: 'body', data: step }
    this.#phase = 'message'
    return null
  }

  #tunnel(data: Buffer): Step<H> {
    this.#completed = this.#queue.consumed
    return { type: 'tunnel', data }
  }

  /** More bytes are needed: undefined, unless the peer has closed. */
  #stall(): Step<H> {
    if (!this.#eof) return undefined
    switch (this.#phase) {
      case 'head':
        if (this.#section.bytes.length === 0 && this.#queue.length === 0) break
        throw new WireError({
          code: 'incomplete',
          message: 'the peer closed in the middle of a head',
          offset: this.#section.bytes.length + this.#queue.length,
        })
      case 'close':
        // A close-delimited body ends with the connection (RFC 9112 §6.3 rule 8).
        this.#phase = 'message'
        return null
      case 'length':
      case 'chunked':
        this.#current!.cutShort()
        this.#phase = 'message'
        return null
      case 'message':
      case 'tunnel':
      case 'closed':
        break
    }
    this.#phase = 'closed'
    return undefined
  }

  #emitMessage(current: MessageState): Step<H> {
    const message = current.toMessage()
    this.#current = undefined
    this.#completed = this.#queue.consumed
    if (current.framing === 'tunnel') this.#phase = 'tunnel'
    else this.#phase = current.lost ? 'closed' : 'head'
    return { type: 'message', message: message as HttpMessage<H> }
  }
}

/** A parser for requests (the origin's side of a connection). */
export function createRequestParser(options: ParserOptions): HttpParser<RequestHead> {
  return new HttpParser<RequestHead>('request', options)
}

/** A parser for responses (the client's side); call expectResponseTo() for each request sent. */
export function createResponseParser(options: ParserOptions): HttpParser<ResponseHead> {
  return new HttpParser<ResponseHead>('response', options)
}
