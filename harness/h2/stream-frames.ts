/** Builders for the frames of one stream: a header block split as asked, a body in chosen DATA sizes. */
import type { FrameSpec, Priority } from './frames.js'

export interface HeaderFrameOptions {
  readonly endStream?: boolean
  /**
   * Split the block: a number is the size of every fragment, an array gives
   * the sizes in turn (the rest goes last). The first fragment rides on
   * HEADERS, the others on CONTINUATION frames. @default one HEADERS
   */
  readonly split?: number | readonly number[]
  readonly padLength?: number
  readonly priority?: Priority
}

export interface DataFrameOptions {
  readonly endStream?: boolean
  /** DATA frame sizes, as `split` above. @default one DATA frame */
  readonly chunks?: number | readonly number[]
  /** PADDED with this many octets on every DATA frame. */
  readonly padLength?: number
}

/** Cuts `data` into pieces of the given sizes; never returns an empty list. */
export function cut(data: Buffer, sizes: number | readonly number[] | undefined): Buffer[] {
  if (sizes === undefined) return [data]
  const pieces: Buffer[] = []
  let at = 0
  let i = 0
  while (at < data.length) {
    const size = typeof sizes === 'number' ? sizes : (sizes[i++] ?? data.length - at)
    pieces.push(data.subarray(at, at + Math.max(1, size)))
    at += Math.max(1, size)
  }
  return pieces.length > 0 ? pieces : [data]
}

export function headerFrames(
  streamId: number,
  block: Buffer,
  options: HeaderFrameOptions = {},
): FrameSpec[] {
  const [first = Buffer.alloc(0), ...rest] = cut(block, options.split)
  const frames: FrameSpec[] = [
    {
      kind: 'HEADERS',
      streamId,
      fragment: first,
      endHeaders: rest.length === 0,
      ...(options.endStream === undefined ? {} : { endStream: options.endStream }),
      ...(options.padLength === undefined ? {} : { padLength: options.padLength }),
      ...(options.priority === undefined ? {} : { priority: options.priority }),
    },
  ]
  rest.forEach((fragment, i) => {
    frames.push({ kind: 'CONTINUATION', streamId, fragment, endHeaders: i === rest.length - 1 })
  })
  return frames
}

export function dataFrames(
  streamId: number,
  data: Buffer,
  options: DataFrameOptions = {},
): FrameSpec[] {
  const pieces = cut(data, options.chunks)
  return pieces.map((piece, i) => ({
    kind: 'DATA',
    streamId,
    data: piece,
    endStream: options.endStream === true && i === pieces.length - 1,
    ...(options.padLength === undefined ? {} : { padLength: options.padLength }),
  }))
}
