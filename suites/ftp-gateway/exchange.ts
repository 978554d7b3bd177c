/**
 * One HTTP request through the gateway on a connection of its own, and what
 * came back: the shared plumbing of the page, secret, malformed-reply and
 * error-code cases (FTP-05, FTP-06, FTP-07, FTP-15, FTP-20).
 */
import type { ReadResponseResult } from '../../harness/client/types.js'
import type { CaseContext } from '../../harness/engine/model/case-context.js'
import { requestBytes } from '../../harness/wire/serialize.js'
import type { FieldLine, HttpMessage, ResponseHead } from '../../harness/wire/types.js'
import { ftpOf } from './ftp.js'

/** One request and its answer. */
export interface Exchange {
  /** What the request was, for the evidence ("GET ftp://…/pub/ (FO: 550 to RETR)"). */
  readonly label: string
  readonly read: ReadResponseResult
  /** Every byte the client received: the response as read, or what came before close or timeout. */
  readonly bytes: Buffer
  /** Milliseconds from the request's write to the end of the read. */
  readonly ms: number
}

export interface FetchOptions {
  /** Extra field lines after Host and Connection. */
  readonly headers?: readonly FieldLine[]
  /** The Host value. @default ctx.ftp.host */
  readonly host?: string
  /** How long the read may take (capped at what is left of the case). @default the case's remaining time */
  readonly withinMs?: number
}

/** `GET target` with `Connection: close` on a new connection; the response (or why there is none). */
export async function fetchThrough(
  ctx: CaseContext,
  label: string,
  target: string,
  options: FetchOptions = {},
): Promise<Exchange> {
  const client = await ctx.connect()
  const started = performance.now()
  try {
    await client.write(
      requestBytes({
        method: 'GET',
        target,
        version: 'HTTP/1.1',
        headers: [
          ['Host', options.host ?? ftpOf(ctx).host],
          ['Connection', 'close'],
          ...(options.headers ?? []),
        ],
      }),
    )
    const timeoutMs = Math.max(1, Math.min(options.withinMs ?? Infinity, ctx.remainingMs() - 100))
    const read = await client.readResponse({ timeoutMs })
    const bytes = read.kind === 'response' ? read.message.raw : read.partial
    return { label, read, bytes, ms: Math.round(performance.now() - started) }
  } finally {
    client.destroy()
  }
}

/** The response, if one (possibly incomplete) came. */
export function messageOf(exchange: Exchange): HttpMessage<ResponseHead> | undefined {
  return exchange.read.kind === 'response' ? exchange.read.message : undefined
}

/** The value of the first field `name` (case-insensitive), or undefined. */
export function fieldOf(message: HttpMessage<ResponseHead>, name: string): string | undefined {
  const lower = name.toLowerCase()
  return message.head.headers.find((f) => f.name.toLowerCase() === lower)?.value
}

/** "404", "200 (incomplete)", "closed (eof) after 0 bytes", "no answer in 9000 ms", "malformed: …". */
export function summary(exchange: Exchange): string {
  const { read } = exchange
  switch (read.kind) {
    case 'response':
      return `${read.message.head.status}${read.message.complete ? '' : ' (incomplete, then closed)'}`
    case 'closed':
      return `closed (${read.how}) after ${read.partial.length} bytes, no response`
    case 'timeout':
      return `no whole response in ${read.afterMs} ms (${read.partial.length} bytes)`
    case 'malformed':
      return `a malformed response (${read.error.message})`
  }
}

/** Basic credentials as a field line (RFC 7617 §2). */
export function basic(user: string, password: string): FieldLine {
  return ['Authorization', `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`]
}

/** `ftp://<userinfo>@<FO authority><path>` in forward mode; undefined in reverse mode (no URL to carry it). */
export function forwardUrl(
  ctx: CaseContext,
  userinfo: string | undefined,
  path: string,
): string | undefined {
  const ftp = ftpOf(ctx)
  if (ftp.mode !== 'forward') return undefined
  return `ftp://${userinfo === undefined ? '' : `${userinfo}@`}${ftp.origin.authority}${path}`
}
