import { createResponseParser } from '../../harness/wire/http-parser.js'
import { connect, createServer } from 'node:net'
import type { CloseKind, RawClient, ReadResponseResult } from '../../harness/client/types.js'
import { isTimeout } from '../../harness/net/deadline.js'
import { listenLoopback } from '../../harness/net/loopback.js'
import { endCase, violates } from '../../harness/engine/model/outcome.js'
import { hasField } from '../../harness/wire/fields.js'
import { requestBytes } from '../../harness/wire/serialize.js'
import type { FieldLine, HttpMessage, ResponseHead } from '../../harness/wire/types.js'
import { responseOf, statusLine } from './request.js'

export interface ConnectSpec {
  /** @default 'HTTP/1.1' */
  readonly version?: string
  /** The Host value; null sends none. @default the target itself */
  readonly host?: string | null
  /** Field lines after Host. */
  readonly headers?: readonly FieldLine[]
  /** Bytes written in the same write, straight after the head. */
  readonly after?: Buffer
}

/** The bytes of `CONNECT target` (exactly as given, malformed or not), plus what follows it. */
export function connectBytes(target: string, spec: ConnectSpec = {}): Buffer {
  const host = spec.host === undefined ? target : spec.host
  const head = requestBytes({
    method: 'CONNECT',
    target,
    version: spec.version ?? 'HTTP/1.1',
    headers: [...(host === null ? [] : [['Host', host] as const]), ...(spec.headers ?? [])],
  })
  return spec.after === undefined ? head : Buffer.concat([head, spec.after])
}

/** A loopback port nothing listens on: bound by us, then closed again. */
export async function closedPort(): Promise<number> {
  const server = createServer()
  const address = await listenLoopback(server)
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return address.port
}

/** True when something accepts connections on 127.0.0.1:`port` (probed by the harness itself). */
export async function somethingListens(port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port })
    socket.setTimeout(timeoutMs, () => {
      socket.destroy()
      resolve(false)
    })
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })
}

/**
 * Reads the answer to a CONNECT that must be refused: a non-2xx, framed so
 * that it ends (RFC 9110 §9.3.6: a non-2xx is an ordinary response), or the
 * case ends (endCase) with the Outcome saying what came instead.
 */
export async function readRefusal(
  client: RawClient,
  what: string,
): Promise<HttpMessage<ResponseHead>> {
  return refusalOf(await client.readResponse({ requestMethod: 'CONNECT' }), what)
}

/**
 * A refusal on an error path (CONNECT-06, -07, -13): a framed non-2xx as
 * readRefusal wants, or a close with nothing before it (`silent`). Refusing
 * by closing is a refusal too; whether a status should have come first is
 * CONNECT-11's question alone, so these cases never fail for it.
 */
export async function readRefusalOrClose(
  client: RawClient,
  what: string,
): Promise<{ readonly message: HttpMessage<ResponseHead> } | { readonly silent: CloseKind }> {
  const result = await client.readResponse({ requestMethod: 'CONNECT' })
  if (result.kind === 'closed' && result.partial.length === 0) return { silent: result.how }
  if (result.kind === 'closed') {
    // A close-delimited refusal ended by a reset rather than a FIN: the reset
    // comes from the bytes the harness wrote after the CONNECT, still unread
    // in the target's buffer when it closed (RFC 9112 §9.6). Its head and the
    // body up to the close are all the target sent: read them as if it had
    // ended cleanly, so the refusal is graded and not the way it closed.
    const refusal = closeDelimited(result.partial)
    if (refusal !== undefined && refusal.head.status >= 400) return { message: refusal }
  }
  return { message: refusalOf(result, what) }
}

/** The response in `bytes` when the connection's end completes it (a close-delimited body). */
function closeDelimited(bytes: Buffer): HttpMessage<ResponseHead> | undefined {
  const parser = createResponseParser({ mode: 'lenient' })
  parser.expectResponseTo('CONNECT')
  parser.push(bytes)
  parser.end()
  for (let event = parser.next(); event !== undefined; event = parser.next()) {
    if (event.type === 'message' && event.message.head.status >= 200) return event.message
  }
  return undefined
}

/** readRefusal's judgement of a response already read (the case ends when it is no refusal). */
export function refusalOf(result: ReadResponseResult, what: string): HttpMessage<ResponseHead> {
  const read = responseOf(result, what)
  if (read.head.status >= 200 && read.head.status <= 299)
    endCase(violates(what, `${statusLine(read)}: a tunnel was opened`))
  if (!read.complete) endCase(violates(`${what}, completely framed`, 'a response cut short'))
  return read
}

/** After a refusal the target closes; the case ends (endCase) when the connection stays open. */
export async function expectClosed(
  client: RawClient,
  after: string,
  timeoutMs?: number,
): Promise<void> {
  const closed = await client.waitForClose(timeoutMs === undefined ? {} : { timeoutMs })
  if (!isTimeout(closed)) return
  endCase(
    violates(
      `the connection closed after ${after}`,
      `it stayed open for ${Math.round(closed.afterMs)} ms`,
    ),
  )
}

/** "Content-Length and Transfer-Encoding" present in a head, for messages. */
export function framingFields(message: HttpMessage<ResponseHead>): string[] {
  return ['content-length', 'transfer-encoding'].filter((name) =>
    hasField(message.head.headers, name),
  )
}
