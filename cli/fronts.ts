import { FRONTS, isFront, type Front } from '../harness/engine/model/front.js'
import { HarnessError } from '../harness/net/errors.js'

/** --front h1,h2 (repeatable): the protocols spoken to the target. */
export function parseFronts(values: readonly string[]): Front[] {
  const fronts = [...new Set(values)]
  for (const front of fronts) {
    if (!isFront(front))
      throw new HarnessError(
        'HARNESS_BAD_INPUT',
        `--front takes ${FRONTS.join(', ')} (or both, comma-separated), not "${front}"`,
      )
  }
  return fronts as Front[]
}
