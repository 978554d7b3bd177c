/**
 * A full HPACK decoder (RFC 7541): static and dynamic tables, Huffman,
 * size updates. It judges nothing above HPACK itself: names and values come
 * back as latin1 strings with every octet as sent (uppercase, CR, LF, NUL
 * included), each with the representation it arrived in, so a witness can
 * log what a target sent before anything validates it. Our own for the
 * reasons given in hpack-encoder.ts, and because Node's decoder sits behind
 * nghttp2's field validation.
 */
import { huffmanDecode } from './hpack-huffman.js'
import { DynamicTable } from './hpack-static.js'
import type { LiteralIndexing } from './hpack-encoder.js'

export interface DecodedField {
  /** latin1: one char per octet as sent. */
  readonly name: string
  readonly value: string
  readonly rep: 'indexed' | LiteralIndexing
  /** The index used: of the whole field when indexed, of the name for a literal with an indexed name. */
  readonly index?: number
  /** Which strings were Huffman-coded (false for what came from a table). */
  readonly huffman: { readonly name: boolean; readonly value: boolean }
}

export interface DecodedBlock {
  /** The fields decoded, in order; those before an error are kept. */
  readonly fields: readonly DecodedField[]
  /** Dynamic Table Size Updates in the block, in order. */
  readonly sizeUpdates: readonly number[]
  /** Why decoding stopped early (a COMPRESSION_ERROR for the peer), if it did. */
  readonly error?: string
}

class Reader {
  at = 0
  readonly data: Buffer
  constructor(data: Buffer) {
    this.data = data
  }

  byte(): number {
    const b = this.data[this.at]
    if (b === undefined) throw new Error('header block truncated')
    return b
  }

  /** §5.1. */
  integer(prefixBits: number): number {
    const max = 2 ** prefixBits - 1
    let value = this.byte() & max
    this.at += 1
    if (value < max) return value
    let scale = 1
    for (;;) {
      const b = this.byte()
      this.at += 1
      value += (b & 0x7f) * scale
      scale *= 128
      if (value > Number.MAX_SAFE_INTEGER || scale > 2 ** 49) throw new Error('integer overflow')
      if ((b & 0x80) === 0) return value
    }
  }

  /** §5.2: [latin1 text, whether it was Huffman-coded]. */
  string(): [string, boolean] {
    const huffman = (this.byte() & 0x80) !== 0
    const length = this.integer(7)
    if (this.at + length > this.data.length) throw new Error('string literal truncated')
    const raw = this.data.subarray(this.at, this.at + length)
    this.at += length
    return [(huffman ? huffmanDecode(raw) : raw).toString('latin1'), huffman]
  }
}

export class HpackDecoder {
  readonly table: DynamicTable
  /** The most a size update may ask for: what we advertised in SETTINGS_HEADER_TABLE_SIZE. */
  maxAllowedTableSize: number

  constructor(maxTableSize = 4096) {
    this.table = new DynamicTable(maxTableSize)
    this.maxAllowedTableSize = maxTableSize
  }

  /** Decodes one whole header block (HEADERS or PUSH_PROMISE plus CONTINUATIONs). Never throws. */
  decode(block: Buffer): DecodedBlock {
    const fields: DecodedField[] = []
    const sizeUpdates: number[] = []
    const r = new Reader(block)
    try {
      while (r.at < block.length) {
        const first = r.byte()
        if ((first & 0x80) !== 0) {
          const index = r.integer(7)
          const entry = index === 0 ? undefined : this.table.get(index)
          if (entry === undefined) throw new Error(`index ${index} is not in the tables`)
          fields.push({
            name: entry[0],
            value: entry[1],
            rep: 'indexed',
            index,
            huffman: { name: false, value: false },
          })
          continue
        }
        if ((first & 0xe0) === 0x20) {
          const size = r.integer(5)
          if (size > this.maxAllowedTableSize) {
            throw new Error(`size update to ${size} above the ${this.maxAllowedTableSize} allowed`)
          }
          if (fields.length > 0) throw new Error('size update after the first field')
          this.table.setMaxSize(size)
          sizeUpdates.push(size)
          continue
        }
        const rep: LiteralIndexing =
          (first & 0xc0) === 0x40 ? 'incremental' : (first & 0xf0) === 0x10 ? 'never' : 'without'
        const nameIndex = r.integer(rep === 'incremental' ? 6 : 4)
        let name: string
        let nameHuffman = false
        if (nameIndex === 0) [name, nameHuffman] = r.string()
        else {
          const entry = this.table.get(nameIndex)
          if (entry === undefined) throw new Error(`name index ${nameIndex} is not in the tables`)
          name = entry[0]
        }
        const [value, valueHuffman] = r.string()
        if (rep === 'incremental') this.table.add(name, value)
        fields.push({
          name,
          value,
          rep,
          ...(nameIndex === 0 ? {} : { index: nameIndex }),
          huffman: { name: nameHuffman, value: valueHuffman },
        })
      }
    } catch (error) {
      return { fields, sizeUpdates, error: error instanceof Error ? error.message : String(error) }
    }
    return { fields, sizeUpdates }
  }
}
