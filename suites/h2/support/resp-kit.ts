// What the response and stream cases (H2-11 … H2-16, H2-25 … H2-32) share:
// waiting for a stream's end with the case's deadline, reading its header
// blocks, and describing what came.
import type { CaseContext } from '../../../harness/engine/model/case-context.js'
import { endCase, timedOut } from '../../../harness/engine/model/outcome.js'
import { errorCodeName } from '../../../harness/h2/constants.js'
import type { H2RawClient, HeaderBlock, StreamResult } from '../../../harness/h2/index.js'
import { streamResult } from '../../../harness/h2/records.js'
import { isTimeout } from '../../../harness/net/deadline.js'

/** How stream `id` ended, or the case ends as a timeout waiting for it (`withinMs`, capped at the deadline). */
export async function streamEnd(
  ctx: CaseContext,
  client: H2RawClient,
  id: number,
  what: string,
  withinMs?: number,
): Promise<StreamResult> {
  const timeoutMs = Math.max(1, Math.min(withinMs ?? ctx.remainingMs(), ctx.remainingMs()))
  const result = await client.waitForStreamEnd(id, { timeoutMs })
  return isTimeout(result) ? endCase(timedOut(what, result.afterMs)) : result
}

/** The stream's end, or undefined when it did not end within `withinMs` (the case goes on). */
export async function streamEndWithin(
  ctx: CaseContext,
  client: H2RawClient,
  id: number,
  withinMs: number,
): Promise<StreamResult | undefined> {
  const timeoutMs = Math.max(1, Math.min(withinMs, ctx.remainingMs()))
  const result = await client.waitForStreamEnd(id, { timeoutMs })
  return isTimeout(result) ? undefined : result
}

/**
 * What stream `id` received, ended or not: its end within `withinMs`, else
 * what came so far.
 */
export async function streamSoFar(
  ctx: CaseContext,
  client: H2RawClient,
  id: number,
  withinMs: number,
): Promise<{ readonly result: StreamResult; readonly ended: boolean }> {
  const ended = await streamEndWithin(ctx, client, id, withinMs)
  return ended === undefined
    ? { result: streamResult(id, client.records, 'closed'), ended: false }
    : { result: ended, ended: true }
}

/** The :status of a header block, if it has one. */
export function statusOf(block: HeaderBlock): string | undefined {
  return block.fields.find((f) => f.name === ':status')?.value
}

/** Blocks with a 1xx :status (interim responses). */
export function interimBlocks(result: StreamResult): HeaderBlock[] {
  return result.blocks.filter((b) => statusOf(b)?.startsWith('1') === true)
}

/** The final response's header block (the first block with a non-1xx :status). */
export function finalBlock(result: StreamResult): HeaderBlock | undefined {
  return result.blocks.find((b) => {
    const s = statusOf(b)
    return s !== undefined && !s.startsWith('1')
  })
}

/** Header blocks after the final one (trailer sections). */
export function trailerBlocks(result: StreamResult): HeaderBlock[] {
  const head = finalBlock(result)
  return head === undefined ? [] : result.blocks.slice(result.blocks.indexOf(head) + 1)
}

/** Values of field `name` (exact, as received) in a block. */
export function valuesOf(block: HeaderBlock | undefined, name: string): string[] {
  return (block?.fields ?? []).filter((f) => f.name === name).map((f) => f.value)
}

/** One line on how a stream ended: "END_STREAM after 200, 12 bytes", "RST_STREAM(CANCEL) …". */
export function describeEnd(result: StreamResult): string {
  const statuses = result.blocks.map((b) => statusOf(b) ?? 'trailers').join(', ')
  const how =
    result.end === 'reset'
      ? `RST_STREAM(${errorCodeName(result.rstCode ?? 0)})`
      : result.end === 'end-stream'
        ? 'END_STREAM'
        : result.end === 'goaway'
          ? 'a GOAWAY below the stream'
          : 'the connection closing'
  return `${how} after ${statuses === '' ? 'no header block' : `blocks [${statuses}]`} and ${result.data.length} DATA bytes`
}

/** The `:path` of a request for `suffix` below this case's token. */
export function h2Get(ctx: CaseContext, suffix: string) {
  return ctx.h2Target(ctx.path(suffix))
}
