// A case file's cases reach its suite with no other edit: every *.cases.ts
// exports exactly one array, and its suite spreads it.
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { allSuites } from './index.js'

const here = import.meta.dirname

describe('case files', () => {
  for (const suite of allSuites) {
    const files = readdirSync(join(here, suite.id)).filter((f) => f.endsWith('.cases.ts'))
    it(`${suite.id}: every case file exports one array, all of it in the suite`, async () => {
      expect(files.length).toBeGreaterThan(0)
      const ids = new Set(suite.cases.map((c) => c.id))
      for (const file of files) {
        const path = join(here, suite.id, file)
        const module = (await import(/* @vite-ignore */ path)) as Record<string, unknown>
        const arrays = Object.values(module).filter(Array.isArray) as { id: string }[][]
        expect(arrays, file).toHaveLength(1)
        for (const c of arrays[0] ?? []) expect(ids.has(`${suite.id}/${c.id}`), c.id).toBe(true)
      }
    })
  }
})
