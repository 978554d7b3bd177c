import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

let cached: string | undefined

/**
 * test-fixtures/peers/ of the package, found by walking up from this module:
 * it sits two levels up from harness/peers/ in the source tree and three from
 * dist/harness/peers/ (package.json ships test-fixtures beside dist).
 */
export function peerFixturesDir(): string {
  if (cached !== undefined) return cached
  let dir = dirname(fileURLToPath(import.meta.url))
  for (let i = 0; i < 6; i += 1) {
    const candidate = join(dir, 'test-fixtures', 'peers')
    if (existsSync(candidate)) {
      cached = candidate
      return candidate
    }
    dir = dirname(dir)
  }
  throw new Error('[proxyspec] test-fixtures/peers not found beside the package')
}
