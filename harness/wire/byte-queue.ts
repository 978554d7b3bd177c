/**
 * Byte buffers for incremental parsing. Pushed chunks are kept as a list and
 * never concatenated on push, and accumulated bytes go into a buffer that
 * doubles (then into blocks, large pieces by reference), so a message fed one
 * byte at a time costs linear time.
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

/**
 * A growable byte buffer whose views are always its own memory. Small appends
 * are copied into blocks (one doubling buffer up to BLOCK, then blocks of up
 * to BLOCK); an append of SHARE_MIN bytes or more is kept by reference until
 * view() copies everything into one buffer. So a large body costs no copy
 * while it arrives: a body that never ends (read up to the client's cap) held
 * two doubling copies of itself per connection, 2 × 8 MiB at a 4 MiB cap.
 * Bytes appended by reference must not change until view() or copy(), as
 * pushed chunks must not change until the parser has consumed them.
 * Views it hands out are never overwritten.
 */
export class ByteSink {
  /** Size from which small appends go to a new block instead of doubling the buffer. */
  static readonly BLOCK = 64 * 1024
  /** Appends at least this large are kept by reference until view(). */
  static readonly SHARE_MIN = 4 * 1024
  /** Earlier pieces in order: regions of own blocks, or appended buffers kept by reference. */
  #parts: Buffer[] = []
  #partsBytes = 0
  /** The own block being filled; the current region is #buf[#start, #used). */
  #buf: Buffer
  #start = 0
  #used = 0
  /** Bytes of the blocks it allocated and still holds (appends kept by reference not counted). */
  #own: number

  constructor(capacity = 256) {
    this.#buf = Buffer.allocUnsafe(capacity)
    this.#own = capacity
  }

  get length(): number {
    return this.#partsBytes + this.#used - this.#start
  }

  /** Memory of its own it holds, slack included: what the bounds above are about. */
  get ownBytes(): number {
    return this.#own
  }

  append(bytes: Buffer): void {
    if (bytes.length === 0) return
    if (bytes.length >= ByteSink.SHARE_MIN) {
      this.#commit()
      this.#parts.push(bytes)
      this.#partsBytes += bytes.length
      return
    }
    if (bytes.length > this.#buf.length - this.#used) this.#grow(bytes.length)
    bytes.copy(this.#buf, this.#used)
    this.#used += bytes.length
  }

  /** The current region becomes a part; later small appends start a new region in the same block. */
  #commit(): void {
    if (this.#used === this.#start) return
    this.#parts.push(this.#buf.subarray(this.#start, this.#used))
    this.#partsBytes += this.#used - this.#start
    this.#start = this.#used
  }

  /** Room for `n` more bytes: double while everything fits in one small buffer, else a new block. */
  #grow(n: number): void {
    const region = this.#used - this.#start
    if (this.#parts.length === 0 && region + n <= ByteSink.BLOCK) {
      let capacity = this.#buf.length * 2
      while (capacity < region + n) capacity *= 2
      const grown = Buffer.allocUnsafe(Math.min(capacity, ByteSink.BLOCK))
      this.#own += grown.length - this.#buf.length
      this.#buf.copy(grown, 0, this.#start, this.#used)
      this.#buf = grown
      this.#start = 0
      this.#used = region
      return
    }
    this.#commit()
    // Blocks double up to BLOCK too: the last few bytes of a body after a large piece get a small one.
    this.#buf = Buffer.allocUnsafe(Math.max(n, Math.min(ByteSink.BLOCK, this.#buf.length * 2)))
    this.#own += this.#buf.length
    this.#start = 0
    this.#used = 0
  }

  /** The byte at `index`, or undefined past the end (nothing is joined). */
  at(index: number): number | undefined {
    if (index < 0 || index >= this.length) return undefined
    let i = index
    for (const part of this.#parts) {
      if (i < part.length) return part[i]
      i -= part.length
    }
    return this.#buf[this.#start + i]
  }

  /**
   * The pieces that make up the bytes, for a Buffer.concat that copies them
   * anyway (no join first). Some may be appended buffers: copy, do not keep.
   */
  pieces(): Buffer[] {
    return [...this.#parts, this.#buf.subarray(this.#start, this.#used)]
  }

  /** The bytes so far, in memory of its own (a view; later appends do not change it). Joins once. */
  view(): Buffer {
    if (this.#parts.length > 0) {
      const joined = Buffer.concat(this.pieces(), this.length)
      this.#parts = []
      this.#partsBytes = 0
      this.#buf = joined
      this.#start = 0
      this.#used = joined.length
      this.#own = joined.length
    }
    return this.#buf.subarray(this.#start, this.#used)
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
      if (lineLength === 2 && this.bytes.at(this.bytes.length - 2) === 0x0d) return 'done'
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
