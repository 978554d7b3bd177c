// The reports: one result model, pure renderers from it, and the tools on top
// (diff, expectations, coverage). Renderers return strings; callers write files.
import type { RunResult } from '../harness/engine/model/run-result.js'
import type { RunDiff } from './diff.js'
import { renderHtml } from './render-html.js'
import { renderJson } from './render-json.js'
import { renderJunit } from './render-junit.js'
import { renderMarkdown } from './render-markdown.js'

export type ReportFormat = 'json' | 'junit' | 'html' | 'md'

export const REPORT_FORMATS: readonly ReportFormat[] = ['json', 'junit', 'html', 'md']

/** Options every renderer accepts; each uses what applies to it (json none). */
export interface ReportOptions {
  /** Counts SHOULD warnings and timeouts as failures. @default run.run.options.strict */
  readonly strict?: boolean
  /** Regressions against a baseline (diffRuns(baseline, run)); html and md show them. */
  readonly diff?: RunDiff
}

export type Renderer = (run: RunResult, options?: ReportOptions) => string

/** The renderers by --report format name. */
export const renderers: Readonly<Record<ReportFormat, Renderer>> = {
  json: (run) => renderJson(run),
  junit: (run, options) =>
    renderJunit(run, options?.strict === undefined ? {} : { strict: options.strict }),
  html: renderHtml,
  md: renderMarkdown,
}

/** The file each format is written to inside --out. */
export const REPORT_FILE_NAMES: Readonly<Record<ReportFormat, string>> = {
  json: 'report.json',
  junit: 'junit.xml',
  html: 'report.html',
  md: 'summary.md',
}

/**
 * Parses a --report value ("json,junit,html,md"; "markdown" is accepted for
 * md). Throws an Error with a one-line message naming the bad format.
 */
export function parseReportFormats(text: string): ReportFormat[] {
  const formats = text
    .split(',')
    .map((f) => f.trim().toLowerCase())
    .filter((f) => f !== '')
    .map((f) => (f === 'markdown' ? 'md' : f))
  const bad = formats.find((f) => !(REPORT_FORMATS as readonly string[]).includes(f))
  if (bad !== undefined)
    throw new Error(`unknown report format "${bad}" (known: ${REPORT_FORMATS.join(', ')})`)
  if (formats.length === 0)
    throw new Error(`no report format given (known: ${REPORT_FORMATS.join(', ')})`)
  return [...new Set(formats)] as ReportFormat[]
}

export { summarize } from '../harness/engine/model/summary.js'
export { exitCode, type ExitCodeOptions } from './exit-code.js'
export { isExcused, countsAgainst } from '../harness/engine/model/declared.js'
export { renderJson } from './render-json.js'
export { renderJunit, type JunitOptions } from './render-junit.js'
export { renderMarkdown, type MarkdownOptions } from './render-markdown.js'
export { renderHtml, type HtmlOptions } from './render-html.js'
export {
  diffRuns,
  caseKey,
  type RunDiff,
  type CaseChange,
  type DiffStatus,
  type RunRef,
} from './diff.js'
export { renderDiffText, renderDiffMarkdown, type DiffMarkdownOptions } from './render-diff.js'
export {
  loadExpectations,
  applyExpectations,
  unmatchedDeviations,
  type Expectations,
  type Deviation,
} from './expectations.js'
export {
  coverage,
  type CoverageReport,
  type CatalogRequirement,
  type CoveringCase,
  type RequirementCoverage,
} from './coverage.js'
export {
  parseRequirementCatalog,
  CATALOG_LEVELS,
  CATALOG_ROLES,
  type CatalogEntry,
  type CatalogLevel,
  type CatalogRole,
  type H2Direction,
} from './requirement-catalog.js'
export { renderCoverageText, renderCoverageMarkdown } from './render-coverage.js'
export { validateRunResult, parseRunResult, runResultSchemaPath } from './validate.js'
export { writeFileAtomic } from './write-file.js'
