// The reference intermediaries carry no seeded bug (issue 11): a bug for the
// kill matrix is a replaced step defined under test-fixtures/, so nothing in
// harness/ names one, switches one on, or imports a test fixture's code, and
// the public harness API offers no switch for one.
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'
import * as harness from '../../harness/index.js'
import { ROOT } from './layers.js'

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesUnder(join(dir, entry.name)) : [join(dir, entry.name)],
  )
}

describe('harness/ without seeded bugs', () => {
  const files = filesUnder(join(ROOT, 'harness')).filter((file) => file.endsWith('.ts'))

  it('reads every file of harness/, its self-tests included', () => {
    expect(files.length).toBeGreaterThan(200)
  })

  it('has no file that mentions a defect', () => {
    const mentions = files.filter((file) => /defect/i.test(readFileSync(file, 'utf8')))
    expect(mentions.map((file) => relative(ROOT, file))).toEqual([])
  })

  it('has no file that imports code from test-fixtures/', () => {
    const imports = files.filter((file) =>
      /from '(\.\.\/)+test-fixtures\/(?!run-results\/)/.test(readFileSync(file, 'utf8')),
    )
    expect(imports.map((file) => relative(ROOT, file))).toEqual([])
  })

  it('exports no defect switch from proxyspec/harness', () => {
    expect(Object.keys(harness).filter((name) => /defect/i.test(name))).toEqual([])
    expect(Object.keys(harness)).toContain('startReferenceProxy')
  })
})
