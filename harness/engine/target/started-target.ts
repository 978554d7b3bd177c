import type { Started } from '../../net/started.js'
import type { TargetEndpoint } from '../environment/environment.js'

/** A target ready to be tested in one role. */
export interface StartedTarget extends Started {
  readonly endpoint: TargetEndpoint
  /** What a spawned target wrote to stderr (bounded); empty for others. */
  stderr(): string
  /**
   * Resolves with how the process behind the target ended ("exited with code
   * 1", "was killed by SIGSEGV") when it ends by itself, not through close().
   * Absent when the harness has no process to watch (URL targets, built-ins).
   */
  readonly ended?: Promise<string>
}
