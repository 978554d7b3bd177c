// The HTML report in a real headless Chromium: it must load from a file with
// no network request and no console error (a CSP hash mismatch would show up
// as one), the filters must change what is shown, and evidence must expand,
// with and without JavaScript. Checked twice: on the golden fixtures (exact
// counts) and on the report of a real run (the blind relay against a baseline
// run of the reference), which is also where docs/report-screenshot.png comes from.
import { statSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import type { BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunResult } from '../harness/engine/model/run-result.js'
import { executeRun } from '../harness/engine/runner/run.js'
import { parseTarget } from '../harness/engine/target/target-spec.js'
import { allCases } from '../suites/index.js'
import { loadGoldenRun } from '../test-fixtures/run-results/load.js'
import { diffRuns } from './diff.js'
import { renderHtml } from './render-html.js'
import { CHROMIUM, hasChromium, openPage, type OpenedPage } from './browser-test-kit.js'

// Locally a missing browser skips with a warning; in CI it is a failure, so
// the browser test can never drop out of CI unnoticed (.ci/setup-browser.sh installs it).
const inCi = (process.env.CI ?? '') !== '' && process.env.CI !== 'false' && process.env.CI !== '0'
if (!hasChromium && !inCi)
  console.warn(
    `[render-html.browser] skipped: no Chromium at ${CHROMIUM} (apt-get install chromium)`,
  )

describe.runIf(!hasChromium && inCi)('renderHtml in Chromium (CI)', () => {
  it('has Chromium to run in', () => {
    expect.fail(
      `CI=${process.env.CI ?? ''} but there is no Chromium at ${CHROMIUM}: run .ci/setup-browser.sh`,
    )
  })
})

const visibleCases = (page: Page): Promise<number> => page.locator('details.case:visible').count()

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

  const open = (javaScriptEnabled: boolean): Promise<OpenedPage> =>
    openPage(fileUrl, { dir, contexts, javaScriptEnabled })

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

    expect(requests).toEqual([fileUrl])
  })

  it('reads without JavaScript: the filters stay hidden and cases still expand', async () => {
    const { page, requests } = await open(false)
    expect(await page.locator('form#filters').isVisible()).toBe(false)
    expect(await visibleCases(page)).toBe(22)
    // A case opens without JavaScript; one with much evidence says that showing it needs JavaScript.
    const item = page.locator('details.case').first()
    await item.locator('summary').click()
    await expect.poll(() => item.locator('.case-body').isVisible()).toBe(true)
    const bigId = await page
      .locator('details.case:not([open]):has(div.packed)')
      .first()
      .getAttribute('id')
    const big = page.locator(`details.case[id="${bigId ?? ''}"]`)
    await big.locator('summary').click()
    await expect.poll(() => big.locator('div.packed').isVisible()).toBe(true)
    expect(await big.locator('div.packed').textContent()).toContain('this needs JavaScript')
    expect(requests).toEqual([fileUrl])
  })
})

describe.skipIf(!hasChromium)('renderHtml of a real run in Chromium', () => {
  let run: RunResult
  let diff: ReturnType<typeof diffRuns>
  let dir = ''
  let fileUrl = ''
  const contexts: BrowserContext[] = []
  // One suite keeps the run short and the page small enough for a screenshot.
  const whole = { suites: ['keep-alive'], cases: [] }

  beforeAll(async () => {
    // The reference is the baseline; the blind relay is the run that regressed.
    const baseline = await executeRun(
      { target: parseTarget('builtin:reference'), roles: [], selection: whole },
      allCases(),
    )
    run = await executeRun(
      { target: parseTarget('builtin:blind-relay'), roles: [], selection: whole },
      allCases(),
    )
    diff = diffRuns(baseline, run)
    dir = await mkdtemp(join(tmpdir(), 'proxyspec-html-run-'))
    const file = join(dir, 'report.html')
    await writeFile(file, renderHtml(run, { diff }))
    fileUrl = pathToFileURL(file).href
  }, 60_000)

  afterAll(async () => {
    for (const context of contexts) await context.close()
    await rm(dir, { recursive: true, force: true })
  })

  it('loads without console errors or requests, filters, and expands the blind-relay hang with both hops', async () => {
    const { page, requests, problems } = await openPage(fileUrl, {
      dir,
      contexts,
      javaScriptEnabled: true,
    })
    const total = run.results.length
    await expect.poll(() => page.locator('#shown').textContent()).toBe(`${total} of ${total} shown`)
    expect(await visibleCases(page)).toBe(total)

    await page.getByRole('button', { name: 'problems only' }).click()
    const failing = run.results.filter((r) =>
      ['fail', 'warn', 'timeout', 'error'].includes(r.verdict.status),
    )
    expect(failing.length).toBeGreaterThan(0)
    expect(await visibleCases(page)).toBe(failing.length)
    await page.selectOption('select[name="suite"]', 'keep-alive')
    expect(await visibleCases(page)).toBe(failing.filter((r) => r.suite === 'keep-alive').length)
    await page.selectOption('select[name="suite"]', '')
    await page.getByRole('button', { name: 'all verdicts' }).click()

    await page.fill('input[name="q"]', 'ka-06')
    const ids = await page.locator('details.case:visible code').allTextContents()
    expect(ids.sort()).toEqual(
      run.results.filter((r) => r.requirements.includes('KA-06')).map((r) => r.id),
    )
    await page.fill('input[name="q"]', '')
    await page.check('input[name="changed"]')
    expect(await visibleCases(page)).toBe(diff.newFailures.length + diff.changedVerdicts.length)
    await page.uncheck('input[name="changed"]')

    const item = page.locator('#case-keep-alive-no-dumb-proxy-keep-alive-hang--forward')
    const origin = item.locator('.hop-origin pre.bytes').first()
    expect(await origin.isVisible()).toBe(false)
    await item.locator('summary').click()
    await expect.poll(() => origin.isVisible()).toBe(true)
    expect(await item.locator('.hop-origin').textContent()).toMatch(/Connection: keep-alive/i)
    expect(await item.locator('.hop-client pre.bytes').first().textContent()).toMatch(
      /^GET http:\/\/127\.0\.0\.1:\d+\//,
    )
    expect(await item.locator('.tag.new-failure').textContent()).toBe('new failure (was PASS)')

    if (process.env.PROXYSPEC_UPDATE_SCREENSHOT === '1') {
      // Header, summary, regressions against the baseline, filters, then the hang with both hops.
      const shot = new URL('../docs/report-screenshot.png', import.meta.url)
      await page.fill('input[name="q"]', 'ka-06')
      // At the top, so the sticky filter bar sits in its place in the full-page shot.
      await page.evaluate(() => {
        window.scrollTo(0, 0)
      })
      const box = await item.boundingBox()
      if (box === null) throw new Error('the expanded case has no box')
      const bottom = box.y + box.height + (await page.evaluate(() => window.scrollY)) + 16
      await page.screenshot({
        path: fileURLToPath(shot),
        fullPage: true,
        clip: { x: 0, y: 0, width: 1280, height: Math.ceil(bottom) },
      })
      expect(statSync(shot).size).toBeLessThan(500 * 1024)
    }
    expect(requests).toEqual([fileUrl])
    expect(problems).toEqual([])
  })
})
