/**
 * 407 answers that leave the client connection open (RFC 9112 §6.3, §9.6):
 * nothing more is read from it, and it is dropped after `idleTimeoutMs`.
 */
import type { ClientSide } from '../../../harness/reference/proxy/forward-request.js'
import { simpleResponse } from '../../../harness/reference/proxy/simple-response.js'
import { writeAll } from '../../../harness/reference/proxy/socket-io.js'

async function answerAndLeaveOpen(
  client: ClientSide,
  idleTimeoutMs: number,
  response: Buffer,
): Promise<void> {
  client.reader.detach()
  client.socket.setTimeout(idleTimeoutMs, () => client.socket.destroy())
  await writeAll(client.socket, response)
}

/** A 407 with a body but neither Content-Length nor close: its end can never be found. */
export function unframed407(
  client: ClientSide,
  idleTimeoutMs: number,
  challenge: readonly string[],
): Promise<void> {
  const head = [
    'HTTP/1.1 407 Proxy Authentication Required',
    ...challenge,
    'Content-Type: text/plain',
  ]
  const response = `${head.join('\r\n')}\r\n\r\nproxyspec: credentials required\n`
  return answerAndLeaveOpen(client, idleTimeoutMs, Buffer.from(response, 'latin1'))
}

/** A framed 407 without close, then the client's retry is never read. */
export function unanswered407(
  client: ClientSide,
  idleTimeoutMs: number,
  challenge: readonly string[],
): Promise<void> {
  return answerAndLeaveOpen(
    client,
    idleTimeoutMs,
    simpleResponse({
      status: 407,
      text: 'proxyspec: proxy credentials required',
      close: false,
      headers: challenge,
    }),
  )
}
