/** Answers and tunnel relays that break RFC 9110 §9.3.6 in ways real proxies have. */
import type { Socket } from 'node:net'
import { textLine } from '../../../harness/reference/proxy/message-head.js'

/** A 200 to CONNECT with `Content-Length: 0` (google/martian #209, stripe/goproxy [B9], CONNECT-03). */
export const ESTABLISHED_WITH_LENGTH = Buffer.from(
  'HTTP/1.1 200 Connection Established\r\nContent-Length: 0\r\n\r\n',
  'latin1',
)

/** A 200 to CONNECT that says HTTP/1.0 (Apache mod_proxy_connect's, RFC 9110 §6.2). */
export const ESTABLISHED_HTTP10 = Buffer.from(
  'HTTP/1.0 200 Connection Established\r\n\r\n',
  'latin1',
)

/** A refusal of CONNECT framed with chunked coding, which an HTTP/1.0 client cannot read (RFC 9112 §6.1). */
export function chunkedRefusal(status: number, text: string): Buffer {
  const body = Buffer.from(`${text}\n`, 'latin1')
  return Buffer.concat([
    textLine(`HTTP/1.1 ${status} Refused`),
    textLine('Transfer-Encoding: chunked'),
    textLine('Connection: close'),
    Buffer.from('\r\n'),
    Buffer.from(`${body.length.toString(16)}\r\n`),
    body,
    Buffer.from('\r\n0\r\n\r\n'),
  ])
}

/** An HTTP/1.x request line at the start of a read. */
const REQUEST_LINE = /^[A-Z]+ [^ \r\n]+ HTTP\/1\.[01]\r\n/

/**
 * A read that starts like an HTTP request, with a Via line added, as a proxy
 * that keeps parsing HTTP inside the tunnel would (CONNECT-05).
 */
export function withViaLine(read: Buffer): Buffer {
  const line = REQUEST_LINE.exec(read.toString('latin1', 0, Math.min(read.length, 8192)))
  if (line === null) return read
  const at = line[0].length
  return Buffer.concat([
    read.subarray(0, at),
    Buffer.from('Via: 1.1 proxyspec\r\n'),
    read.subarray(at),
  ])
}

/**
 * Each read held back until the next one: the one still held when the FIN
 * comes is never passed on (CONNECT-08).
 */
export function oneReadBehind(): (read: Buffer) => Buffer {
  let held: Buffer = Buffer.alloc(0)
  return (read) => {
    const out = held
    held = read
    return out
  }
}

/** One FIN tears both sides down at once, dropping what is still buffered (CONNECT-08). */
export function closeBothOnFin(from: Socket, to: Socket): void {
  if (to.destroyed) return
  to.destroy()
  from.destroy()
}

/** The CONNECT never answered: the client waits until `idleTimeoutMs`, then is dropped. */
export function leaveUnanswered(client: Socket, idleTimeoutMs: number): Promise<'hang'> {
  client.setTimeout(idleTimeoutMs, () => client.destroy())
  return Promise.resolve('hang')
}
