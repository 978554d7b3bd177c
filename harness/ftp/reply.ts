/**
 * Writes replies on the control connection as a script says: text lines with
 * CRLF or raw bytes, after a delay, in segments of N bytes, then optionally a
 * close, a reset or a stall.
 */
import type { ReplyPlan, ReplySpec } from './script-types.js'

/** What the reply writer needs from a control connection. */
export interface ControlSink {
  readonly conn: string
  /** True once the connection is gone (writes are dropped). */
  isGone(): boolean
  write(bytes: Buffer): Promise<void>
  end(how: 'close' | 'rst'): void
  stall(): void
  wait(ms: number): Promise<void>
  /** Called with each reply's bytes as written (the log). */
  sent(bytes: Buffer): void
  pending(delta: 1 | -1): void
}

export function plansOf(spec: ReplySpec): readonly ReplyPlan[] {
  if (spec === null) return []
  if (typeof spec === 'string') return [{ reply: spec }]
  if (Array.isArray(spec)) return spec as readonly ReplyPlan[]
  return [spec as ReplyPlan]
}

/** The bytes of a reply's text: every line ended by CRLF. */
export function replyBytes(text: string): Buffer {
  const lines = text.replace(/\r?\n$/, '').split(/\r?\n/)
  return Buffer.from(lines.map((l) => `${l}\r\n`).join(''), 'latin1')
}

/** The code of the last line of a spec's last plan (what the client acts on), or ''. */
export function finalCode(spec: ReplySpec): string {
  const plans = plansOf(spec)
  const last = plans[plans.length - 1]
  if (last === undefined) return ''
  const text = last.reply ?? last.raw?.toString('latin1') ?? ''
  const lines = text.replace(/\r?\n$/, '').split(/\r?\n/)
  return /^\d{3}/.exec(lines[lines.length - 1] ?? '')?.[0] ?? ''
}

/** Writes `spec` (after `latencyMs`); resolves when the last byte is handed to the socket. */
export async function sendReply(sink: ControlSink, spec: ReplySpec, latencyMs = 0): Promise<void> {
  const plans = plansOf(spec)
  if (plans.length === 0) return
  sink.pending(1)
  try {
    await sink.wait(latencyMs)
    for (const plan of plans) {
      await sink.wait(plan.delayMs ?? 0)
      if (sink.isGone()) return
      const bytes =
        plan.raw ?? (plan.reply === undefined ? Buffer.alloc(0) : replyBytes(plan.reply))
      if (bytes.length > 0) {
        sink.sent(bytes)
        const step = plan.segment ?? bytes.length
        for (let at = 0; at < bytes.length; at += step) {
          await sink.write(bytes.subarray(at, at + step))
          // A segment per write needs the previous one flushed first (TCP_NODELAY is on).
          if (step < bytes.length) await sink.wait(1)
        }
      }
      if (plan.after === 'close' || plan.after === 'rst') {
        sink.end(plan.after)
        return
      }
      if (plan.after === 'stall') sink.stall()
    }
  } finally {
    sink.pending(-1)
  }
}
