/**
 * For seeded defect 'rewrites-websocket-accept': a gateway that writes its own
 * Sec-WebSocket-Accept into the 101 and forgets the GUID (RFC 6455 §4.2.2
 * step 5; UPG-07, UPG-08).
 */
import { createHash } from 'node:crypto'
import type { RequestHead } from '../../../harness/wire/types.js'

/** `head` (a 101) with Sec-WebSocket-Accept replaced by base64(SHA-1(key)), the GUID left out. */
export function acceptWithoutGuid(head: Buffer, request: RequestHead): Buffer {
  const key = request.headers.find((f) => f.name.toLowerCase() === 'sec-websocket-key')?.value ?? ''
  const wrong = createHash('sha1').update(key, 'latin1').digest('base64')
  return Buffer.from(
    head.toString('latin1').replace(/^(Sec-WebSocket-Accept:[ \t]*)[^\r\n]*/im, `$1${wrong}`),
    'latin1',
  )
}
