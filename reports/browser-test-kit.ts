// Headless Chromium for the browser tests of the reports (the HTML report,
// its balance charts, the matrix site): where the browser is, how it is
// started, and a page opened with what it requested and complained of.
import { existsSync } from 'node:fs'
import { mkdtemp } from 'node:fs/promises'
import { join } from 'node:path'
import { chromium, type BrowserContext, type Page } from 'playwright-core'

// Debian's package; PROXYSPEC_CHROMIUM points elsewhere (another distribution, a local build).
export const CHROMIUM = process.env.PROXYSPEC_CHROMIUM ?? '/usr/bin/chromium'
export const hasChromium = existsSync(CHROMIUM)

/** Headless, and nothing of the browser's own that reaches for the network. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

export interface OpenedPage {
  readonly page: Page
  /** Every URL the page requested, itself first. */
  readonly requests: string[]
  /** Console errors and warnings, and uncaught page errors. */
  readonly problems: string[]
}

/**
 * Opens `url` in a context of its own (a fresh profile under `dir`, so no
 * state leaks between checks); the caller closes the contexts it collects.
 */
export async function openPage(
  url: string,
  options: {
    readonly dir: string
    readonly contexts: BrowserContext[]
    readonly javaScriptEnabled: boolean
  },
): Promise<OpenedPage> {
  const profile = await mkdtemp(join(options.dir, 'profile-'))
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    args: CHROMIUM_ARGS,
    headless: true,
    javaScriptEnabled: options.javaScriptEnabled,
    viewport: { width: 1280, height: 900 },
  })
  options.contexts.push(context)
  const page = context.pages()[0] ?? (await context.newPage())
  const requests: string[] = []
  const problems: string[] = []
  page.on('request', (request) => requests.push(request.url()))
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') problems.push(message.text())
  })
  page.on('pageerror', (error) => problems.push(error.message))
  await page.goto(url, { waitUntil: 'load' })
  return { page, requests, problems }
}
