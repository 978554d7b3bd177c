import { describe, expect, it } from 'vitest'
import { HpackDecoder } from './hpack-decoder.js'
import { HpackEncoder, encodeInteger, type FieldSpec } from './hpack-encoder.js'
import { HUFFMAN_CODES, huffmanDecode, huffmanEncode } from './hpack-huffman.js'

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex')
type Pair = readonly [string, string]

/** The encoding RFC 7541 Appendix C uses: exact matches indexed, the rest literal with incremental indexing, names indexed where possible. */
function appendixC(fields: readonly Pair[], huffman: boolean, encoder: HpackEncoder): FieldSpec[] {
  return fields.map(([name, value]) =>
    encoder.table.findField(name, value) !== undefined
      ? { name, value, as: { kind: 'indexed' } }
      : {
          name,
          value,
          as: {
            kind: 'literal',
            indexing: 'incremental',
            name: encoder.table.findName(name) === undefined ? 'literal' : 'indexed',
            huffman,
          },
        },
  )
}

const REQUESTS: readonly (readonly Pair[])[] = [
  [
    [':method', 'GET'],
    [':scheme', 'http'],
    [':path', '/'],
    [':authority', 'www.example.com'],
  ],
  [
    [':method', 'GET'],
    [':scheme', 'http'],
    [':path', '/'],
    [':authority', 'www.example.com'],
    ['cache-control', 'no-cache'],
  ],
  [
    [':method', 'GET'],
    [':scheme', 'https'],
    [':path', '/index.html'],
    [':authority', 'www.example.com'],
    ['custom-key', 'custom-value'],
  ],
]

const RESPONSES: readonly (readonly Pair[])[] = [
  [
    [':status', '302'],
    ['cache-control', 'private'],
    ['date', 'Mon, 21 Oct 2013 20:13:21 GMT'],
    ['location', 'https://www.example.com'],
  ],
  [
    [':status', '307'],
    ['cache-control', 'private'],
    ['date', 'Mon, 21 Oct 2013 20:13:21 GMT'],
    ['location', 'https://www.example.com'],
  ],
  [
    [':status', '200'],
    ['cache-control', 'private'],
    ['date', 'Mon, 21 Oct 2013 20:13:22 GMT'],
    ['location', 'https://www.example.com'],
    ['content-encoding', 'gzip'],
    ['set-cookie', 'foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1'],
  ],
]

// RFC 7541 Appendix C.3–C.6, the header blocks as printed there.
const C3 = [
  '828684410f7777772e6578616d706c652e636f6d',
  '828684be58086e6f2d6361636865',
  '828785bf400a637573746f6d2d6b65790c637573746f6d2d76616c7565',
]
const C4 = [
  '828684418cf1e3c2e5f23a6ba0ab90f4ff',
  '828684be5886a8eb10649cbf',
  '828785bf408825a849e95ba97d7f8925a849e95bb8e8b4bf',
]
const C5 = [
  `4803333032580770726976617465611d4d6f6e2c203231204f63742032303133
   2032303a31333a323120474d546e1768747470733a2f2f7777772e6578616d70
   6c652e636f6d`,
  '4803333037c1c0bf',
  `88c1611d4d6f6e2c203231204f637420323031332032303a31333a323220474d
   54c05a04677a69707738666f6f3d4153444a4b48514b425a584f5157454f5049
   5541585157454f49553b206d61782d6167653d333630303b2076657273696f6e
   3d31`,
]
const C6 = [
  `488264025885aec3771a4b6196d07abe941054d444a8200595040b8166e082a6
   2d1bff6e919d29ad171863c78f0b97c8e9ae82ae43d3`,
  '4883640effc1c0bf',
  `88c16196d07abe941054d444a8200595040b8166e084a62d1bffc05a839bd9ab
   77ad94e7821dd7f2e6c7b335dfdfcd5b3960d5af27087f3672c1ab270fb5291f
   9587316065c003ed4ee5b1063d5007`,
]
// Table sizes after each block (Appendix C), and the entry count.
const SIZES = {
  C3: [57, 110, 164],
  C5: [222, 222, 215],
}

