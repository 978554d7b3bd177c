// What `proxyspec matrix` writes once the passes have run, and what
// `proxyspec merge` writes from matrix shards: each pass's evidence page,
// matrix.md, and the site. One function for both, so a merged matrix is
// written exactly as an unsharded one.
import { existsSync } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { join, relative } from 'node:path'
import { HarnessError } from '../harness/net/errors.js'
import { peerFixturesDir } from '../harness/peers/fixtures-dir.js'
import { toolVersion } from '../harness/engine/runner/tool-version.js'
import { caseAnchor } from '../reports/html-case.js'
import { buildMatrix, unexplained, type PeerRunInfo } from '../reports/matrix/model.js'
import { Reasons } from '../reports/matrix/reasons.js'
import { writeMatrixSite } from '../reports/matrix/site/index.js'
import { renderMatrixMarkdown, type MarkdownSite } from '../reports/matrix/render-markdown.js'
import { renderHtml } from '../reports/render-html.js'
import { writeFileAtomic } from '../reports/write-file.js'

/** Where the matrix goes and what explains its cells. */
export interface MatrixOutput {
  /** matrix.md goes here. */
  readonly outDir: string
  /** The site: index.html, .nojekyll, and each pass's evidence page under matrix/. */
  readonly siteDir: string
  /** Where the site is published (--site-url), with a trailing slash. */
  readonly siteUrl?: string
  readonly reasons: Reasons
  /** Where the reasons came from, for the line listing cells without one. */
  readonly reasonsPath: string
}

/** --site-url, checked: an http(s) URL, kept with one trailing slash. */
export function siteUrlFrom(text: string | undefined): string | undefined {
  if (text === undefined) return undefined
  let url: URL
  try {
    url = new URL(text)
  } catch {
    throw new HarnessError('HARNESS_BAD_INPUT', `--site-url "${text}" is not a URL`)
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new HarnessError('HARNESS_BAD_INPUT', `--site-url "${text}" is not an http(s) URL`)
  return url.href.endsWith('/') ? url.href : `${url.href}/`
}

/** --reasons FILE, else test-fixtures/peers/reasons.json when there is one. */
export function reasonsFrom(path: string | undefined): {
  readonly reasons: Reasons
  readonly reasonsPath: string
} {
  const reasonsPath = path ?? join(peerFixturesDir(), 'reasons.json')
  const reasons =
    path !== undefined || existsSync(reasonsPath) ? Reasons.read(reasonsPath) : Reasons.empty()
  return { reasons, reasonsPath }
}

/**
 * How matrix.md links its cells: to the published site (--site-url), else to
 * the site folder relative to the Markdown, saying that the pages are built.
 */
function markdownSite(outDir: string, siteDir: string, siteUrl: string | undefined): MarkdownSite {
  if (siteUrl !== undefined)
    return { base: siteUrl, where: `The evidence pages are published at ${siteUrl}.` }
  const folder = relative(outDir, siteDir).split('\\').join('/')
  return {
    base: folder === '' ? '' : `${folder}/`,
    where: `The evidence pages (one HTML report per peer, every byte on both hops) are built, not committed: \`proxyspec matrix\` writes them to \`${folder === '' ? '.' : folder}/\`, and the folder can be published as it is (GitHub Pages; then \`--site-url\` makes these links point there).`,
  }
}

/**
 * Writes the matrix of the passes' runs: each pass's evidence page (its full
 * report, at `info.evidence` under the site), matrix.md into outDir, and the
 * site's index; prints where they are and the non-pass cells without a reason.
 */
export async function writeMatrixOutput(
  infos: readonly PeerRunInfo[],
  output: MatrixOutput,
): Promise<void> {
  const { outDir, siteDir, siteUrl, reasons, reasonsPath } = output
  await mkdir(outDir, { recursive: true })
  await mkdir(join(siteDir, 'matrix'), { recursive: true })
  for (const info of infos) {
    await writeFileAtomic(
      join(siteDir, info.evidence),
      renderHtml(info.run, { maxBytesPerEvent: 512 }),
    )
  }
  const matrix = buildMatrix(infos, reasons, caseAnchor, toolVersion())
  const markdown = renderMatrixMarkdown(matrix, markdownSite(outDir, siteDir, siteUrl))
  await writeFileAtomic(join(outDir, 'matrix.md'), markdown)
  // The site: a folder GitHub Pages (or any static host) serves as it is.
  await writeMatrixSite(siteDir, matrix)
  const missing = unexplained(matrix)
  process.stdout.write(
    `matrix: ${join(outDir, 'matrix.md')}; evidence site: ${join(siteDir, 'index.html')} (publish the folder as it is)\n`,
  )
  if (missing.length > 0) {
    process.stdout.write(
      `${missing.length} non-pass cells have no reason in ${reasonsPath}:\n${missing.map((m) => `  ${m}`).join('\n')}\n`,
    )
  }
}
