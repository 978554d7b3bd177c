// How many streams were open at once on an h2 origin connection, from the
// origin's own frame records (RFC 9113 §5.1.2: open and half-closed streams
// count against SETTINGS_MAX_CONCURRENT_STREAMS).
import { FLAG, type FrameRecord } from '../../../harness/h2/index.js'

/**
 * The most streams the client (the target) had open at once on one
 * connection, as the origin saw them, counted when a stream opened after
 * the target acknowledged the origin's SETTINGS (RFC 9113 §6.5.2: the limit
 * is initially unlimited; §6.5.3: a setting is in force once acknowledged):
 * a stream opens with its first HEADERS received and closes once both sides
 * ended (END_STREAM each way) or either reset it. The origin's own
 * END_STREAM is written before the target can read it, so a new stream
 * arriving after it was opened after it.
 */
export function upstreamStreamsAtOnce(records: readonly FrameRecord[]): number {
  const open = new Map<number, { local: boolean; remote: boolean }>()
  let most = 0
  let acknowledged = false
  const close = (id: number): void => {
    const s = open.get(id)
    if (s !== undefined && s.local && s.remote) open.delete(id)
  }
  for (const r of records) {
    const f = r.frame
    const id = f.header.streamId
    if (r.dir === 'received' && f.kind === 'SETTINGS' && f.ack) acknowledged = true
    if (id === 0) continue
    const ends =
      (f.kind === 'DATA' || f.kind === 'HEADERS') && (f.header.flags & FLAG.END_STREAM) !== 0
    if (r.dir === 'received') {
      if (f.kind === 'HEADERS' && !open.has(id) && id % 2 === 1) {
        open.set(id, { local: false, remote: false })
        if (acknowledged) most = Math.max(most, open.size)
      }
      if (f.kind === 'RST_STREAM') open.delete(id)
      else if (ends) {
        const s = open.get(id)
        if (s !== undefined) s.remote = true
        close(id)
      }
    } else {
      if (f.kind === 'RST_STREAM') open.delete(id)
      else if (ends) {
        const s = open.get(id)
        if (s !== undefined) s.local = true
        close(id)
      }
    }
  }
  return most
}