describe('RFC 7541 Appendix C', () => {
  it('C.1 integers: 10 in a 5-bit prefix, 1337 in a 5-bit prefix, 42 at an octet boundary', () => {
    expect(encodeInteger(10, 5).toString('hex')).toBe('0a')
    expect(encodeInteger(1337, 5).toString('hex')).toBe('1f9a0a')
    expect(encodeInteger(42, 8).toString('hex')).toBe('2a')
  })

  it('C.2 one field in each representation, byte-exact both ways', () => {
    const cases: readonly [FieldSpec, string][] = [
      [
        {
          name: 'custom-key',
          value: 'custom-header',
          as: { kind: 'literal', indexing: 'incremental' },
        },
        '400a637573746f6d2d6b65790d637573746f6d2d686561646572',
      ],
      [
        {
          name: ':path',
          value: '/sample/path',
          as: { kind: 'literal', indexing: 'without', name: 4 },
        },
        '040c2f73616d706c652f70617468',
      ],
      [
        { name: 'password', value: 'secret', as: { kind: 'literal', indexing: 'never' } },
        '100870617373776f726406736563726574',
      ],
      [{ name: ':method', value: 'GET', as: { kind: 'indexed' } }, '82'],
    ]
    for (const [spec, bytes] of cases) {
      const encoder = new HpackEncoder()
      expect(encoder.encode([spec]).toString('hex')).toBe(bytes)
      const decoded = new HpackDecoder().decode(hex(bytes))
      expect(decoded.error).toBeUndefined()
      expect(decoded.fields.map((f) => [f.name, f.value])).toEqual([[spec.name, spec.value]])
    }
  })

  const series = (
    name: string,
    lists: readonly (readonly Pair[])[],
    blocks: readonly string[],
    huffman: boolean,
    tableSize: number,
    sizes: readonly number[],
  ): void => {
    it(`${name}: the encoder emits each block byte-exact and the decoder reads it back`, () => {
      const encoder = new HpackEncoder(tableSize)
      const decoder = new HpackDecoder(tableSize)
      lists.forEach((fields, i) => {
        const block = encoder.encode(appendixC(fields, huffman, encoder))
        expect(block.toString('hex')).toBe(hex(blocks[i] ?? '').toString('hex'))
        const decoded = decoder.decode(block)
        expect(decoded.error).toBeUndefined()
        expect(decoded.fields.map((f) => [f.name, f.value])).toEqual(fields)
        expect(decoder.table.size).toBe(sizes[i])
        expect(decoder.table.entries()).toEqual(encoder.table.entries())
      })
    })
  }
  series('C.3 requests without Huffman', REQUESTS, C3, false, 4096, SIZES.C3)
  series('C.4 requests with Huffman', REQUESTS, C4, true, 4096, SIZES.C3)
  series(
    'C.5 responses without Huffman, table of 256 with evictions',
    RESPONSES,
    C5,
    false,
    256,
    SIZES.C5,
  )
  series(
    'C.6 responses with Huffman, table of 256 with evictions',
    RESPONSES,
    C6,
    true,
    256,
    SIZES.C5,
  )
})

describe('Huffman code (Appendix B)', () => {
  it('rebuilds the codes Appendix B prints', () => {
    const printed: [number, number, number][] = [
      [0, 0x1ff8, 13],
      [1, 0x7fffd8, 23],
      [10, 0x3ffffffc, 30],
      [13, 0x3ffffffd, 30],
      [22, 0x3ffffffe, 30],
      [32, 0x14, 6],
      [48, 0x0, 5],
      [97, 0x3, 5],
      [127, 0xffffffc, 28],
      [163, 0x3fffdb, 22],
      [200, 0x3ffffe2, 26],
      [255, 0x3ffffee, 26],
      [256, 0x3fffffff, 30],
    ]
    for (const [symbol, code, length] of printed) {
      expect(HUFFMAN_CODES[symbol], `symbol ${symbol}`).toEqual([code, length])
    }
  })

  it('round-trips every octet, and rejects bad padding and EOS', () => {
    const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i))
    expect(huffmanDecode(huffmanEncode(all)).equals(all)).toBe(true)
    // 'a' is 00011 (5 bits): padding of three 0 bits is not the EOS prefix.
    expect(() => huffmanDecode(Buffer.from([0x18]))).toThrow(/padding/)
    // A whole octet of padding is more than 7 bits.
    expect(() => huffmanDecode(Buffer.from([0x1f, 0xff]))).toThrow(/padding/)
    expect(() => huffmanDecode(Buffer.from([0xff, 0xff, 0xff, 0xff]))).toThrow(/EOS/)
  })
})

