/** The HPACK static table (RFC 7541 Appendix A); index 1 is the first entry. */
// prettier-ignore
export const STATIC_TABLE: readonly (readonly [name: string, value: string])[] = [
  [':authority', ''], [':method', 'GET'], [':method', 'POST'], [':path', '/'],
  [':path', '/index.html'], [':scheme', 'http'], [':scheme', 'https'], [':status', '200'],
  [':status', '204'], [':status', '206'], [':status', '304'], [':status', '400'],
  [':status', '404'], [':status', '500'], ['accept-charset', ''], ['accept-encoding', 'gzip, deflate'],
  ['accept-language', ''], ['accept-ranges', ''], ['accept', ''], ['access-control-allow-origin', ''],
  ['age', ''], ['allow', ''], ['authorization', ''], ['cache-control', ''],
  ['content-disposition', ''], ['content-encoding', ''], ['content-language', ''], ['content-length', ''],
  ['content-location', ''], ['content-range', ''], ['content-type', ''], ['cookie', ''],
  ['date', ''], ['etag', ''], ['expect', ''], ['expires', ''],
  ['from', ''], ['host', ''], ['if-match', ''], ['if-modified-since', ''],
  ['if-none-match', ''], ['if-range', ''], ['if-unmodified-since', ''], ['last-modified', ''],
  ['link', ''], ['location', ''], ['max-forwards', ''], ['proxy-authenticate', ''],
  ['proxy-authorization', ''], ['range', ''], ['referer', ''], ['refresh', ''],
  ['retry-after', ''], ['server', ''], ['set-cookie', ''], ['strict-transport-security', ''],
  ['transfer-encoding', ''], ['user-agent', ''], ['vary', ''], ['via', ''],
  ['www-authenticate', ''],
]

/** RFC 7541 §4.1: an entry's size is its name and value lengths plus 32. */
export const ENTRY_OVERHEAD = 32

/**
 * The dynamic table (RFC 7541 §2.3.2, §4): newest entry first, evicted from
 * the end when an addition or a size change exceeds the maximum. Names and
 * values are latin1 strings, so every octet survives.
 */
export class DynamicTable {
  readonly #entries: [string, string][] = []
  #size = 0
  #maxSize: number

  constructor(maxSize = 4096) {
    this.#maxSize = maxSize
  }

  get size(): number {
    return this.#size
  }

  get maxSize(): number {
    return this.#maxSize
  }

  get length(): number {
    return this.#entries.length
  }

  /** Entries newest first, for transcripts and tests. */
  entries(): readonly (readonly [string, string])[] {
    return this.#entries
  }

  setMaxSize(maxSize: number): void {
    this.#maxSize = maxSize
    this.#evict(0)
  }

  add(name: string, value: string): void {
    const size = name.length + value.length + ENTRY_OVERHEAD
    // §4.4: an entry larger than the table empties it and is not added.
    this.#evict(size)
    if (size > this.#maxSize) return
    this.#entries.unshift([name, value])
    this.#size += size
  }

  /** The entry at absolute HPACK index `index` (static 1–61, dynamic from 62). */
  get(index: number): readonly [string, string] | undefined {
    if (index >= 1 && index <= STATIC_TABLE.length) return STATIC_TABLE[index - 1]
    return this.#entries[index - STATIC_TABLE.length - 1]
  }

  /** The lowest index whose name and value match (exact), else undefined. */
  findField(name: string, value: string): number | undefined {
    const s = STATIC_TABLE.findIndex(([n, v]) => n === name && v === value)
    if (s >= 0) return s + 1
    const d = this.#entries.findIndex(([n, v]) => n === name && v === value)
    return d >= 0 ? d + STATIC_TABLE.length + 1 : undefined
  }

  /** The lowest index with this name, else undefined. */
  findName(name: string): number | undefined {
    const s = STATIC_TABLE.findIndex(([n]) => n === name)
    if (s >= 0) return s + 1
    const d = this.#entries.findIndex(([n]) => n === name)
    return d >= 0 ? d + STATIC_TABLE.length + 1 : undefined
  }

  #evict(room: number): void {
    while (this.#entries.length > 0 && this.#size + room > this.#maxSize) {
      const [n, v] = this.#entries.pop() ?? ['', '']
      this.#size -= n.length + v.length + ENTRY_OVERHEAD
    }
  }
}
