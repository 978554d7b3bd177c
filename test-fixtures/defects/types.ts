import type { Role } from '../../harness/model/roles.js'
import type { RunEnvironment } from '../../harness/runner/environment.js'
import type { StartedTarget } from '../../harness/target/started-target.js'

/**
 * A seeded-defect target: the reference with exactly one realistic bug
 * switched on. The kill matrix proves that every case named in `killedBy`
 * does not pass against it (fail for MUST, warn for SHOULD, any non-pass for
 * INFO), while the same cases pass against the reference.
 */
export interface SeededDefect {
  /** Stable kebab-case name, also the value of `defect:` targets. */
  readonly name: string
  /** What the bug is, and which real implementation had it where known. */
  readonly description: string
  /** Case ids (exact) that must catch it. */
  readonly killedBy: readonly [string, ...string[]]
  /** Roles in which it is started for those cases. */
  readonly roles: readonly [Role, ...Role[]]
  start(role: Role, env: RunEnvironment): Promise<StartedTarget>
}
