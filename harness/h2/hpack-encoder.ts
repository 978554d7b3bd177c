/**
 * Our own HPACK encoder (RFC 7541). Why not a package or Node's: the cases
 * must choose the representation of every field (indexed; literal with
 * incremental, without or never indexing; a literal or an indexed name;
 * Huffman or raw strings; a dynamic-table reference to an earlier block;
 * size updates anywhere), and must send octets no conformant encoder
 * accepts: uppercase names, CR/LF/NUL in values, connection-specific
 * fields. node:http2 refuses those before they reach the wire (it throws
 * ERR_HTTP2_INVALID_CONNECTION_HEADERS, ERR_INVALID_CHAR), and no HPACK
 * package is installed in this repository. The encoder keeps its own copy
 * of the dynamic table so later references name the right entry; the peer's
 * decoder (hpack-decoder.ts) is the mirror of it.
 */
import { huffmanEncode } from './hpack-huffman.js'
import { DynamicTable } from './hpack-static.js'

/** Huffman for both strings, or per string. @default false (raw octets) */
export type HuffmanChoice = boolean | { readonly name?: boolean; readonly value?: boolean }

export type LiteralIndexing = 'incremental' | 'without' | 'never'

/** How one field goes on the wire (RFC 7541 §6). */
export type FieldRepresentation =
  /** §6.1. `index` omitted: the lowest static or dynamic entry matching name and value exactly (throws if none). */
  | { readonly kind: 'indexed'; readonly index?: number }
  /**
   * §6.2. `name`: 'literal' sends the name as a string; 'indexed' refers to
   * the lowest static or dynamic entry with this name (throws if none); a
   * number is sent as the name index whatever entry it is.
   */
  | {
      readonly kind: 'literal'
      /** @default 'without' */
      readonly indexing?: LiteralIndexing
      /** @default 'literal' */
      readonly name?: 'literal' | 'indexed' | number
      readonly huffman?: HuffmanChoice
    }

/** One field to encode. Strings are latin1: each char is one octet, any octet allowed. */
export interface FieldSpec {
  readonly name: string | Buffer
  readonly value: string | Buffer
  /**
   * @default an exact table match as indexed, else a literal without
   * indexing, its name indexed where the tables have it, raw strings
   */
  readonly as?: FieldRepresentation
}

/** A Dynamic Table Size Update (§6.3), emitted where it stands in the block. */
export interface SizeUpdate {
  readonly sizeUpdate: number
}

export type BlockItem = FieldSpec | SizeUpdate

const latin1 = (s: string | Buffer): string => (typeof s === 'string' ? s : s.toString('latin1'))

/** §5.1: `value` with an N-bit prefix; `high` holds the pattern bits above the prefix. */
export function encodeInteger(value: number, prefixBits: number, high = 0): Buffer {
  const max = 2 ** prefixBits - 1
  if (value < max) return Buffer.from([high | value])
  const out = [high | max]
  let rest = value - max
  while (rest >= 128) {
    out.push((rest % 128) + 128)
    rest = Math.floor(rest / 128)
  }
  out.push(rest)
  return Buffer.from(out)
}

/** §5.2: a string literal, Huffman-coded or raw. */
export function encodeString(data: Buffer, huffman: boolean): Buffer {
  const body = huffman ? huffmanEncode(data) : data
  return Buffer.concat([encodeInteger(body.length, 7, huffman ? 0x80 : 0), body])
}

const huffmanFor = (choice: HuffmanChoice | undefined, part: 'name' | 'value'): boolean =>
  typeof choice === 'object' ? choice[part] === true : choice === true

/** The first octet's pattern and prefix size of each literal kind (§6.2.1–§6.2.3). */
const LITERAL: Record<LiteralIndexing, readonly [high: number, prefix: number]> = {
  incremental: [0x40, 6],
  without: [0x00, 4],
  never: [0x10, 4],
}

export class HpackEncoder {
  /** Our view of the peer decoder's dynamic table. */
  readonly table: DynamicTable

  /** `maxTableSize`: the table size the peer's decoder starts with (its SETTINGS_HEADER_TABLE_SIZE). */
  constructor(maxTableSize = 4096) {
    this.table = new DynamicTable(maxTableSize)
  }

  /** One header block, in order; the dynamic table changes as the peer's will. */
  encode(items: readonly BlockItem[]): Buffer {
    return Buffer.concat(items.map((item) => this.#item(item)))
  }

  #item(item: BlockItem): Buffer {
    if ('sizeUpdate' in item) {
      this.table.setMaxSize(item.sizeUpdate)
      return encodeInteger(item.sizeUpdate, 5, 0x20)
    }
    const name = latin1(item.name)
    const value = latin1(item.value)
    const as = item.as ?? this.#auto(name, value)
    if (as.kind === 'indexed') {
      const index = as.index ?? this.table.findField(name, value)
      if (index === undefined) {
        throw new Error(
          `[proxyspec] HPACK: no table entry for ${JSON.stringify(name)}: ${JSON.stringify(value)}`,
        )
      }
      return encodeInteger(index, 7, 0x80)
    }
    const indexing = as.indexing ?? 'without'
    const [high, prefix] = LITERAL[indexing]
    let nameIndex: number | undefined
    if (typeof as.name === 'number') nameIndex = as.name
    else if (as.name === 'indexed') {
      nameIndex = this.table.findName(name)
      if (nameIndex === undefined) {
        throw new Error(`[proxyspec] HPACK: no table entry named ${JSON.stringify(name)}`)
      }
    }
    const valueBytes = encodeString(Buffer.from(value, 'latin1'), huffmanFor(as.huffman, 'value'))
    const head =
      nameIndex === undefined
        ? Buffer.concat([
            Buffer.from([high]),
            encodeString(Buffer.from(name, 'latin1'), huffmanFor(as.huffman, 'name')),
          ])
        : encodeInteger(nameIndex, prefix, high)
    if (indexing === 'incremental') {
      // The peer adds the name it decodes, which for an index is the entry's.
      const added = nameIndex === undefined ? name : (this.table.get(nameIndex)?.[0] ?? name)
      this.table.add(added, value)
    }
    return Buffer.concat([head, valueBytes])
  }

  #auto(name: string, value: string): FieldRepresentation {
    if (this.table.findField(name, value) !== undefined) return { kind: 'indexed' }
    return {
      kind: 'literal',
      indexing: 'without',
      name: this.table.findName(name) === undefined ? 'literal' : 'indexed',
    }
  }
}
