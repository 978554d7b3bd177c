// The HTML report in a real headless Chromium: it must load from a file with
// no network request and no console error (a CSP hash mismatch would show up
// as one), the filters must change what is shown, and evidence must expand,
// with and without JavaScript.
import { existsSync, statSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { chromium, type BrowserContext, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadGoldenRun } from '../test-fixtures/run-results/load.js'
import { diffRuns } from './diff.js'
import { renderHtml } from './render-html.js'

const CHROMIUM = '/usr/bin/chromium'
const hasChromium = existsSync(CHROMIUM)
if (!hasChromium) console.warn(`[render-html.browser] skipped: no Chromium at ${CHROMIUM}`)

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

interface Opened {
  readonly page: Page
  readonly requests: string[]
  readonly problems: string[]
}

describe.skipIf(!hasChromium)('renderHtml in Chromium', () => {
  const head = loadGoldenRun('regression/head')
  const diff = diffRuns(loadGoldenRun('regression/base'), head)
  let dir = ''
  let fileUrl = ''
  const contexts: BrowserContext[] = []

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'proxyspec-html-'))
    const file = join(dir, 'report.html')
    await writeFile(file, renderHtml(head, { diff }))
    fileUrl = pathToFileURL(file).href
  })

  afterAll(async () => {
    for (const context of contexts) await context.close()
    await rm(dir, { recursive: true, force: true })
  })

  /** A fresh browser profile per context, so no state leaks between checks. */
  async function open(javaScriptEnabled: boolean): Promise<Opened> {
    const profile = await mkdtemp(join(dir, 'profile-'))
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      args: ARGS,
      headless: true,
      javaScriptEnabled,
      viewport: { width: 1280, height: 900 },
    })
    contexts.push(context)
    const page = context.pages()[0] ?? (await context.newPage())
    const requests: string[] = []
    const problems: string[] = []
    page.on('request', (request) => requests.push(request.url()))
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') problems.push(message.text())
    })
    page.on('pageerror', (error) => problems.push(error.message))
    await page.goto(fileUrl, { waitUntil: 'load' })
    return { page, requests, problems }
  }

  const visibleCases = (page: Page): Promise<number> => page.locator('details.case:visible').count()

  it('loads from a file with no network request and no console error, and filters what is shown', async () => {
    const { page, requests, problems } = await open(true)
    await expect.poll(() => page.locator('#shown').textContent()).toBe('22 of 22 shown')
    expect(await visibleCases(page)).toBe(22)

    await page.getByRole('button', { name: 'problems only' }).click()
    const problemCount = head.results.filter((r) =>
      ['fail', 'warn', 'timeout', 'error'].includes(r.verdict.status),
    ).length
    expect(problemCount).toBe(11)
    expect(await visibleCases(page)).toBe(problemCount)

    await page.selectOption('select[name="suite"]', 'keep-alive')
    expect(await visibleCases(page)).toBe(2)
    await page.getByRole('button', { name: 'all verdicts' }).click()
    expect(await visibleCases(page)).toBe(6)

    await page.selectOption('select[name="suite"]', '')
    await page.selectOption('select[name="level"]', 'SHOULD')
    expect(await visibleCases(page)).toBe(head.results.filter((r) => r.level === 'SHOULD').length)
    await page.selectOption('select[name="level"]', '')

    await page.fill('input[name="q"]', 'hop-05')
    const ids = await page.locator('details.case:visible code').allTextContents()
    const cited = head.results.filter((r) => r.requirements.includes('HOP-05')).map((r) => r.id)
    expect(cited).toHaveLength(4)
    expect(ids.sort()).toEqual(cited.sort())
    await page.fill('input[name="q"]', '')

    await page.check('input[name="changed"]')
    expect(await visibleCases(page)).toBe(diff.newFailures.length + diff.changedVerdicts.length)
    await page.uncheck('input[name="status"][value="unsupported"]')
    expect(await visibleCases(page)).toBe(diff.newFailures.length)

    expect(requests).toEqual([fileUrl])
    expect(problems).toEqual([])
  })

  it('expands a case to its requirement, spec link and the bytes on both hops', async () => {
    const { page, requests } = await open(true)
    const item = page.locator('#case-hop-by-hop-drops-connection-listed-request-fields--forward')
    const bytes = item.locator('.hop-origin pre.bytes').first()
    expect(await bytes.isVisible()).toBe(false)
    await item.locator('summary').click()
    await expect.poll(() => bytes.isVisible()).toBe(true)
    expect(await bytes.textContent()).toContain('Connection: X-Hop, keep-alive\\r\\n')
    expect(await item.locator('.hop-client pre.bytes').first().textContent()).toMatch(
      /^GET http:\/\/127\.0\.0\.1:41237\//,
    )
    expect(await item.getByRole('link', { name: 'RFC 9110 §7.6.1' }).getAttribute('href')).toBe(
      'https://www.rfc-editor.org/rfc/rfc9110#section-7.6.1',
    )
    expect(await item.locator('dd').first().textContent()).toMatch(/^FAIL: expected no X-Hop/)
    await expect
      .poll(() => item.locator('.tag.new-failure').textContent())
      .toBe('new failure (was PASS)')

    if (process.env.PROXYSPEC_UPDATE_SCREENSHOT === '1') {
      // The regressions against the baseline, the filters, then one new failure with both hops.
      const shot = new URL('../docs/report-screenshot.png', import.meta.url)
      await page.setViewportSize({ width: 1280, height: 1340 })
      await page.evaluate(() => {
        document.getElementById('regressions')?.scrollIntoView()
      })
      await page.screenshot({ path: fileURLToPath(shot) })
      expect(statSync(shot).size).toBeLessThan(300 * 1024)
    }
    expect(requests).toEqual([fileUrl])
  })

  it('reads without JavaScript: the filters stay hidden and cases still expand', async () => {
    const { page, requests } = await open(false)
    expect(await page.locator('form#filters').isVisible()).toBe(false)
    expect(await visibleCases(page)).toBe(22)
    const item = page.locator('details.case').first()
    await item.locator('summary').click()
    await expect.poll(() => item.locator('pre.bytes').first().isVisible()).toBe(true)
    expect(requests).toEqual([fileUrl])
  })
})
