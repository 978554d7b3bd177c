import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { loadGoldenRun } from '../test-fixtures/run-results/load.js'
import { writeFileAtomic } from './write-file.js'
import { writeReports } from './write-reports.js'

let dir = ''
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'write-reports-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

const run = loadGoldenRun('mixed-verdicts')

describe('writeReports', () => {
  it('writes each asked format under its fixed name, JSON first', async () => {
    const { written, failed } = await writeReports(run, ['md', 'html', 'junit', 'json'], dir)
    expect(failed).toEqual([])
    expect(written.map((w) => w.format)).toEqual(['json', 'junit', 'html', 'md'])
    expect((await readdir(dir)).sort()).toEqual([
      'junit.xml',
      'report.html',
      'report.json',
      'summary.md',
    ])
    expect(JSON.parse(await readFile(join(dir, 'report.json'), 'utf8'))).toEqual(run)
  })

  it('keeps the reports it wrote when a later one cannot be written, and leaves no temp file', async () => {
    // A directory where junit.xml should go: the rename fails, the rest must not.
    await mkdir(join(dir, 'junit.xml'))
    const { written, failed } = await writeReports(run, ['json', 'junit', 'html', 'md'], dir)
    expect(written.map((w) => w.format)).toEqual(['json', 'html', 'md'])
    expect(failed.map((f) => f.format)).toEqual(['junit'])
    expect(failed[0]?.reason).toMatch(/EISDIR|directory/)
    expect((await readdir(dir)).sort()).toEqual([
      'junit.xml',
      'report.html',
      'report.json',
      'summary.md',
    ])
    expect(JSON.parse(await readFile(join(dir, 'report.json'), 'utf8'))).toEqual(run)
  })
})

describe('writeFileAtomic', () => {
  it('replaces a file whole, creating the directory, with no temp file left', async () => {
    const path = join(dir, 'deep', 'er', 'report.json')
    await writeFileAtomic(path, 'first')
    await writeFileAtomic(path, 'second')
    expect(await readFile(path, 'utf8')).toBe('second')
    expect(await readdir(join(dir, 'deep', 'er'))).toEqual(['report.json'])
  })

  it('leaves the old file untouched when the new one cannot be written', async () => {
    const path = join(dir, 'summary.md')
    await writeFile(path, 'old')
    await mkdir(join(dir, 'blocked'))
    await expect(writeFileAtomic(join(dir, 'blocked'), 'new')).rejects.toThrow()
    expect(await readFile(path, 'utf8')).toBe('old')
    expect((await readdir(dir)).sort()).toEqual(['blocked', 'summary.md'])
  })
})
