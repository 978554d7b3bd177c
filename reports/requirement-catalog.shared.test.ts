// docs/requirements.md is proxyspec's own copy of the project's shared catalog
// (../shared/REQUIREMENTS.md beside the repository in the project's workspace).
// This reports rows the shared catalog has gained that the copy lacks; where
// ../shared is absent (a clean clone, CI) it is skipped.
import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { parseRequirementCatalog } from './requirement-catalog.js'

const SHARED = fileURLToPath(new URL('../../shared/REQUIREMENTS.md', import.meta.url))
const OWN = fileURLToPath(new URL('../docs/requirements.md', import.meta.url))
const hasShared = existsSync(SHARED)

describe('docs/requirements.md against the shared catalog', () => {
  it.skipIf(!hasShared)('has every row id of ../shared/REQUIREMENTS.md', () => {
    const own = new Set(parseRequirementCatalog(readFileSync(OWN, 'utf8')).map((e) => e.id))
    const missing = parseRequirementCatalog(readFileSync(SHARED, 'utf8'))
      .map((e) => e.id)
      .filter((id) => !own.has(id))
    expect(missing, `rows of ${SHARED} missing from docs/requirements.md`).toEqual([])
  })
})
