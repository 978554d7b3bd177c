/**
 * For seeded defect 'clears-websocket-rsv-bits': a WebSocket-aware relay that
 * walks the frames (RFC 6455 §5.2) and rewrites each header without the RSV
 * bits, as a frame-inspecting proxy that does not know permessage-deflate
 * (RFC 7692 §6: RSV1 marks a compressed message) would. The conformant
 * reference never looks inside a tunnel (UPG-10).
 */

/** A stateful transform of one direction of a WebSocket byte stream. */
export function rsvClearer(): (chunk: Buffer) => Buffer {
  /** Bytes of the current frame's payload still to pass untouched. */
  let payloadLeft = 0
  /** A frame header split across chunks. */
  let pending = Buffer.alloc(0)
  return (chunk) => {
    const out: Buffer[] = []
    let data = pending.length > 0 ? Buffer.concat([pending, chunk]) : chunk
    pending = Buffer.alloc(0)
    while (data.length > 0) {
      if (payloadLeft > 0) {
        const take = Math.min(payloadLeft, data.length)
        out.push(data.subarray(0, take))
        payloadLeft -= take
        data = data.subarray(take)
        continue
      }
      const size = headerSize(data)
      if (size === undefined || data.length < size) {
        pending = Buffer.from(data)
        break
      }
      const header = Buffer.from(data.subarray(0, size))
      header[0] = (header[0] ?? 0) & 0x8f
      out.push(header)
      payloadLeft = payloadLength(header)
      data = data.subarray(size)
    }
    return Buffer.concat(out)
  }
}

/** The header's size once its first two bytes are known (§5.2: 2, +2 or +8 length, +4 mask). */
function headerSize(data: Buffer): number | undefined {
  if (data.length < 2) return undefined
  const second = data[1] ?? 0
  const len = second & 0x7f
  return 2 + (len === 126 ? 2 : len === 127 ? 8 : 0) + (second & 0x80 ? 4 : 0)
}

function payloadLength(header: Buffer): number {
  const len = (header[1] ?? 0) & 0x7f
  if (len === 126) return header.readUInt16BE(2)
  if (len === 127) return Number(header.readBigUInt64BE(2))
  return len
}
