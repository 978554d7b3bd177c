/**
 * Decoding a chunked body (RFC 9112 §7.1) from a ByteQueue as bytes arrive:
 * chunk-size lines, chunk data, the CRLF after each chunk, the trailer section.
 */
import { AnomalyLog } from './anomalies.js'
import { ByteSink, SectionReader, type ByteQueue } from './byte-queue.js'
import { chunkSize } from './chunked.js'
import { parseFieldLines } from './field-lines.js'
import { splitLines } from './lines.js'
import type { HeaderField, ParseMode } from './types.js'

const CR = 0x0d
const LF = 0x0a

type Phase = 'size' | 'data' | 'data-end' | 'skip' | 'trailers' | 'done'

/**
 * What a step yields: chunk data, 'more' (need bytes), 'done' (last chunk and
 * trailers read), 'lost' (lenient: an unreadable chunk size, framing lost),
 * or null (progress without output; step again).
 */
export type ChunkStep = Buffer | 'more' | 'done' | 'lost' | null

export class ChunkedDecoder {
  readonly #queue: ByteQueue
  readonly #body: ByteSink
  readonly #framed: ByteSink
  readonly #log: AnomalyLog
  readonly #mode: ParseMode
  readonly #max: number
  /** Position of the framed body within the message, for trailer anomaly offsets. */
  readonly #base: number
  #phase: Phase = 'size'
  #remaining = 0
  #line = new ByteSink(64)
  #section = new SectionReader()
  trailers: HeaderField[] = []

  /** `body` gets the decoded data, `framed` every byte as received; anomalies go to `log`. */
  constructor(
    queue: ByteQueue,
    sinks: { body: ByteSink; framed: ByteSink },
    log: AnomalyLog,
    options: { mode: ParseMode; max: number; base: number },
  ) {
    this.#queue = queue
    this.#body = sinks.body
    this.#framed = sinks.framed
    this.#log = log
    this.#mode = options.mode
    this.#max = options.max
    this.#base = options.base
  }

  /** Bytes of a line or trailer section in progress (part of the message, not yet framed). */
  pending(): Buffer {
    return Buffer.concat([this.#line.view(), this.#section.bytes.view()])
  }

  step(): ChunkStep {
    switch (this.#phase) {
      case 'size':
        return this.#size()
      case 'data':
        return this.#data()
      case 'data-end':
        return this.#dataEnd()
      case 'skip':
        return this.#skip()
      case 'trailers':
        return this.#trailers()
      case 'done':
        return 'done'
    }
  }

  #size(): ChunkStep {
    const line = this.#takeLine()
    if (line === undefined) return 'more'
    const size = chunkSize(line, this.#framed.length - line.length, this.#log)
    if (size === undefined) return 'lost'
    this.#remaining = size
    this.#phase = size === 0 ? 'trailers' : 'data'
    return null
  }

  #data(): ChunkStep {
    if (this.#queue.length === 0) return 'more'
    const data = this.#queue.take(this.#remaining)
    this.#body.append(data)
    this.#framed.append(data)
    this.#remaining -= data.length
    if (this.#remaining === 0) this.#phase = 'data-end'
    return data
  }

  /** chunk-data is followed by CRLF (RFC 9112 §7.1). */
  #dataEnd(): ChunkStep {
    const first = this.#queue.peek(0)
    if (first === undefined) return 'more'
    let ending = 0
    if (first === LF) {
      this.#log.addOnce('bare-lf', 'chunk data followed by LF without CR', this.#framed.length)
      ending = 1
    } else if (first === CR) {
      const second = this.#queue.peek(1)
      if (second === undefined) return 'more'
      if (second === LF) ending = 2
    }
    if (ending === 0) {
      // Lenient: the chunk was longer than its size said; its excess up to the next line end is dropped.
      this.#log.addOnce(
        'invalid-chunk-ending',
        'chunk data not followed by CRLF',
        this.#framed.length,
      )
      this.#phase = 'skip'
      return null
    }
    this.#framed.append(this.#queue.take(ending))
    this.#phase = 'size'
    return null
  }

  #skip(): ChunkStep {
    if (this.#takeLine() === undefined) return 'more'
    this.#phase = 'size'
    return null
  }

  #trailers(): ChunkStep {
    const result = this.#section.read(this.#queue, this.#max)
    if (result === 'too-large') {
      this.#log.fatal(
        'head-too-large',
        `trailer section larger than ${this.#max} bytes`,
        this.#framed.length,
      )
    }
    if (result === 'more') return 'more'
    const bytes = this.#section.bytes.copy()
    this.#section = new SectionReader()
    const log = new AnomalyLog(this.#mode, this.#base + this.#framed.length)
    this.#framed.append(bytes)
    this.trailers = parseFieldLines(bytes, splitLines(bytes, log).slice(0, -1), log)
    for (const anomaly of log.list) this.#log.list.push(anomaly)
    this.#phase = 'done'
    return 'done'
  }

  /** A complete line (LF included), appended to the framed bytes; undefined until it is complete. */
  #takeLine(): Buffer | undefined {
    const found = this.#queue.takeThrough(LF, this.#line, this.#max + 1 - this.#line.length)
    if (this.#line.length > this.#max) {
      this.#log.fatal(
        'invalid-chunk-size',
        `chunk line longer than ${this.#max} bytes`,
        this.#framed.length,
      )
    }
    if (!found) return undefined
    const line = this.#line.copy()
    this.#line = new ByteSink(64)
    this.#framed.append(line)
    return line
  }
}
