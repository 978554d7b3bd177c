import { accessSync, constants } from 'node:fs'
import { delimiter, join } from 'node:path'

/**
 * Daemons live in sbin, which a non-root user's PATH often lacks (Debian), so
 * those directories are searched after PATH.
 */
const SBIN = ['/usr/local/sbin', '/usr/sbin', '/sbin']

/** The first of `names` found as an executable on PATH (then sbin), or undefined. */
export function findBinary(
  names: readonly string[],
  path = process.env.PATH ?? '',
): string | undefined {
  const dirs = [...path.split(delimiter).filter((d) => d !== ''), ...SBIN]
  for (const name of names) {
    for (const dir of dirs) {
      const candidate = join(dir, name)
      try {
        accessSync(candidate, constants.X_OK)
        return candidate
      } catch {
        // not here; next directory
      }
    }
  }
  return undefined
}
