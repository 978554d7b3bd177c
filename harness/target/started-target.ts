import type { Started } from '../net/started.js'
import type { TargetEndpoint } from '../runner/environment.js'

/** A target ready to be tested in one role. */
export interface StartedTarget extends Started {
  readonly endpoint: TargetEndpoint
  /** What a spawned target wrote to stderr (bounded); empty for others. */
  stderr(): string
}
