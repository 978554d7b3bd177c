// Repeatability (issue 7): back-to-back full runs give identical verdicts.
// `npm run repeat` does 20; CI does 3.
import { describe, expect, it } from 'vitest'
import { measureRepeatability } from '../../tools/bench/repeatability.js'

describe('repeatability', () => {
  it('gives every case the same verdict in 3 back-to-back full runs', async () => {
    const result = await measureRepeatability(3)
    expect(result.cases).toBeGreaterThan(0)
    expect(result.varied).toEqual({})
  }, 120_000)
})
