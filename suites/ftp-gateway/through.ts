import type { ReadResponseResult } from '../../harness/client/types.js'
import type { CaseContext } from '../../harness/engine/model/case-context.js'
import { requestBytes } from '../../harness/wire/serialize.js'
import type { FieldLine } from '../../harness/wire/types.js'
import { statusLine } from '../support/request.js'

/** One GET through the gateway on a connection of its own, and what came back. */
export interface ThroughGateway {
  readonly target: string
  readonly read: ReadResponseResult
  /** Every byte the client received for it (the response's, or the partial bytes). */
  readonly bytes: Buffer
  /** When the answer ended (a whole response, a close, or the wait running out), ms after the request. */
  readonly ms: number
}

export interface ThroughOptions {
  /** The Host field value (default ctx.ftp.host). */
  readonly host?: string
  readonly headers?: readonly FieldLine[]
  /** How long to wait for the answer (default: what is left of the case). */
  readonly timeoutMs?: number
}

/** `GET target` with Connection: close on a new client connection, the answer read within the bound. */
export async function getThrough(
  ctx: CaseContext,
  target: string,
  options: ThroughOptions = {},
): Promise<ThroughGateway> {
  const client = await ctx.connect()
  const sentAt = performance.now()
  await client.write(
    requestBytes({
      method: 'GET',
      target,
      version: 'HTTP/1.1',
      headers: [
        ['Host', options.host ?? ctx.ftp?.host ?? ''],
        ...(options.headers ?? []),
        ['Connection', 'close'],
      ],
    }),
  )
  const read = await client.readResponse({
    timeoutMs: Math.min(options.timeoutMs ?? Infinity, ctx.remainingMs()),
  })
  const ms = Math.round(performance.now() - sentAt)
  await client.close()
  const bytes = read.kind === 'response' ? read.message.raw : read.partial
  return { target, read, bytes, ms }
}

/** What the client got, in a few words, for verdicts and notes. */
export function answerOf(got: ThroughGateway): string {
  const { read } = got
  switch (read.kind) {
    case 'response': {
      const m = read.message
      return `${statusLine(m)} after ${got.ms} ms, ${m.complete ? 'complete' : 'incomplete'} (${m.body.length} body bytes)`
    }
    case 'closed':
      return `a close (${read.how}) after ${read.partial.length} bytes, ${got.ms} ms`
    case 'malformed':
      return `a malformed response (${read.error.message})`
    case 'timeout':
      return `no answer within ${Math.round(read.afterMs)} ms (${read.partial.length} bytes)`
  }
}

/** A transcript for ctx.note, its middle cut out past `max` characters (a gateway that loops writes thousands of lines). */
export function clipped(text: string, max = 32 * 1024): string {
  if (text.length <= max) return text
  const head = text.slice(0, (max * 3) / 4)
  const tail = text.slice(text.length - max / 4)
  return `${head}\n… ${text.length - head.length - tail.length} characters left out …\n${tail}`
}
