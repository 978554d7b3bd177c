// The balance charts in a real headless Chromium: a report with a distribution
// and a failover timeline loads from a file with no request and no console
// error (the CSP would report an inline style), the SVGs take room once the case
// is open, in the light and the dark scheme, and their text is there.
// PROXYSPEC_UPDATE_BALANCE_SCREENSHOT=1 writes docs/report-balance.png.
import { statSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { chromium, type Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runWithBalance } from '../test-fixtures/run-results/balance.js'
import { renderHtml } from './render-html.js'
import { CHROMIUM, CHROMIUM_ARGS, hasChromium } from './browser-test-kit.js'

// render-html.browser.test.ts fails CI without Chromium; here it only skips.

const CASE = '#case-balancing-failover-on-refusal--reverse'

describe.skipIf(!hasChromium)('balance charts in Chromium', () => {
  let dir = ''
  let fileUrl = ''
  let browser: Browser | undefined

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'proxyspec-balance-'))
    const file = join(dir, 'report.html')
    await writeFile(file, renderHtml(runWithBalance()))
    fileUrl = pathToFileURL(file).href
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: CHROMIUM_ARGS,
      headless: true,
    })
  }, 30_000)

  afterAll(async () => {
    await browser?.close()
    await rm(dir, { recursive: true, force: true })
  })

  it.each(['light', 'dark'] as const)(
    'draws both charts with size and text in the %s scheme',
    async (colorScheme) => {
      const context = await browser!.newContext({
        colorScheme,
        viewport: { width: 1280, height: 900 },
      })
      try {
        const page = await context.newPage()
        const requests: string[] = []
        const problems: string[] = []
        page.on('request', (request) => requests.push(request.url()))
        page.on('console', (message) => {
          if (message.type() === 'error' || message.type() === 'warning')
            problems.push(message.text())
        })
        page.on('pageerror', (error) => problems.push(error.message))
        await page.goto(fileUrl, { waitUntil: 'load' })

        const item = page.locator(CASE)
        await item.locator(':scope > summary').click()
        const dist = item.locator('figure.chart-distribution svg')
        const timeline = item.locator('figure.chart-timeline svg')
        await expect.poll(() => dist.isVisible()).toBe(true)
        for (const svg of [dist, timeline]) {
          const box = await svg.boundingBox()
          expect(box?.width).toBeGreaterThan(300)
          expect(box?.height).toBeGreaterThan(60)
        }
        // Every observed bar has width; the faults and marks are drawn.
        const bars = await dist
          .locator('rect.bar-observed')
          .evaluateAll((els) => els.map((e) => (e as SVGGraphicsElement).getBBox().width))
        expect(bars).toHaveLength(4)
        expect(bars.every((w) => w > 0)).toBe(true)
        const fault = await timeline
          .locator('line.fault-line')
          .evaluate((e) => (e as SVGGraphicsElement).getBBox().height)
        expect(fault).toBeGreaterThan(40)
        expect(await timeline.locator('.req').count()).toBe(9 + 5)

        expect(await dist.getAttribute('role')).toBe('img')
        expect(await page.getByRole('img', { name: 'Equal weights, 500 requests' }).count()).toBe(1)
        expect(await dist.textContent()).toContain('168 (33.6 %) / expected 167 (33.3 %)')
        expect(await item.locator('figure.chart-distribution figcaption').textContent()).toBe(
          'Equal weights, 500 requests: χ² 0.3 (df 2) p=0.86',
        )
        expect(await timeline.textContent()).toContain('O1: refuses connections (120 ms)')
        expect(await timeline.textContent()).toContain('(none)')

        // The text is painted in a colour of the scheme, not the default black on dark.
        const fill = await dist
          .locator('text.lane-label')
          .first()
          .evaluate((e) => getComputedStyle(e).fill)
        expect(fill).toBe(colorScheme === 'dark' ? 'rgb(230, 237, 243)' : 'rgb(27, 31, 36)')

        if (colorScheme === 'light' && process.env.PROXYSPEC_UPDATE_BALANCE_SCREENSHOT === '1') {
          // Without the sticky filter bar over the charts.
          await page.evaluate(() => {
            document.getElementById('filters')?.setAttribute('hidden', '')
          })
          const shot = new URL('../docs/report-balance.png', import.meta.url)
          await item.locator('section.balance').screenshot({ path: fileURLToPath(shot) })
          expect(statSync(shot).size).toBeLessThan(300 * 1024)
        }
        // The numbers table opens as text.
        await item.locator('figure.chart-timeline details.chart-data summary').click()
        await expect
          .poll(() => item.locator('figure.chart-timeline table').textContent())
          .toContain('fault: refuses connections')

        expect(requests).toEqual([fileUrl])
        expect(problems).toEqual([])
      } finally {
        await context.close()
      }
    },
    30_000,
  )
})
