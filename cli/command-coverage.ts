import { readFile } from 'node:fs/promises'
import { HarnessError } from '../harness/net/errors.js'
import { coverage } from '../reports/coverage.js'
import { renderCoverageMarkdown, renderCoverageText } from '../reports/render-coverage.js'
import { REQUIREMENT_CATALOG } from '../reports/requirement-catalog.data.js'
import { parseRequirementCatalog, type CatalogEntry } from '../reports/requirement-catalog.js'
import { selectCases, unmatchedFilters } from '../harness/engine/runner/select.js'
import { allCases } from '../suites/index.js'
import { parseCommandArgs, splitList } from './args.js'
import { COVERAGE_USAGE } from './usage.js'

const OPTIONS = {
  catalog: { type: 'string' },
  suite: { type: 'string', multiple: true },
  json: { type: 'boolean' },
  md: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const

async function readCatalog(path: string): Promise<CatalogEntry[]> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error)
    throw new HarnessError('HARNESS_BAD_INPUT', `cannot read catalog ${path}: ${code}`)
  }
  const entries = parseRequirementCatalog(text)
  if (entries.length === 0) {
    throw new HarnessError(
      'HARNESS_BAD_INPUT',
      `catalog ${path} has no requirement table (a Markdown table with columns ID, Level, Roles)`,
    )
  }
  return entries
}

/**
 * `proxyspec coverage`: which catalog requirements have cases, by level and
 * role. The catalog is the one shipped with this version
 * (reports/requirement-catalog.data.ts, generated from docs/requirements.md),
 * or --catalog FILE, a catalog in the same Markdown shape (e.g. a checkout's
 * docs/requirements.md while it is being edited). Rows for roles no suite runs
 * yet and Contract rows are counted and listed as uncovered; the FTP-xx rows
 * count under the ftp-gateway role.
 */
export async function commandCoverage(args: readonly string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, OPTIONS, 'proxyspec coverage --help')
  if (values.help === true) {
    process.stdout.write(COVERAGE_USAGE)
    return 0
  }
  if (positionals.length > 0) {
    throw new HarnessError(
      'HARNESS_BAD_INPUT',
      `unexpected argument "${positionals[0] ?? ''}" (see: proxyspec coverage --help)`,
    )
  }
  if (values.json === true && values.md === true)
    throw new HarnessError('HARNESS_BAD_INPUT', '--json and --md exclude each other')
  const catalog =
    values.catalog === undefined ? REQUIREMENT_CATALOG : await readCatalog(values.catalog)
  const selection = { suites: splitList(values.suite), cases: [] }
  const unmatched = unmatchedFilters(allCases(), selection)
  if (unmatched.length > 0) {
    throw new HarnessError(
      'HARNESS_BAD_INPUT',
      `no case matches ${unmatched.join(', ')} (see: proxyspec list)`,
    )
  }
  const cases = selectCases(allCases(), selection)
  const report = coverage(catalog, cases)
  process.stdout.write(
    values.json === true
      ? `${JSON.stringify(report, null, 2)}\n`
      : values.md === true
        ? renderCoverageMarkdown(report)
        : renderCoverageText(report),
  )
  return 0
}
