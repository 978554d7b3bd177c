// CI's sample of the wire fuzzer; `npm run fuzz` runs 100,000 inputs.
import fc from 'fast-check'
import { describe, it } from 'vitest'
import { wireInput } from './wire-inputs.js'
import { checkWireInput } from './wire-property.js'

describe('harness/wire under fuzzing', () => {
  it('throws nothing but WireError and never loops, on 3,000 mutated messages', () => {
    fc.assert(fc.property(wireInput, checkWireInput), { numRuns: 3000, seed: 20261201 })
  })
})
