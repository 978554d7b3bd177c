// Helpers of the h2 tunnel cases (H2-17 … H2-23): open a CONNECT or extended
// CONNECT stream and read its answer, send DATA within the target's flow
// control windows (RFC 9113 §5.2, §6.9: the raw client enforces nothing),
// and wait for what came back on a stream.
import { createHash, randomInt } from 'node:crypto'
import type { CaseContext } from '../../../harness/engine/model/case-context.js'
import { endCase, timedOut } from '../../../harness/engine/model/outcome.js'
import { ERROR_CODE, FLAG, SETTING, errorCodeName } from '../../../harness/h2/constants.js'
import type { H2RawClient } from '../../../harness/h2/raw-client.js'
import type { BlockItem } from '../../../harness/h2/hpack-encoder.js'
import type { FrameRecord, HeaderBlock } from '../../../harness/h2/records.js'
import { isTimeout } from '../../../harness/net/deadline.js'

/** `:method CONNECT` and `:authority` (RFC 9113 §8.5), the only pseudo-header fields of a CONNECT. */
export const connectPseudo = (authority: string): BlockItem[] => [
  { name: ':method', value: 'CONNECT' },
  { name: ':authority', value: authority },
]

/** The answer a tunnel stream got first: its final head, or how it ended without one. */
export type TunnelAnswer =
  | {
      readonly kind: 'head'
      readonly block: HeaderBlock
      readonly status: string
      /** A :status 101 HEADERS came (HTTP/2 has none, RFC 9113 §8.6). */
      readonly saw101: boolean
    }
  | { readonly kind: 'reset'; readonly code: number; readonly saw101: boolean }
  | { readonly kind: 'closed'; readonly how: string; readonly saw101: boolean }

/**
 * The final (non-1xx) head of `streamId`, or the RST_STREAM / close that came
 * instead. A 101 is taken as the final head only when DATA follows it (the
 * target treats it as the switch); otherwise it is an interim head, noted.
 */
export async function answerOf(
  ctx: CaseContext,
  client: H2RawClient,
  streamId: number,
  what: string,
): Promise<TunnelAnswer> {
  const found = await client.waitForFrame(
    (r) =>
      r.frame.header.streamId === streamId &&
      (r.frame.kind === 'RST_STREAM' ||
        r.frame.kind === 'DATA' ||
        (r.block !== undefined && !statusOf(r).startsWith('1'))),
    { timeoutMs: ctx.remainingMs(), what },
  )
  if (isTimeout(found)) endCase(timedOut(what, found.afterMs))
  const mine = client.records.filter(
    (r) => r.dir === 'received' && r.frame.header.streamId === streamId,
  )
  const heads = mine.filter((r) => r.block !== undefined)
  const saw101 = heads.some((r) => statusOf(r) === '101')
  const final = heads.find((r) => !statusOf(r).startsWith('1'))
  if (final?.block !== undefined)
    return { kind: 'head', block: final.block, status: statusOf(final), saw101 }
  const last101 = heads.filter((r) => statusOf(r) === '101').at(-1)
  if (last101?.block !== undefined && mine.some((r) => r.frame.kind === 'DATA'))
    return { kind: 'head', block: last101.block, status: '101', saw101 }
  const rst = mine.find((r) => r.frame.kind === 'RST_STREAM')?.frame
  if (rst?.kind === 'RST_STREAM') return { kind: 'reset', code: rst.errorCode, saw101 }
  return {
    kind: 'closed',
    how: 'kind' in found ? `the connection closed (${found.how})` : 'no head',
    saw101,
  }
}

function statusOf(record: FrameRecord): string {
  return record.block?.fields.find((f) => f.name === ':status')?.value ?? ''
}

/** How an answer reads in a verdict. */
export function describeAnswer(answer: TunnelAnswer): string {
  switch (answer.kind) {
    case 'head':
      return `${answer.saw101 && answer.status !== '101' ? ':status 101 then ' : ''}:status ${answer.status}`
    case 'reset':
      return `${answer.saw101 ? ':status 101 then ' : ''}RST_STREAM(${errorCodeName(answer.code)})`
    case 'closed':
      return `${answer.saw101 ? ':status 101 then ' : ''}${answer.how}`
  }
}

/** A 2xx head: the tunnel is open. */
export const opensTunnel = (answer: TunnelAnswer): boolean =>
  answer.kind === 'head' && answer.status.startsWith('2')

/** A field of a head block, or undefined. */
export function fieldOf(block: HeaderBlock, name: string): string | undefined {
  return block.fields.find((f) => f.name === name)?.value
}

/** The target's window for our DATA on `streamId` now: min(connection, stream) (RFC 9113 §6.9). */
function sendWindow(client: H2RawClient, streamId: number): number {
  let initial = 65_535
  let connection = 65_535
  let stream = 0
  let streamUpdates = 0
  for (const r of client.records) {
    const f = r.frame
    if (r.dir === 'received') {
      if (f.kind === 'SETTINGS' && !f.ack) {
        for (const [id, value] of f.settings)
          if (id === SETTING.INITIAL_WINDOW_SIZE) initial = value
      } else if (f.kind === 'WINDOW_UPDATE') {
        if (f.header.streamId === 0) connection += f.increment
        else if (f.header.streamId === streamId) streamUpdates += f.increment
      }
    } else if (f.kind === 'DATA') {
      connection -= f.header.length
      if (f.header.streamId === streamId) stream -= f.header.length
    }
  }
  return Math.min(connection, initial + stream + streamUpdates)
}

