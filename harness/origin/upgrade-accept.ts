/**
 * RFC 6455 §4.2.2 step 5 (and §1.3): Sec-WebSocket-Accept is the base64 of the
 * SHA-1 of the client's key followed by this GUID.
 */
import { createHash, randomBytes } from 'node:crypto'

export const WEBSOCKET_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11'

/** The Accept value a server must send for `key` (the RFC sample key gives s3pPLMBiTxaQ9kYGzzhZRbK+xOo=). */
export function websocketAccept(key: string): string {
  return createHash('sha1').update(`${key}${WEBSOCKET_GUID}`, 'latin1').digest('base64')
}

/** A fresh Sec-WebSocket-Key: 16 random bytes, base64 (RFC 6455 §4.1). */
export function websocketKey(): string {
  return randomBytes(16).toString('base64')
}
