// `npm run catalog`: regenerates reports/requirement-catalog.data.ts from
// docs/requirements.md and prints the number of rows per id prefix. It runs
// from dist/, compiled by tsconfig.catalog.json, which holds only this file and
// what it imports: a stale data module never stops it from building.
// reports/requirement-catalog.data.test.ts fails until this has been run after
// a catalog change.
import { readFile, writeFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { CATALOG_DATA, CATALOG_SOURCE, formattedCatalogModule } from './catalog-module.js'
import { parseRequirementCatalog } from './requirement-catalog.js'

// dist/reports/catalog-main.js → the repository root.
const root = new URL('../../', import.meta.url)
const source = fileURLToPath(new URL(CATALOG_SOURCE, root))
const data = fileURLToPath(new URL(CATALOG_DATA, root))

const markdown = await readFile(source, 'utf8')
const text = await formattedCatalogModule(markdown, data)
const before = await readFile(data, 'utf8').catch(() => '')
if (text !== before) await writeFile(data, text)
const prefixes = new Map<string, number>()
for (const entry of parseRequirementCatalog(markdown)) {
  const prefix = entry.id.replace(/-\d+$/, '')
  prefixes.set(prefix, (prefixes.get(prefix) ?? 0) + 1)
}
const counts = [...prefixes].map(([prefix, n]) => `${prefix} ${n}`).join(', ')
process.stdout.write(
  `${CATALOG_DATA} ${text === before ? 'unchanged' : 'written'} from ${CATALOG_SOURCE}: ${counts}\n`,
)
