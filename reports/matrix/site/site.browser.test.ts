// The matrix site in a real headless Chromium, built from a small synthetic
// matrix (two peers, three columns, no peer started): every page loads from
// file:// with no request beyond the site's own files and no console error (a
// CSP hash mismatch would show up as one), the filters hide and show rows and
// columns, a cell leads to the case in the peer's evidence report, and the
// peer page lists the version, provider and config as run.
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunResult } from '../../../harness/engine/model/run-result.js'
import { loadGoldenRun } from '../../../test-fixtures/run-results/load.js'
import { caseAnchor } from '../../html-case.js'
import { renderHtml } from '../../render-html.js'
import { writeFileAtomic } from '../../write-file.js'
import { buildMatrix, type PeerRunInfo } from '../model.js'
import { Reasons } from '../reasons.js'
import { writeMatrixSite } from './index.js'
import { CHROMIUM, hasChromium, openPage, type OpenedPage } from '../../browser-test-kit.js'

// As in reports/render-html.browser.test.ts: skipped locally without a browser, a failure in CI.
const inCi = (process.env.CI ?? '') !== '' && process.env.CI !== 'false' && process.env.CI !== '0'
if (!hasChromium && !inCi)
  console.warn(`[site.browser] skipped: no Chromium at ${CHROMIUM} (apt-get install chromium)`)

describe.runIf(!hasChromium && inCi)('the matrix site in Chromium (CI)', () => {
  it('has Chromium to run in', () => {
    expect.fail(`CI is set but there is no Chromium at ${CHROMIUM}: run .ci/setup-browser.sh`)
  })
})

/** squid plays forward and reverse with the golden mixed verdicts; nginx passes everything as a reverse proxy. */
function syntheticPeers(): PeerRunInfo[] {
  const mixed = loadGoldenRun('mixed-verdicts')
  const passing: RunResult = {
    ...mixed,
    target: { ...mixed.target, label: 'peer:nginx', roles: ['reverse'] },
    results: mixed.results
      .filter((r) => r.role === 'reverse' && r.verdict.status !== 'not-applicable')
      .map((r) => ({ ...r, verdict: { ...r.verdict, status: 'pass', message: 'conforms' } })),
  }
  const files = (name: string, content: string): { name: string; content: string }[] => [
    { name, content },
  ]
  return [
    {
      peer: 'squid',
      version: 'Squid 6.1',
      provider: 'native',
      where: '/usr/sbin/squid',
      roles: [
        {
          role: 'forward',
          templates: ['squid/forward.conf'],
          files: files('squid.conf', 'http_port 127.0.0.1:3128\n<acl> & "quotes"'),
        },
        {
          role: 'reverse',
          templates: ['squid/reverse.conf'],
          files: files('squid.conf', 'http_port 127.0.0.1:8080 accel'),
        },
      ],
      evidence: 'matrix/squid.html',
      run: mixed,
    },
    {
      peer: 'nginx',
      version: 'nginx/1.22.1',
      provider: 'container',
      where: 'proxyspec/peers:bookworm-4',
      roles: [
        {
          role: 'reverse',
          templates: ['nginx/reverse.conf'],
          files: files('nginx.conf', 'proxy_pass http://127.0.0.1:1;'),
        },
      ],
      evidence: 'matrix/nginx.html',
      run: passing,
    },
  ]
}

