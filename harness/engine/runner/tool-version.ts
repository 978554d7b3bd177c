import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

let cached: string | undefined

/** The package version, found by walking up from this file (works from source and from dist). */
export function toolVersion(): string {
  if (cached !== undefined) return cached
  let dir = dirname(fileURLToPath(import.meta.url))
  for (let i = 0; i < 6; i += 1) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
        name?: string
        version?: string
      }
      if (pkg.name === 'proxyspec' && typeof pkg.version === 'string') return (cached = pkg.version)
    } catch {
      // not here; keep walking up
    }
    dir = dirname(dir)
  }
  return (cached = '0.0.0')
}
