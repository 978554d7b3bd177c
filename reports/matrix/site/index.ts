import { join } from 'node:path'
import { writeFileAtomic } from '../../write-file.js'
import type { Matrix } from '../model.js'
import { renderIndexPage } from './index-page.js'
import { renderPeerPage } from './peer-page.js'
import { renderSuitesPage } from './suites-page.js'
import { peerPages } from './tally.js'

export { renderIndexPage } from './index-page.js'
export { renderPeerPage } from './peer-page.js'
export { renderSuitesPage } from './suites-page.js'
export { peerPageName } from './tally.js'

/**
 * The matrix as a static site in `siteDir`, a folder any static host (GitHub
 * Pages) serves as it is and a browser opens from file://: index.html (the
 * peers by cases table with its filters), suites.html (counts per suite),
 * peer-NAME.html per peer (version, provider, configs as run), and
 * .nojekyll. The evidence reports under matrix/ are the caller's: each run's
 * own renderHtml, which the cells link into (PeerRunInfo.evidence).
 */
export async function writeMatrixSite(siteDir: string, matrix: Matrix): Promise<void> {
  await writeFileAtomic(join(siteDir, 'index.html'), renderIndexPage(matrix))
  await writeFileAtomic(join(siteDir, 'suites.html'), renderSuitesPage(matrix))
  for (const [name, runs] of peerPages(matrix))
    await writeFileAtomic(join(siteDir, name), renderPeerPage(runs))
  await writeFileAtomic(join(siteDir, '.nojekyll'), '')
}
