import { HarnessError } from '../net/errors.js'

/**
 * Cuts `bytes` into the pieces of WriteOptions.fragments: a number is the size
 * of every piece, an array gives the sizes in turn and the rest goes last.
 */
export function splitFragments(bytes: Buffer, fragments?: number | readonly number[]): Buffer[] {
  if (bytes.length === 0) return []
  if (fragments === undefined) return [bytes]
  const sizes = typeof fragments === 'number' ? [fragments] : fragments
  for (const size of sizes) {
    if (!Number.isInteger(size) || size < 1) {
      throw new HarnessError(
        'HARNESS_BAD_INPUT',
        `fragment sizes must be positive integers, got ${size}`,
      )
    }
  }
  const pieces: Buffer[] = []
  let offset = 0
  let index = 0
  while (offset < bytes.length) {
    // A single number repeats; an array is used once, then the rest goes in one piece.
    const size = typeof fragments === 'number' ? fragments : (sizes[index] ?? bytes.length - offset)
    pieces.push(bytes.subarray(offset, offset + size))
    offset += size
    index += 1
  }
  return pieces
}
