/**
 * The HPACK Huffman code (RFC 7541 §5.2, Appendix B). Appendix B's code is
 * canonical: within one length the codes rise with the symbol, and each
 * length continues from the last code of the shorter one shifted left. So
 * the table below holds only the bit length of each symbol (0–255, then EOS
 * as 256), transcribed from Appendix B, and the codes are rebuilt from it;
 * hpack.test.ts checks them against Appendix B's codes and the Appendix C
 * examples.
 */
// prettier-ignore
const LENGTHS: readonly number[] = [
  13, 23, 28, 28, 28, 28, 28, 28, 28, 24, 30, 28, 28, 30, 28, 28, // 0-15
  28, 28, 28, 28, 28, 28, 30, 28, 28, 28, 28, 28, 28, 28, 28, 28, // 16-31
  6, 10, 10, 12, 13, 6, 8, 11, 10, 10, 8, 11, 8, 6, 6, 6, // 32-47 ' '..'/'
  5, 5, 5, 6, 6, 6, 6, 6, 6, 6, 7, 8, 15, 6, 12, 10, // 48-63 '0'..'?'
  13, 6, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, // 64-79 '@'..'O'
  7, 7, 7, 7, 7, 7, 7, 7, 8, 7, 8, 13, 19, 13, 14, 6, // 80-95 'P'..'_'
  15, 5, 6, 5, 6, 5, 6, 6, 6, 5, 7, 7, 6, 6, 6, 5, // 96-111 '`'..'o'
  6, 7, 6, 5, 5, 6, 7, 7, 7, 7, 7, 15, 11, 14, 13, 28, // 112-127 'p'..DEL
  20, 22, 20, 20, 22, 22, 22, 23, 22, 23, 23, 23, 23, 23, 24, 23, // 128-143
  24, 24, 22, 23, 24, 23, 23, 23, 23, 21, 22, 23, 22, 23, 23, 24, // 144-159
  22, 21, 20, 22, 22, 23, 23, 21, 23, 22, 22, 24, 21, 22, 23, 23, // 160-175
  21, 21, 22, 21, 23, 22, 23, 23, 20, 22, 22, 22, 23, 22, 22, 23, // 176-191
  26, 26, 20, 19, 22, 23, 22, 25, 26, 26, 26, 27, 27, 26, 24, 25, // 192-207
  19, 21, 26, 27, 27, 26, 27, 24, 21, 21, 26, 26, 28, 27, 27, 27, // 208-223
  20, 24, 20, 21, 22, 21, 21, 23, 22, 22, 25, 25, 24, 24, 26, 23, // 224-239
  26, 27, 26, 26, 27, 27, 27, 27, 27, 28, 27, 27, 27, 27, 27, 26, // 240-255
  30, // EOS
]

export const EOS = 256

/** [code, bit length] per symbol, codes right-aligned. */
export const HUFFMAN_CODES: readonly (readonly [code: number, length: number])[] = (() => {
  const order = LENGTHS.map((length, symbol) => ({ length, symbol })).sort(
    (a, b) => a.length - b.length || a.symbol - b.symbol,
  )
  const codes: [number, number][] = new Array<[number, number]>(LENGTHS.length)
  let code = 0
  let previous = order[0]?.length ?? 0
  for (const { length, symbol } of order) {
    code *= 2 ** (length - previous)
    previous = length
    codes[symbol] = [code, length]
    code += 1
  }
  return codes
})()

/** Huffman-encodes `data`, padding the last octet with the top bits of EOS (all ones). */
export function huffmanEncode(data: Buffer): Buffer {
  const out: number[] = []
  let acc = 0
  let bits = 0
  for (const octet of data) {
    const [code, length] = HUFFMAN_CODES[octet] ?? [0, 0]
    // At most 30 bits per code plus 7 pending: split to stay within 2^53.
    acc = acc * 2 ** length + code
    bits += length
    while (bits >= 8) {
      bits -= 8
      const byte = Math.floor(acc / 2 ** bits)
      out.push(byte)
      acc -= byte * 2 ** bits
    }
  }
  if (bits > 0) out.push(((acc << (8 - bits)) | (0xff >> bits)) & 0xff)
  return Buffer.from(out)
}

/** The length of data once Huffman-encoded, in octets. */
export function huffmanLength(data: Buffer): number {
  let bits = 0
  for (const octet of data) bits += HUFFMAN_CODES[octet]?.[1] ?? 0
  return Math.ceil(bits / 8)
}

interface Node {
  zero?: Node
  one?: Node
  symbol?: number
}

const TREE: Node = (() => {
  const root: Node = {}
  HUFFMAN_CODES.forEach(([code, length], symbol) => {
    let node = root
    for (let bit = length - 1; bit >= 0; bit--) {
      const one = Math.floor(code / 2 ** bit) % 2 === 1
      const next: Node = (one ? node.one : node.zero) ?? {}
      if (one) node.one = next
      else node.zero = next
      node = next
    }
    node.symbol = symbol
  })
  return root
})()

/**
 * Decodes a Huffman string. Throws (RFC 7541 §5.2: a decoding error) on EOS
 * inside the string, padding longer than 7 bits, or padding that is not the
 * top bits of EOS.
 */
export function huffmanDecode(data: Buffer): Buffer {
  const out: number[] = []
  let node = TREE
  let depth = 0
  let allOnes = true
  for (const octet of data) {
    for (let bit = 7; bit >= 0; bit--) {
      const one = ((octet >> bit) & 1) === 1
      const next = one ? node.one : node.zero
      if (next === undefined) throw new Error('invalid Huffman code')
      node = next
      depth += 1
      allOnes &&= one
      if (node.symbol !== undefined) {
        if (node.symbol === EOS) throw new Error('EOS inside a Huffman string')
        out.push(node.symbol)
        node = TREE
        depth = 0
        allOnes = true
      }
    }
  }
  if (depth > 7) throw new Error(`Huffman padding of ${depth} bits`)
  if (!allOnes) throw new Error('Huffman padding is not the prefix of EOS')
  return Buffer.from(out)
}