describe.skipIf(!hasChromium)('the matrix site in Chromium', () => {
  let dir = ''
  let site = ''
  const contexts: BrowserContext[] = []

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'proxyspec-site-'))
    site = join(dir, 'site')
    const peers = syntheticPeers()
    const reasons = Reasons.parse(
      JSON.stringify({
        'squid connect/2xx-has-no-framing-headers': { side: 'peer', reason: 'squid sends CL: 0' },
      }),
      'reasons.json',
    )
    const matrix = buildMatrix(peers, reasons, caseAnchor, '0.1.0')
    // The evidence reports are what `proxyspec matrix` writes for each run.
    for (const peer of peers)
      await writeFileAtomic(
        join(site, peer.evidence),
        renderHtml(peer.run, { maxBytesPerEvent: 512 }),
      )
    await writeMatrixSite(site, matrix)
  })

  afterAll(async () => {
    for (const context of contexts) await context.close()
    await rm(dir, { recursive: true, force: true })
  })

  const open = (file: string, javaScriptEnabled = true): Promise<OpenedPage> =>
    openPage(pathToFileURL(join(site, file)).href, { dir, contexts, javaScriptEnabled })

  const rows = (page: Page): Promise<number> => page.locator('tr.case:visible').count()
  const columns = (page: Page): Promise<string[]> =>
    page
      .locator('th.col:visible')
      .evaluateAll((ths) => ths.map((th) => th.getAttribute('data-col') ?? ''))
  const shown = (page: Page): Promise<string | null> => page.locator('#shown').textContent()

  it('writes a folder to publish as it is', async () => {
    expect((await readdir(site)).sort()).toEqual([
      '.nojekyll',
      'index.html',
      'matrix',
      'peer-nginx.html',
      'peer-squid.html',
      'suites.html',
    ])
  })

  it('filters the table by suite, level, role, peer and status, and to non-pass rows or differences', async () => {
    const { page, requests, problems } = await open('index.html')
    await expect.poll(() => shown(page)).toBe('11 of 11 cases shown, 3 of 3 columns')
    expect(await rows(page)).toBe(11)
    expect(await columns(page)).toEqual(['squid/forward', 'squid/reverse', 'nginx/reverse'])

    await page.check('input[name="nonpass"]')
    expect(await rows(page)).toBe(6)
    await page.check('input[name="diff"]')
    // Drops-request-fields (fail/pass/pass), appends-Via (info/pass/pass), the keep-alive hang.
    expect(await rows(page)).toBe(3)
    await page.uncheck('input[name="nonpass"]')
    expect(await rows(page)).toBe(3)

    // Reverse only: squid's forward column goes, and with it every difference but one.
    await page.selectOption('select[name="role"]', 'reverse')
    expect(await columns(page)).toEqual(['squid/reverse', 'nginx/reverse'])
    expect(await page.locator('tr.case:visible code').allTextContents()).toEqual([
      'keep-alive/no-dumb-proxy-keep-alive-hang',
    ])
    expect(await page.locator('tr.suite:visible').allTextContents()).toEqual(['keep-alive'])
    await page.uncheck('input[name="diff"]')
    expect(await rows(page)).toBe(7)
    await page.selectOption('select[name="role"]', '')

    await page.selectOption('select[name="peer"]', 'nginx')
    expect(await columns(page)).toEqual(['nginx/reverse'])
    expect(await rows(page)).toBe(7)
    await page.check('input[name="nonpass"]')
    expect(await rows(page)).toBe(0)
    await expect.poll(() => shown(page)).toBe('0 of 11 cases shown, 1 of 3 columns')
    await page.uncheck('input[name="nonpass"]')
    await page.selectOption('select[name="peer"]', '')

    await page.selectOption('select[name="suite"]', 'connect')
    expect(await rows(page)).toBe(3)
    await page.selectOption('select[name="suite"]', '')
    await page.selectOption('select[name="level"]', 'SHOULD')
    expect(await rows(page)).toBe(2)
    await page.selectOption('select[name="level"]', '')
    await page.uncheck('input[name="status"][value="pass"]')
    expect(await rows(page)).toBe(6)
    await page.uncheck('input[name="status"][value="fail"]')
    // Still the rows with a warning, timeout, error, info or unsupported cell.
    expect(await rows(page)).toBe(4)

    expect(problems).toEqual([])
    expect(requests.every((url) => url.startsWith('file://'))).toBe(true)
    expect(requests).toHaveLength(1)
  }, 60_000)

  it('follows a cell to the case in the peer evidence report, and the peer link to its page', async () => {
    const { page, requests, problems } = await open('index.html')
    const row = page.locator('tr.case', { hasText: 'connect/2xx-has-no-framing-headers' })
    const cell = row.locator('td[data-col="squid/forward"]')
    expect(await cell.getAttribute('title')).toContain('the peer deviates: squid sends CL: 0')
    await cell.getByRole('link', { name: 'FAIL' }).click()
    await page.waitForURL(/matrix\/squid\.html#case-connect-2xx-has-no-framing-headers--forward$/)
    const item = page.locator('#case-connect-2xx-has-no-framing-headers--forward')
    expect(await item.count()).toBe(1)
    expect(await item.locator('code').first().textContent()).toBe(
      'connect/2xx-has-no-framing-headers',
    )

    await page.goBack()
    await page.locator('#peers').getByRole('link', { name: 'squid', exact: true }).click()
    await page.waitForURL(/peer-squid\.html$/)
    const text = (await page.locator('body').textContent()) ?? ''
    expect(text).toContain('Squid 6.1')
    expect(text).toContain('/usr/sbin/squid')
    expect(text).toContain('test-fixtures/peers/squid/forward.conf')
    expect(await page.locator('pre').first().textContent()).toBe(
      'http_port 127.0.0.1:3128\n<acl> & "quotes"',
    )
    await page.getByRole('link', { name: 'those that are not a pass' }).click()
    await page.waitForURL(/index\.html\?peer=squid&nonpass=1$/)
    await expect.poll(() => shown(page)).toBe('6 of 11 cases shown, 2 of 3 columns')
    expect(await columns(page)).toEqual(['squid/forward', 'squid/reverse'])
    await page.goBack()
    await page.getByRole('link', { name: 'matrix/squid.html' }).click()
    await page.waitForURL(/matrix\/squid\.html$/)

    expect(problems).toEqual([])
    expect(requests.length).toBeGreaterThanOrEqual(4)
    expect(requests.filter((url) => !url.startsWith('file://'))).toEqual([])
  }, 60_000)

  it('summarises each suite per peer role, and reads without JavaScript', async () => {
    const { page, requests, problems } = await open('suites.html')
    const squidForward = page.locator('#overview tr', { hasText: 'squid forward' })
    expect(await squidForward.locator('td').allTextContents()).toEqual(['0/3', '3/5', '2/3'])
    const nginx = page.locator('#overview tr', { hasText: 'nginx reverse' })
    expect(await nginx.locator('td').allTextContents()).toEqual(['—', '4/4', '3/3'])
    expect(problems).toEqual([])
    expect(requests).toHaveLength(1)

    const plain = await open('index.html', false)
    expect(await plain.page.locator('form#filters').isVisible()).toBe(false)
    expect(await rows(plain.page)).toBe(11)
    expect(plain.problems).toEqual([])
  }, 60_000)
})
