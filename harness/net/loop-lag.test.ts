// The lag a blocked event loop leaves is measured, and only from `from` on.
import { expect, it } from 'vitest'
import { watchLoopLag } from './loop-lag.js'

it('sees a 200 ms block in a window that holds it, and not in a later one', async () => {
  const lag = watchLoopLag()
  try {
    // Ticks run on an idle loop first.
    await new Promise((resolve) => setTimeout(resolve, 60))
    const blocked = performance.now()
    const until = blocked + 200
    while (performance.now() < until) {
      // a starved loop: nothing else runs
    }
    await new Promise((resolve) => setTimeout(resolve, 30))
    expect(lag.maxSince(blocked)).toBeGreaterThanOrEqual(150)
    const after = performance.now()
    await new Promise((resolve) => setTimeout(resolve, 60))
    // The window after the block leaves it out (less by most of its 200 ms).
    expect(lag.maxSince(after)).toBeLessThan(lag.maxSince(blocked) - 100)
  } finally {
    lag.close()
  }
})
