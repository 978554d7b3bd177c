// An expectations file declares the deviations a vendor knowingly ships, each
// with a reason (undici's WPT expectation.json, http-garden's quirks.yml):
//
//   { "deviations": [
//       { "case": "hop-by-hop/appends-via-to-responses", "reason": "Via is added by the CDN in front", "expires": "2025-12-31" },
//       { "case": "keep-alive/no-dumb-proxy-keep-alive-hang@reverse", "reason": "tracked in #123" } ] }
//
// "case" is a case id (every role) or "<id>@<role>" (one role; wins over the plain id).
import type {
  CaseResult,
  DeclaredDeviation,
  RunResult,
} from '../harness/engine/model/run-result.js'
import { isRole, ROLES } from '../harness/engine/model/roles.js'
import { caseKey } from './diff.js'
import { summarize } from '../harness/engine/model/summary.js'

export interface Deviation {
  /** A case id, or `${id}@${role}`. */
  readonly case: string
  readonly reason: string
  /** "YYYY-MM-DD": the declaration holds through that day (UTC), then stops excusing. */
  readonly expires?: string
}

export interface Expectations {
  readonly deviations: readonly Deviation[]
}

const CASE_ID = /^[a-z0-9]+(?:-[a-z0-9]+)*\/[a-z0-9]+(?:-[a-z0-9]+)*$/
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/
const KEYS = ['case', 'reason', 'expires']

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function isCalendarDate(text: string): boolean {
  const match = DATE.exec(text)
  if (match === null) return false
  const date = new Date(`${text}T00:00:00Z`)
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(text)
}

function checkCase(value: unknown, at: string): string {
  if (typeof value !== 'string' || value === '')
    throw new Error(`${at}.case is missing: name a case id or "<id>@<role>"`)
  const [id = '', role, ...rest] = value.split('@')
  if (!CASE_ID.test(id) || rest.length > 0) {
    throw new Error(
      `${at}.case "${value}" is not a case id ("<suite>/<slug>" or "<suite>/<slug>@<role>")`,
    )
  }
  if (role !== undefined && !isRole(role)) {
    throw new Error(
      `${at}.case "${value}" names an unknown role "${role}" (known: ${ROLES.join(', ')})`,
    )
  }
  return value
}

function checkDeviation(value: unknown, at: string): Deviation {
  if (!isObject(value)) throw new Error(`${at} is not an object with "case" and "reason"`)
  const unknown = Object.keys(value).find((key) => !KEYS.includes(key))
  if (unknown !== undefined)
    throw new Error(`${at} has an unknown key "${unknown}" (known: ${KEYS.join(', ')})`)
  const name = checkCase(value.case, at)
  const reason = value.reason
  if (typeof reason !== 'string' || reason.trim() === '') {
    throw new Error(`${at}.reason is missing or empty: say why "${name}" deviates`)
  }
  const expires = value.expires
  if (expires === undefined) return { case: name, reason: reason.trim() }
  if (typeof expires !== 'string' || !isCalendarDate(expires)) {
    throw new Error(`${at}.expires ${JSON.stringify(expires)} is not a date YYYY-MM-DD`)
  }
  return { case: name, reason: reason.trim(), expires }
}

/**
 * Parses an expectations file. Throws an Error whose one-line message starts
 * with the problem ("deviations[2].expires "2025-02-30" is not a date…"); the
 * caller prefixes the file name.
 */
export function loadExpectations(text: string): Expectations {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    throw new Error(`not valid JSON (${error instanceof Error ? error.message : String(error)})`)
  }
  if (!isObject(value) || !Array.isArray(value.deviations)) {
    throw new Error('the top level must be an object with a "deviations" array')
  }
  const extra = Object.keys(value).find((key) => key !== 'deviations' && key !== '$schema')
  if (extra !== undefined)
    throw new Error(`unknown top-level key "${extra}" (expected "deviations")`)
  const seen = new Map<string, number>()
  const deviations = value.deviations.map((item: unknown, i) => {
    const deviation = checkDeviation(item, `deviations[${i}]`)
    const first = seen.get(deviation.case)
    if (first !== undefined) {
      throw new Error(
        `deviations[${i}].case "${deviation.case}" is declared twice (first at deviations[${first}])`,
      )
    }
    seen.set(deviation.case, i)
    return deviation
  })
  return { deviations }
}

function lookup(expectations: Expectations): (result: CaseResult) => Deviation | undefined {
  const byCase = new Map(expectations.deviations.map((d) => [d.case, d]))
  return (result) => byCase.get(caseKey(result)) ?? byCase.get(result.id)
}

/** A result as the runner made it: a previous application's declaration removed. */
function withoutDeclaration(result: CaseResult): CaseResult {
  if (result.declared === undefined) return result
  const copy: { -readonly [K in keyof CaseResult]?: CaseResult[K] } = { ...result }
  delete copy.declared
  return copy as CaseResult
}

const today = (now: Date): string => now.toISOString().slice(0, 10)

function declare(result: CaseResult, deviation: Deviation, now: Date): DeclaredDeviation {
  const expired = deviation.expires !== undefined && today(now) > deviation.expires
  return {
    reason: deviation.reason,
    ...(deviation.expires === undefined ? {} : { expires: deviation.expires }),
    originalStatus: result.verdict.status,
    ...(result.verdict.status === 'pass' ? { unexpectedPass: true as const } : {}),
    ...(expired ? { expired: true as const } : {}),
  }
}

/**
 * Marks every result an expectations file names (not-applicable ones aside)
 * with `declared`, keeping its verdict, and recomputes the summary: a failing
 * verdict under a live declaration no longer blocks; an expired one does; a
 * declared case that passes is flagged `unexpectedPass`. Applying twice is the
 * same as applying once.
 */
export function applyExpectations(
  run: RunResult,
  expectations: Expectations,
  now: Date,
): RunResult {
  const find = lookup(expectations)
  const results = run.results.map((result): CaseResult => {
    const plain = withoutDeclaration(result)
    const deviation = find(plain)
    if (deviation === undefined || plain.verdict.status === 'not-applicable') return plain
    return { ...plain, declared: declare(plain, deviation, now) }
  })
  return { ...run, summary: summarize(results, run.run.options.strict), results }
}

/** Declarations that matched no result of the run: stale entries, or a typo in a case id. */
export function unmatchedDeviations(run: RunResult, expectations: Expectations): Deviation[] {
  const keys = new Set(run.results.flatMap((r) => [caseKey(r), r.id]))
  return expectations.deviations.filter((d) => !keys.has(d.case))
}
