// An h2 origin response body sent within the windows the target granted
// (RFC 9113 §5.2, §6.9): the raw origin enforces nothing, so a case that
// needs a well-behaved origin sends its DATA through this.
import { SETTING, type FrameConnection, type FrameRecord } from '../../../harness/h2/index.js'
import type { H2OriginView } from '../../../harness/engine/model/case-context.js'
import { isTimeout } from '../../../harness/net/deadline.js'

/** Octets the origin may send now on `streamId`: the lesser of the connection and stream windows. */
function room(records: readonly FrameRecord[], streamId: number): number {
  let initial = 65_535
  let maxFrame = 16_384
  let connection = 65_535
  let stream = 0
  let streamUpdates = 0
  let streamSent = 0
  for (const r of records) {
    const f = r.frame
    if (r.dir === 'received') {
      if (f.kind === 'SETTINGS' && !f.ack)
        for (const [id, value] of f.settings) {
          if (id === SETTING.INITIAL_WINDOW_SIZE) initial = value
          if (id === SETTING.MAX_FRAME_SIZE) maxFrame = value
        }
      if (f.kind === 'WINDOW_UPDATE') {
        if (f.header.streamId === 0) connection += f.increment
        else if (f.header.streamId === streamId) streamUpdates += f.increment
      }
    } else if (f.kind === 'DATA') {
      connection -= f.header.length
      if (f.header.streamId === streamId) streamSent += f.header.length
    }
  }
  stream = initial + streamUpdates - streamSent
  return Math.max(0, Math.min(connection, stream, maxFrame))
}

/** What the sender did so far (read by the case while it runs). */
export interface WindowedSend {
  sent: number
  /** Waiting for the target to grant more window. */
  blocked: boolean
  done: Promise<void>
  /**
   * Resolves once `bytes` octets are sent, or the sender waits for window, or it has ended:
   * the sender's own progress is no origin event, so an origin.until() would not see it.
   */
  underWay(bytes: number): Promise<void>
}

/** Sends `body` on the origin's stream within the target's windows, END_STREAM on the last octet. */
export function sendWithinWindows(
  origin: H2OriginView,
  connection: FrameConnection,
  streamId: number,
  body: Buffer,
  remainingMs: () => number,
): WindowedSend {
  const waiters = new Set<{ readonly bytes: number; readonly wake: () => void }>()
  let ended = false
  const notify = (): void => {
    for (const w of waiters) {
      if (ended || state.blocked || state.sent >= w.bytes) {
        waiters.delete(w)
        w.wake()
      }
    }
  }
  const state: WindowedSend = {
    sent: 0,
    blocked: false,
    done: Promise.resolve(),
    underWay: (bytes) =>
      new Promise<void>((wake) => {
        waiters.add({ bytes, wake })
        notify()
      }),
  }
  state.done = (async () => {
    while (state.sent < body.length && remainingMs() > 0) {
      // Blocked only when there is no room now (a send with room at once is not waiting).
      state.blocked = room(connection.records, streamId) === 0
      notify()
      const n = await origin.until(
        'the target to open its window',
        () => {
          const r = room(connection.records, streamId)
          return r > 0 ? r : undefined
        },
        remainingMs(),
      )
      state.blocked = false
      if (isTimeout(n)) return
      const size = Math.min(n, body.length - state.sent)
      const last = state.sent + size === body.length
      await connection.sendData(streamId, body.subarray(state.sent, state.sent + size), {
        endStream: last,
      })
      state.sent += size
      notify()
    }
  })().finally(() => {
    ended = true
    notify()
  })
  return state
}
