/**
 * Byte buffers for incremental parsing. Pushed chunks are kept as a list and
 * never concatenated on push, and accumulated bytes go into a buffer that
 * doubles, so a message fed one byte at a time costs linear time.
 */

/** Received bytes not yet consumed: a list of chunks and a read offset into the first. */
export class ByteQueue {
  #chunks: Buffer[] = []
  #consumed = 0
  #first = 0
  #offset = 0
  #length = 0

  /** Bytes held. */
  get length(): number {
    return this.#length
  }

  /** Bytes removed so far, over the queue's life (a stream offset). */
  get consumed(): number {
    return this.#consumed
  }

  push(chunk: Buffer): void {
    if (chunk.length === 0) return
    this.#chunks.push(chunk)
    this.#length += chunk.length
  }

  /** The byte at `index` from the read position, or undefined past the end. */
  peek(index = 0): number | undefined {
    let i = index + this.#offset
    for (let c = this.#first; c < this.#chunks.length; c++) {
      const chunk = this.#chunks[c]!
      if (i < chunk.length) return chunk[i]
      i -= chunk.length
    }
    return undefined
  }

  /** Remove and return up to `max` bytes (no copy when they lie in one chunk). */
  take(max: number): Buffer {
    const parts: Buffer[] = []
    let wanted = Math.min(max, this.#length)
    while (wanted > 0) {
      const chunk = this.#chunks[this.#first]!
      const n = Math.min(wanted, chunk.length - this.#offset)
      parts.push(chunk.subarray(this.#offset, this.#offset + n))
      this.#advance(n)
      wanted -= n
    }
    return parts.length === 1 ? parts[0]! : Buffer.concat(parts)
  }

  /**
   * Move bytes into `sink` up to and including the first `byte`, at most `max`
   * bytes. Returns true when `byte` was moved (the line is complete).
   */
  takeThrough(byte: number, sink: ByteSink, max: number): boolean {
    let budget = max
    while (budget > 0 && this.#length > 0) {
      const chunk = this.#chunks[this.#first]!
      const end = Math.min(chunk.length, this.#offset + budget)
      const at = chunk.indexOf(byte, this.#offset)
      const stop = at !== -1 && at < end ? at + 1 : end
      const n = stop - this.#offset
      sink.append(chunk.subarray(this.#offset, stop))
      this.#advance(n)
      budget -= n
      if (stop === at + 1 && at !== -1) return true
    }
    return false
  }

  #advance(n: number): void {
    this.#offset += n
    this.#length -= n
    this.#consumed += n
    if (this.#offset === this.#chunks[this.#first]!.length) {
      this.#first++
      this.#offset = 0
      // Drop consumed chunks now and then, not on every step, so the list never shifts per byte.
      if (this.#first > 1024 && this.#first * 2 > this.#chunks.length) {
        this.#chunks = this.#chunks.slice(this.#first)
        this.#first = 0
      }
      if (this.#first === this.#chunks.length) {
        this.#chunks = []
        this.#first = 0
      }
    }
  }
}

/** A growable byte buffer (capacity doubles). Views it hands out are never overwritten. */
export class ByteSink {
  #buf: Buffer
  #length = 0

  constructor(capacity = 256) {
    this.#buf = Buffer.allocUnsafe(capacity)
  }

  get length(): number {
    return this.#length
  }

  append(bytes: Buffer): void {
    const needed = this.#length + bytes.length
    if (needed > this.#buf.length) {
      let capacity = this.#buf.length * 2
      while (capacity < needed) capacity *= 2
      const grown = Buffer.allocUnsafe(capacity)
      this.#buf.copy(grown, 0, 0, this.#length)
      this.#buf = grown
    }
    bytes.copy(this.#buf, this.#length)
    this.#length = needed
  }

  /** The bytes so far (a view; later appends do not change it). */
  view(): Buffer {
    return this.#buf.subarray(0, this.#length)
  }

  /** A copy of the bytes, sized exactly. */
  copy(): Buffer {
    return Buffer.from(this.view())
  }
}

/**
 * The lines of a head or trailer section as they arrive: bytes accumulate
 * until an empty line. Only new bytes are scanned, so partial input is cheap.
 */
export class SectionReader {
  readonly bytes = new ByteSink()
  #lineStart = 0

  /**
   * Move lines from `queue` until the empty line that ends the section.
   * Returns 'done', 'more' (need bytes), or 'too-large' (over `max` bytes).
   */
  read(queue: ByteQueue, max: number): 'done' | 'more' | 'too-large' {
    for (;;) {
      const found = queue.takeThrough(0x0a, this.bytes, max + 1 - this.bytes.length)
      if (this.bytes.length > max) return 'too-large'
      if (!found) return 'more'
      const lineLength = this.bytes.length - this.#lineStart
      this.#lineStart = this.bytes.length
      if (lineLength === 1) return 'done'
      if (lineLength === 2 && this.bytes.view()[this.bytes.length - 2] === 0x0d) return 'done'
    }
  }
}

/**
 * Drop the empty lines (CRLF or LF) at the front of `queue`: RFC 9112 §2.2
 * lets a recipient ignore them before a start line. Returns how many bytes
 * were dropped, and whether the next byte starts a line (false: need more).
 */
export function skipEmptyLines(queue: ByteQueue): { skipped: number; ready: boolean } {
  let skipped = 0
  for (;;) {
    const first = queue.peek(0)
    if (first === undefined) return { skipped, ready: false }
    let n = 0
    if (first === 0x0a) n = 1
    else if (first === 0x0d) {
      const second = queue.peek(1)
      if (second === undefined) return { skipped, ready: false }
      if (second === 0x0a) n = 2
    }
    if (n === 0) return { skipped, ready: true }
    queue.take(n)
    skipped += n
  }
}
