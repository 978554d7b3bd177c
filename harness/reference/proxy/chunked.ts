/**
 * Chunked transfer coding as this proxy writes it (RFC 9112 §7.1). Pure.
 */
import type { HeaderField } from '../../wire/types.js'
import { ALWAYS_HOP_BY_HOP } from './hop-by-hop.js'

/** One chunk: hex size, CRLF, data, CRLF. Empty data gives nothing (a zero size would end the body). */
export function encodeChunk(data: Buffer): Buffer {
  if (data.length === 0) return Buffer.alloc(0)
  return Buffer.concat([
    Buffer.from(`${data.length.toString(16)}\r\n`, 'latin1'),
    data,
    Buffer.from('\r\n'),
  ])
}

// Fields that must never come from a trailer section (RFC 9110 §6.5.1): framing,
// routing, and the hop-by-hop set. Trailers are never merged into the header
// section either (HOP-09); the rest are forwarded as trailers.
const NOT_IN_TRAILERS = new Set([...ALWAYS_HOP_BY_HOP, 'content-length', 'host', 'trailer'])

/** last-chunk, the trailer lines we forward (raw bytes), and the final CRLF. */
export function lastChunk(trailers: readonly HeaderField[] = []): Buffer {
  const lines = trailers
    .filter((field) => !NOT_IN_TRAILERS.has(field.name.toLowerCase()))
    .map((field) => Buffer.concat([field.raw, Buffer.from('\r\n')]))
  return Buffer.concat([Buffer.from('0\r\n'), ...lines, Buffer.from('\r\n')])
}