describe('HpackEncoder: any octets, every representation', () => {
  const odd = 'X-Odd\r\n: ok\0'
  const reps: readonly FieldSpec['as'][] = [
    { kind: 'literal', indexing: 'without' },
    { kind: 'literal', indexing: 'without', huffman: true },
    { kind: 'literal', indexing: 'never', huffman: { value: true } },
    { kind: 'literal', indexing: 'incremental', huffman: { name: true } },
  ]
  it('round-trips an uppercase name with CR, LF and NUL through the decoder in each representation', () => {
    for (const as of reps) {
      const encoder = new HpackEncoder()
      const decoder = new HpackDecoder()
      const block = encoder.encode([
        { name: odd, value: 'a\r\nb\0c', ...(as === undefined ? {} : { as }) },
      ])
      const { fields, error } = decoder.decode(block)
      expect(error).toBeUndefined()
      expect(fields[0]).toMatchObject({ name: odd, value: 'a\r\nb\0c' })
    }
  })

  it('names static entries by index (28, 32, 38, 57) and refers to a dynamic entry in a later block', () => {
    const encoder = new HpackEncoder()
    const decoder = new HpackDecoder()
    const first = encoder.encode([
      { name: 'content-length', value: '5', as: { kind: 'literal', name: 'indexed' } },
      { name: 'cookie', value: 'a=b', as: { kind: 'literal', name: 'indexed', indexing: 'never' } },
      { name: 'host', value: 'h.test', as: { kind: 'literal', name: 'indexed', huffman: true } },
      {
        name: 'transfer-encoding',
        value: 'chunked',
        as: { kind: 'literal', name: 'indexed', indexing: 'incremental' },
      },
    ])
    expect(first[0]).toBe(0x0f) // 28 in a 4-bit prefix: 0x0f then 13
    expect(first[1]).toBe(13)
    const decodedFirst = decoder.decode(first)
    expect(decodedFirst.fields.map((f) => [f.index, f.rep])).toEqual([
      [28, 'without'],
      [32, 'never'],
      [38, 'without'],
      [57, 'incremental'],
    ])
    const second = encoder.encode([
      { name: 'transfer-encoding', value: 'chunked', as: { kind: 'indexed' } },
    ])
    expect(second.toString('hex')).toBe('be') // 62: the newest dynamic entry
    expect(decoder.decode(second).fields[0]).toMatchObject({
      name: 'transfer-encoding',
      value: 'chunked',
      rep: 'indexed',
      index: 62,
    })
  })

  it('emits size updates and mirrors them in its table; the decoder refuses one above what it allows', () => {
    const encoder = new HpackEncoder()
    const block = encoder.encode([
      { sizeUpdate: 0 },
      { name: 'a', value: 'b', as: { kind: 'literal', indexing: 'incremental' } },
    ])
    expect(block[0]).toBe(0x20)
    expect(encoder.table.length).toBe(0)
    const decoder = new HpackDecoder()
    expect(decoder.decode(block)).toMatchObject({
      sizeUpdates: [0],
      fields: [{ name: 'a', value: 'b' }],
    })
    expect(decoder.decode(new HpackEncoder().encode([{ sizeUpdate: 5000 }])).error).toMatch(/above/)
  })

  it('reports a bad index as an error value, keeping the fields before it', () => {
    const { fields, error } = new HpackDecoder().decode(Buffer.from([0x82, 0xff, 0x00]))
    expect(fields).toHaveLength(1)
    expect(error).toMatch(/not in the tables/)
  })
})
