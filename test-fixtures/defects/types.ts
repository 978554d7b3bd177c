import { rolesBehind, type Role } from '../../harness/engine/model/roles.js'
import type { RunEnvironment } from '../../harness/engine/environment/environment.js'
import type { StartedTarget } from '../../harness/engine/target/started-target.js'

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
  /**
   * It can also be started as a tls-terminator (`start('tls-terminator')`):
   * a defect of the reverse role then also runs behind TLS, for the killedBy
   * cases that apply there (defectRoles).
   */
  readonly behindTls?: boolean
  start(role: Role, env: RunEnvironment): Promise<StartedTarget>
}

/**
 * The roles the kill matrix starts a defect in: those it names, and for one
 * that can run behind TLS, the roles behind each (a reverse defect also as a
 * tls-terminator, as a reverse case also runs there).
 */
export function defectRoles(defect: SeededDefect): readonly Role[] {
  if (defect.behindTls !== true) return defect.roles
  return [...new Set(defect.roles.flatMap((role) => rolesBehind(role)))]
}
