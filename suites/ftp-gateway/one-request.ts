/**
 * One HTTP request through the gateway on a connection of its own (each of
 * the FTP-xx "Send" lines is a client of its own unless the row says
 * otherwise), for the cases that send many.
 */
import type { ReadResponseResult } from '../../harness/client/types.js'
import type { CaseContext } from '../../harness/engine/model/case-context.js'
import type { FieldLine, HttpMessage, ResponseHead } from '../../harness/wire/types.js'
import { requestBytes } from '../../harness/wire/serialize.js'
import { ftpOf } from './ftp.js'

export interface OneRequest {
  readonly method?: string
  readonly target: string
  /** Field lines after Host and Connection: close. */
  readonly headers?: readonly FieldLine[]
  readonly body?: Buffer
  /** @default what is left of the case */
  readonly timeoutMs?: number
}

export interface OneExchange {
  readonly read: ReadResponseResult
  /** Bytes that followed the response before the close (a HEAD body, a surplus). */
  readonly after: Buffer
  /** performance.now() when the request was written and when the response (and close) was read. */
  readonly sentAt: number
  readonly doneAt: number
}

/** The response's message, or undefined when there is none (timeout, close, malformed). */
export function messageOf(exchange: OneExchange): HttpMessage<ResponseHead> | undefined {
  return exchange.read.kind === 'response' ? exchange.read.message : undefined
}

/** A header's value (the first field of that name), or undefined. */
export function field(message: HttpMessage<ResponseHead>, name: string): string | undefined {
  const lower = name.toLowerCase()
  return message.head.headers.find((f) => f.name.toLowerCase() === lower)?.value
}

/** A short description of how an exchange ended, for verdicts and notes. */
export function described(exchange: OneExchange): string {
  const { read } = exchange
  if (read.kind === 'response') {
    const m = read.message
    return `${m.head.status} (${m.body.length} body bytes${m.complete ? '' : ', incomplete'})`
  }
  if (read.kind === 'closed') return `a close (${read.how}) after ${read.partial.length} bytes`
  if (read.kind === 'malformed') return `a malformed response (${read.error.message})`
  return `no response within ${read.afterMs} ms`
}

/**
 * Sends one request with `Connection: close` on a new client connection,
 * reads the response, then whatever follows it until the target closes
 * (bounded by `quietMs`), and closes the connection.
 */
export async function oneRequest(ctx: CaseContext, spec: OneRequest): Promise<OneExchange> {
  const ftp = ftpOf(ctx)
  const method = spec.method ?? 'GET'
  const client = await ctx.connect()
  try {
    const sentAt = performance.now()
    await client.write(
      requestBytes({
        method,
        target: spec.target,
        version: 'HTTP/1.1',
        headers: [
          ['Host', ftp.host],
          ...(spec.body === undefined
            ? []
            : [['Content-Length', String(spec.body.length)] as const]),
          ['Connection', 'close'],
          ...(spec.headers ?? []),
        ],
        ...(spec.body === undefined ? {} : { body: spec.body }),
      }),
    )
    const timeoutMs = Math.max(1, Math.min(spec.timeoutMs ?? ctx.remainingMs(), ctx.remainingMs()))
    const read = await client.readResponse({ requestMethod: method, timeoutMs })
    const doneAt = performance.now()
    let after: Buffer = Buffer.alloc(0)
    if (read.kind === 'response' && read.message.complete) {
      const rest = await client.readUntilClose({
        timeoutMs: Math.max(1, Math.min(ctx.quietMs, ctx.remainingMs())),
      })
      after = rest.data
    }
    return { read, after, sentAt, doneAt }
  } finally {
    await client.close()
  }
}
