/**
 * How late the harness's own timers ran. A timing bound (a check interval, a
 * removal bound) is judged from timestamps the harness takes; when its event
 * loop is starved (two cores shared with a test runner, a CI neighbour) those
 * timestamps come late, and so do the timers of an in-process target such as
 * the reference balancer. A bound that fails by less than the lag the harness
 * itself suffered is not evidence against the target, so the cases that judge
 * bounds add this lag to their slack (suites/balancing/failover.ts).
 *
 * A 20 ms tick (unref'd: it never keeps a process alive) records how late it
 * fired; the samples of the last minute are kept.
 */
const TICK_MS = 20
const KEEP = 3000

export interface LoopLag {
  /** The largest lag (ms) seen by the ticks since `from` (a performance.now() reading). */
  maxSince(from: number): number
  close(): void
}

export function watchLoopLag(): LoopLag {
  const at = new Float64Array(KEEP)
  const lag = new Float64Array(KEEP)
  let count = 0
  let expected = performance.now() + TICK_MS
  const timer = setInterval(() => {
    const now = performance.now()
    at[count % KEEP] = now
    lag[count % KEEP] = Math.max(0, now - expected)
    count += 1
    expected = now + TICK_MS
  }, TICK_MS)
  timer.unref()
  return {
    maxSince(from) {
      let max = 0
      // A tick that fired after `from` counts whole: its delay overlapped the window.
      for (let k = Math.max(0, count - KEEP); k < count; k += 1) {
        const i = k % KEEP
        if ((at[i] ?? 0) >= from) max = Math.max(max, lag[i] ?? 0)
      }
      // A tick still pending is late by now: the starvation is going on.
      return Math.max(max, performance.now() - expected)
    },
    close() {
      clearInterval(timer)
    },
  }
}
