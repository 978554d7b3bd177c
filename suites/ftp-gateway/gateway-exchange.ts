// What the FTP-01 … FTP-03 cases share: a GET through the gateway on a
// fresh connection, and readings of the FTP origin's command log.
import type { ReadResponseResult } from '../../harness/client/types.js'
import type { CaseContext } from '../../harness/engine/model/case-context.js'
import { escapeBytes, type FtpCommand, type FtpOrigin } from '../../harness/ftp/index.js'
import { requestBytes } from '../../harness/wire/serialize.js'
import { parseMessages } from '../../harness/wire/parse-messages.js'
import type { FieldLine, HttpMessage, ResponseHead } from '../../harness/wire/types.js'
import { ftpOf } from './ftp.js'

/** The request bytes of `GET target` for the gateway (Host from ctx.ftp), with `headers` after Host. */
export function ftpGet(
  ctx: CaseContext,
  target: string,
  headers: readonly FieldLine[] = [['Connection', 'close']],
): Buffer {
  return requestBytes({
    method: 'GET',
    target,
    version: 'HTTP/1.1',
    headers: [['Host', ftpOf(ctx).host], ...headers],
  })
}

/** One GET on a new connection; the response read (a value, never a throw). */
export async function getOnce(
  ctx: CaseContext,
  target: string,
  headers?: readonly FieldLine[],
): Promise<ReadResponseResult> {
  const client = await ctx.connect()
  try {
    await client.write(ftpGet(ctx, target, headers))
    return await client.readResponse({ timeoutMs: Math.max(1, ctx.remainingMs() - 500) })
  } finally {
    await client.close()
  }
}

/** Everything a connection received until the gateway closed it (or `withinMs`). */
export async function exchangeUntilClose(
  ctx: CaseContext,
  request: Buffer,
  withinMs: number,
): Promise<{ readonly data: Buffer; readonly how: 'eof' | 'reset' | 'timeout' }> {
  const client = await ctx.connect()
  try {
    await client.write(request)
    return await client.readUntilClose({
      timeoutMs: Math.max(1, Math.min(withinMs, ctx.remainingMs() - 300)),
    })
  } finally {
    await client.close()
  }
}

/**
 * The verbs an HTTP→FTP gateway may choose for a GET (RFC 959 §4.1, RFC 2428,
 * RFC 3659): anything else in the origin's log came from the client's bytes.
 */
export const GATEWAY_VERBS: ReadonlySet<string> = new Set([
  'USER',
  'PASS',
  'ACCT',
  'SYST',
  'FEAT',
  'OPTS',
  'PWD',
  'XPWD',
  'CWD',
  'CDUP',
  'TYPE',
  'MODE',
  'STRU',
  'SIZE',
  'MDTM',
  'REST',
  'PASV',
  'EPSV',
  'PORT',
  'EPRT',
  'RETR',
  'LIST',
  'NLST',
  'MLSD',
  'STAT',
  'ABOR',
  'NOOP',
  'QUIT',
])

/** Commands logged from index `from` on. */
export function commandsSince(origin: FtpOrigin, from: number): readonly FtpCommand[] {
  return origin.commands.slice(from)
}

/**
 * What is wrong with the command lines the origin received (RFC 959 §4.1: a
 * command ends at CRLF; §5.3.2: an argument holds no CR or LF): a verb the
 * gateway would not choose, a line ended by a bare LF, a CR inside a line.
 * undefined: every line is one whole command of the gateway's own.
 */
export function injectedLine(commands: readonly FtpCommand[]): string | undefined {
  for (const c of commands) {
    const shown = escapeBytes(c.raw)
    if (!GATEWAY_VERBS.has(c.verb)) return `the FTP origin received the command "${shown}"`
    if (!c.crlf) return `a command line ended by a bare LF: "${shown}"`
    // raw ends in CRLF; any other CR is inside the line.
    if (c.raw.subarray(0, -2).includes(0x0d)) return `a CR inside the command line "${shown}"`
  }
  return undefined
}

/** The responses that parse from `data` (read to EOF when `eof`), never a throw. */
export function responsesIn(data: Buffer, eof: boolean): readonly HttpMessage<ResponseHead>[] {
  try {
    return parseMessages('response', data, { mode: 'lenient', eof }).messages.filter(
      (m): m is HttpMessage<ResponseHead> => m.head.kind === 'response',
    )
  } catch {
    return []
  }
}
