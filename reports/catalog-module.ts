import type { CatalogEntry } from './requirement-catalog.js'

/**
 * The source of reports/requirement-catalog.data.ts: the catalog's rows as
 * data, so `proxyspec coverage` works from the installed package, where
 * ../shared/REQUIREMENTS.md is not. Regenerate after the catalog changes:
 *   PROXYSPEC_UPDATE_CATALOG=1 npx vitest run reports/requirement-catalog.data.test.ts
 */
export function catalogModule(entries: readonly CatalogEntry[], source: string): string {
  const rows = entries.map(
    (e) =>
      `  { id: ${JSON.stringify(e.id)}, level: ${JSON.stringify(e.level)}, roles: ${JSON.stringify(e.roles)}, levelText: ${JSON.stringify(e.levelText)} },`,
  )
  return [
    `// GENERATED from ${source} by reports/catalog-module.ts; do not edit.`,
    '// Regenerate: PROXYSPEC_UPDATE_CATALOG=1 npx vitest run reports/requirement-catalog.data.test.ts',
    "import type { CatalogEntry } from './requirement-catalog.js'",
    '',
    `/** Every requirement row of the catalog (${entries.length}), in catalog order. */`,
    'export const REQUIREMENT_CATALOG: readonly CatalogEntry[] = [',
    ...rows,
    ']',
    '',
  ].join('\n')
}
