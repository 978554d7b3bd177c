import type { DecodedBlock, DecodedField } from './hpack-decoder.js'
import type { Frame } from './frames.js'

/** A header block as decoded, with the stream it belongs to. */
export interface HeaderBlock extends DecodedBlock {
  readonly streamId: number
  /** The HEADERS frame that opened it carried END_STREAM. */
  readonly endStream: boolean
  /** 'PUSH_PROMISE' blocks describe the promised request. */
  readonly via: 'HEADERS' | 'PUSH_PROMISE'
}

/** One frame on a connection, in either direction, with when the harness saw it. */
export interface FrameRecord {
  /** Order on this connection, sent and received together. */
  readonly seq: number
  /** performance.now() when written or parsed. */
  readonly at: number
  readonly dir: 'sent' | 'received'
  readonly frame: Frame
  /** The frame's bytes, header included. */
  readonly bytes: Buffer
  /** On the frame that ends a header block (END_HEADERS): the whole block decoded. */
  readonly block?: HeaderBlock
}

/** How a stream's incoming side ended, as far as a wait could tell. */
export type StreamEnd = 'end-stream' | 'reset' | 'goaway' | 'closed'

/** What came in on one stream. */
export interface StreamResult {
  readonly streamId: number
  readonly end: StreamEnd
  /** Header blocks in order: 1xx heads, the final head, trailers. */
  readonly blocks: readonly HeaderBlock[]
  /** :status of the last header block that has one and is not 1xx. */
  readonly status?: string
  /** DATA payloads concatenated (padding removed). */
  readonly data: Buffer
  /** The RST_STREAM code, when end is 'reset'. */
  readonly rstCode?: number
  readonly frames: readonly FrameRecord[]
}

/** The fields of a block as [name, value] pairs (latin1). */
export function pairsOf(fields: readonly DecodedField[]): [string, string][] {
  return fields.map((f) => [f.name, f.value])
}

/** Gathers what a stream received from a connection's records. */
export function streamResult(
  streamId: number,
  records: readonly FrameRecord[],
  end: StreamEnd,
): StreamResult {
  const frames = records.filter((r) => r.dir === 'received' && r.frame.header.streamId === streamId)
  const blocks = frames.flatMap((r) => (r.block?.via === 'HEADERS' ? [r.block] : []))
  const data = Buffer.concat(frames.flatMap((r) => (r.frame.kind === 'DATA' ? [r.frame.data] : [])))
  const rst = frames.find((r) => r.frame.kind === 'RST_STREAM')?.frame
  let status: string | undefined
  for (const block of blocks) {
    const s = block.fields.find((f) => f.name === ':status')?.value
    if (s !== undefined && !s.startsWith('1')) status = s
  }
  return {
    streamId,
    end,
    blocks,
    ...(status === undefined ? {} : { status }),
    data,
    ...(rst?.kind === 'RST_STREAM' ? { rstCode: rst.errorCode } : {}),
    frames,
  }
}
