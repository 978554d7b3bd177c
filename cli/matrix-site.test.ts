// proxyspec matrix end to end on one real peer (tinyproxy, started natively):
// the summary goes where --out says, the evidence pages only into the site
// folder (built, never beside the committed Markdown), a folder GitHub Pages
// serves as it is; matrix.md links into it, or to --site-url when given.
import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PEERS } from '../harness/peers/catalog.js'
import { nativeAbsent } from '../harness/peers/test-kit.js'

const CLI = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url))
const CASE = 'hop-by-hop/appends-via-to-requests'

function matrix(args: readonly string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, 'matrix', ...args],
      { timeout: 60_000 },
      (error, _out, stderr) =>
        resolve({
          code: error === null ? 0 : typeof error.code === 'number' ? error.code : null,
          stderr,
        }),
    )
  })
}

describe.skipIf(nativeAbsent(PEERS.tinyproxy))('proxyspec matrix: the summary and the site', () => {
  let dir = ''
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'matrix-site-'))
  })
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
  })
  const common = ['--targets', 'peer:tinyproxy', '--case', CASE, '--peer-provider', 'native']

  it('writes matrix.md to --out and the evidence only to --site, linked relatively', async () => {
    const out = join(dir, 'docs')
    const site = join(dir, 'site')
    const { code, stderr } = await matrix([...common, '--out', out, '--site', site])
    expect(stderr).toBe('')
    expect(code).toBe(0)
    expect(await readdir(out)).toEqual(['matrix.md'])
    expect(existsSync(join(site, 'index.html'))).toBe(true)
    expect(existsSync(join(site, '.nojekyll'))).toBe(true)
    expect(existsSync(join(site, 'suites.html'))).toBe(true)
    expect(await readFile(join(site, 'peer-tinyproxy.html'), 'utf8')).toContain('tinyproxy.conf')
    expect(await readdir(join(site, 'matrix'))).toEqual(['tinyproxy.html'])
    const md = await readFile(join(out, 'matrix.md'), 'utf8')
    expect(md).toContain('(../site/matrix/tinyproxy.html#case-')
    expect(md).toContain('built, not committed')
    const index = await readFile(join(site, 'index.html'), 'utf8')
    expect(index).toContain('href="matrix/tinyproxy.html#case-')
  }, 90_000)

  it('links to the published site with --site-url, and refuses a URL that is not one', async () => {
    const out = join(dir, 'published')
    const site = join(dir, 'site2')
    const url = 'https://example.test/proxyspec'
    expect((await matrix([...common, '--out', out, '--site', site, '--site-url', url])).code).toBe(
      0,
    )
    const md = await readFile(join(out, 'matrix.md'), 'utf8')
    expect(md).toContain('(https://example.test/proxyspec/matrix/tinyproxy.html#case-')
    const bad = await matrix([...common, '--out', out, '--site-url', 'not a url'])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toBe('proxyspec: --site-url "not a url" is not a URL\n')
  }, 90_000)
})
