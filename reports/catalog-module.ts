import type { CatalogEntry } from './requirement-catalog.js'
import { parseRequirementCatalog } from './requirement-catalog.js'

/** Where the catalog and its generated data live, relative to the repository root. */
export const CATALOG_SOURCE = 'docs/requirements.md'
export const CATALOG_DATA = 'reports/requirement-catalog.data.ts'

/**
 * The source of reports/requirement-catalog.data.ts: the catalog's rows as
 * data, so `proxyspec coverage` works from the installed package, where
 * docs/requirements.md is not. Regenerate after the catalog changes with
 * `npm run catalog` (reports/catalog-main.ts); requirement-catalog.data.test.ts
 * fails while the data and docs/requirements.md disagree.
 */
export function catalogModule(entries: readonly CatalogEntry[], source: string): string {
  const rows = entries.map((e) => `  ${JSON.stringify(e)},`)
  return [
    `// GENERATED from ${source} by reports/catalog-module.ts; do not edit.`,
    '// Regenerate: npm run catalog',
    "import type { CatalogEntry } from './requirement-catalog.js'",
    '',
    `/** Every requirement row of the catalog (${entries.length}), in catalog order. */`,
    'export const REQUIREMENT_CATALOG: readonly CatalogEntry[] = [',
    ...rows,
    ']',
    '',
  ].join('\n')
}

/**
 * The data module for a catalog's Markdown, formatted as the repository
 * formats it (so `prettier --check` passes on it). `dataPath` is where the
 * module lives, for prettier's configuration. Prettier is a development
 * dependency: it is loaded only here, never by `proxyspec coverage`.
 */
export async function formattedCatalogModule(markdown: string, dataPath: string): Promise<string> {
  const { format, resolveConfig } = await import('prettier')
  return format(catalogModule(parseRequirementCatalog(markdown), CATALOG_SOURCE), {
    ...(await resolveConfig(dataPath)),
    filepath: dataPath,
  })
}
