// The shipped catalog data must match the catalog it was generated from.
// ../shared/REQUIREMENTS.md sits beside the repository in the project's
// workspace; where it is absent (a bare clone) only the data's own checks run.
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { format, resolveConfig } from 'prettier'
import { describe, expect, it } from 'vitest'
import { catalogModule } from './catalog-module.js'
import { REQUIREMENT_CATALOG } from './requirement-catalog.data.js'
import { parseRequirementCatalog } from './requirement-catalog.js'

const SOURCE = fileURLToPath(new URL('../../shared/REQUIREMENTS.md', import.meta.url))
const DATA = fileURLToPath(new URL('./requirement-catalog.data.ts', import.meta.url))
const hasSource = existsSync(SOURCE)
if (!hasSource) console.warn(`[requirement-catalog.data] ${SOURCE} absent: sync check skipped`)

describe('requirement-catalog.data', () => {
  it('holds unique ids, each with a level and at least one role', () => {
    const ids = REQUIREMENT_CATALOG.map((e) => e.id)
    expect(new Set(ids).size).toBe(ids.length)
    expect(ids.length).toBeGreaterThan(50)
    for (const entry of REQUIREMENT_CATALOG) {
      expect(entry.id).toMatch(/^[A-Z]+-\d+$/)
      expect(['MUST', 'SHOULD', 'INFO']).toContain(entry.level)
      expect(entry.roles.length, entry.id).toBeGreaterThan(0)
    }
  })

  it.skipIf(!hasSource)('is what ../shared/REQUIREMENTS.md generates', async () => {
    // Formatted as the repository formats it, so `prettier --check` passes on the data too.
    const expected = await format(
      catalogModule(
        parseRequirementCatalog(readFileSync(SOURCE, 'utf8')),
        '../shared/REQUIREMENTS.md',
      ),
      { ...(await resolveConfig(DATA)), filepath: DATA },
    )
    if (process.env.PROXYSPEC_UPDATE_CATALOG === '1') writeFileSync(DATA, expected)
    expect(readFileSync(DATA, 'utf8')).toBe(expected)
  })
})
