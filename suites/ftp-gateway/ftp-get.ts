/**
 * One request through the FTP gateway on a fresh client connection, and what
 * the case's FTP origin received for it: its command lines (from the index
 * they started at), so a case that sends several requests judges each by
 * its own commands.
 */
import type { ReadResponseResult } from '../../harness/client/types.js'
import type { CaseContext } from '../../harness/engine/model/case-context.js'
import { endCase, unsupported } from '../../harness/engine/model/outcome.js'
import type { FtpCommand } from '../../harness/ftp/index.js'
import { fieldValues } from '../../harness/wire/fields.js'
import { requestBytes } from '../../harness/wire/serialize.js'
import type { FieldLine, HttpMessage, ResponseHead } from '../../harness/wire/types.js'
import { ftpOf } from './ftp.js'

export interface FtpExchange {
  readonly target: string
  readonly answer: ReadResponseResult
  /** The FTP commands that reached the origin from this request on. */
  readonly commands: readonly FtpCommand[]
}

/** The request-target for `ftpPath`, or the case ends unsupported (reverse mode, outside {ftp_base}). */
export function targetOf(ctx: CaseContext, ftpPath: string): string {
  const target = ftpOf(ctx).requestTarget(ftpPath)
  return target ?? endCase(unsupported(`reverse mode cannot name ${ftpPath} (outside {ftp_base})`))
}

/** `method target` with Host and Connection: close, answered within the case deadline. */
export async function ftpGet(
  ctx: CaseContext,
  target: string,
  options: { readonly method?: string; readonly headers?: readonly FieldLine[] } = {},
): Promise<FtpExchange> {
  const ftp = ftpOf(ctx)
  const from = ftp.origin.commands.length
  const method = options.method ?? 'GET'
  const client = await ctx.connect()
  try {
    await client.write(
      requestBytes({
        method,
        target,
        version: 'HTTP/1.1',
        headers: [['Host', ftp.host], ['Connection', 'close'], ...(options.headers ?? [])],
      }),
    )
    const answer = await client.readResponse({
      timeoutMs: ctx.remainingMs(),
      requestMethod: method,
    })
    return { target, answer, commands: ftp.origin.commands.slice(from) }
  } finally {
    await client.close()
  }
}

/** The response, or undefined (timeout, close, malformed). */
export function messageOf(exchange: FtpExchange): HttpMessage<ResponseHead> | undefined {
  return exchange.answer.kind === 'response' ? exchange.answer.message : undefined
}

/** What the client got, in a few words: "200 (1048586 body bytes)", "a close", "no answer". */
export function answerText(exchange: FtpExchange): string {
  const { answer } = exchange
  switch (answer.kind) {
    case 'response':
      return `${answer.message.head.status} (${answer.message.body.length} body bytes${answer.message.complete ? '' : ', incomplete'})`
    case 'closed':
      return `a close (${answer.how}) after ${answer.partial.length} bytes`
    case 'timeout':
      return 'no answer'
    case 'malformed':
      return `a malformed response (${answer.error.message})`
  }
}

/** The one value of a response field, undefined when absent. */
export function fieldOf(message: HttpMessage<ResponseHead>, name: string): string | undefined {
  return fieldValues(message.head.headers, name)[0]
}

/** "USER anonymous, PASS …, CWD pub, RETR f.bin": the command plan, arguments as latin1. */
export function planText(commands: readonly FtpCommand[]): string {
  return commands
    .filter((c) => c.verb !== 'QUIT')
    .map((c) =>
      c.verb === 'PASS' ? 'PASS …' : `${c.verb}${c.arg === '' ? '' : ` ${printable(c.arg)}`}`,
    )
    .join(', ')
}

/** Latin1 text with control and non-ASCII characters as \xNN. */
export function printable(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)
}
