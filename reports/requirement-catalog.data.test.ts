// The shipped catalog data must be what docs/requirements.md generates
// (`npm run catalog` regenerates it). Both live in the repository, so this
// check runs everywhere, a bare clone included.
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { formattedCatalogModule } from './catalog-module.js'
import { REQUIREMENT_CATALOG } from './requirement-catalog.data.js'
import { CATALOG_LEVELS, CATALOG_ROLES } from './requirement-catalog.js'

const SOURCE = fileURLToPath(new URL('../docs/requirements.md', import.meta.url))
const DATA = fileURLToPath(new URL('./requirement-catalog.data.ts', import.meta.url))

describe('requirement-catalog.data', () => {
  it('holds unique ids, each with a level and at least one role', () => {
    const ids = REQUIREMENT_CATALOG.map((e) => e.id)
    expect(new Set(ids).size).toBe(ids.length)
    expect(ids.length).toBeGreaterThan(180)
    for (const entry of REQUIREMENT_CATALOG) {
      expect(entry.id).toMatch(/^[A-Z][A-Z0-9]*-\d+$/)
      expect(CATALOG_LEVELS).toContain(entry.level)
      expect(entry.roles.length, entry.id).toBeGreaterThan(0)
      for (const role of entry.roles) expect(CATALOG_ROLES).toContain(role)
    }
  })

  it('is what docs/requirements.md generates (else run `npm run catalog`)', async () => {
    const expected = await formattedCatalogModule(readFileSync(SOURCE, 'utf8'), DATA)
    expect(
      readFileSync(DATA, 'utf8') === expected,
      'reports/requirement-catalog.data.ts differs from docs/requirements.md: run `npm run catalog`',
    ).toBe(true)
  })
})