/** The target's SETTINGS_MAX_FRAME_SIZE (16384 unless it said otherwise). */
function maxFrameSize(client: H2RawClient): number {
  let size = 16_384
  for (const r of client.records)
    if (r.dir === 'received' && r.frame.kind === 'SETTINGS' && !r.frame.ack)
      for (const [id, value] of r.frame.settings) if (id === SETTING.MAX_FRAME_SIZE) size = value
  return size
}

/**
 * Sends `data` on `streamId` in DATA frames of random sizes (1 octet to the
 * frame limit), never beyond the target's windows: it waits for
 * WINDOW_UPDATE when they are spent. With `endStream`, a last empty DATA
 * frame carries END_STREAM (RFC 9113 §8.5: "the final TCP segment or DATA
 * frame could be empty"). Ends the case if the windows stay shut.
 */
export async function sendTunnelData(
  ctx: CaseContext,
  client: H2RawClient,
  streamId: number,
  data: Buffer,
  options: { readonly endStream?: boolean; readonly what?: string } = {},
): Promise<void> {
  let at = 0
  while (at < data.length) {
    const window = sendWindow(client, streamId)
    if (window <= 0) {
      const from = client.records.length
      const update = await client.waitForFrame(
        (r) =>
          r.frame.kind === 'WINDOW_UPDATE' ||
          (r.frame.header.streamId === streamId && r.frame.kind === 'RST_STREAM'),
        { from, timeoutMs: ctx.remainingMs(), what: 'a WINDOW_UPDATE' },
      )
      if (isTimeout(update))
        endCase(
          timedOut(
            `${options.what ?? 'the tunnel'}: flow control credit after ${at} of ${data.length} bytes`,
            update.afterMs,
          ),
        )
      if ('kind' in update || update.frame.kind === 'RST_STREAM') return
      continue
    }
    const size = Math.min(window, data.length - at, randomInt(1, maxFrameSize(client) + 1))
    await client.connection.sendData(streamId, data.subarray(at, at + size))
    at += size
  }
  if (options.endStream === true)
    await client.connection.sendData(streamId, Buffer.alloc(0), { endStream: true })
}

/** DATA received on `streamId` so far, and whether END_STREAM or RST_STREAM came. */
export function received(
  client: H2RawClient,
  streamId: number,
): { readonly data: Buffer; readonly ended: boolean; readonly rst?: number } {
  const chunks: Buffer[] = []
  let ended = false
  let rst: number | undefined
  for (const r of client.records) {
    if (r.dir !== 'received' || r.frame.header.streamId !== streamId) continue
    if (r.frame.kind === 'DATA') {
      chunks.push(r.frame.data)
      if ((r.frame.header.flags & FLAG.END_STREAM) !== 0) ended = true
    } else if (r.frame.kind === 'RST_STREAM') rst = r.frame.errorCode
    else if (r.block?.endStream === true) ended = true
  }
  return { data: Buffer.concat(chunks), ended, ...(rst === undefined ? {} : { rst }) }
}

/**
 * Waits until `n` octets of DATA came on `streamId`, or the stream ended
 * (END_STREAM, RST_STREAM) or the connection closed: then no more can come.
 */
export async function waitForTunnelBytes(
  ctx: CaseContext,
  client: H2RawClient,
  streamId: number,
  n: number,
): Promise<ReturnType<typeof received>> {
  // Counts without copying: done() runs on every frame, and joining the DATA
  // each time made a 1 MB tunnel cost half a gigabyte of copies.
  const done = (): boolean => {
    let length = 0
    for (const r of client.records) {
      if (r.dir !== 'received' || r.frame.header.streamId !== streamId) continue
      if (r.frame.kind === 'RST_STREAM') return true
      if (r.frame.kind === 'DATA') {
        length += r.frame.data.length
        if ((r.frame.header.flags & FLAG.END_STREAM) !== 0) return true
      } else if (r.block?.endStream === true) return true
    }
    return length >= n
  }
  const result = await client.waitForFrame(done, {
    timeoutMs: ctx.remainingMs(),
    what: `${n} bytes of DATA on stream ${streamId}`,
  })
  if (isTimeout(result) && !done())
    endCase(
      timedOut(
        `${n} bytes of DATA on stream ${streamId} (${received(client, streamId).data.length} so far)`,
        result.afterMs,
      ),
    )
  return received(client, streamId)
}

/** Waits for the stream's end (END_STREAM or RST_STREAM) or the connection's close. */
export async function waitForTunnelEnd(
  ctx: CaseContext,
  client: H2RawClient,
  streamId: number,
  what: string,
): Promise<ReturnType<typeof received>> {
  const end = await client.waitForStreamEnd(streamId, { timeoutMs: ctx.remainingMs() })
  if (isTimeout(end)) endCase(timedOut(what, end.afterMs))
  return received(client, streamId)
}

export const sha256 = (data: Buffer): string =>
  createHash('sha256').update(data).digest('hex').slice(0, 16)

/** A CONNECT_ERROR code name, for notes. */
export const CONNECT_ERROR = ERROR_CODE.CONNECT_ERROR
