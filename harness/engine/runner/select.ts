import { appliesTo, type ConformanceCase } from '../model/case.js'
import type { Role } from '../model/roles.js'
import type { Front } from '../model/front.js'

/** Shell-style glob: `*` is any run of characters (slashes included), `?` one character. */
export function globToRegExp(glob: string): RegExp {
  const body = glob
    .split('')
    .map((ch) => (ch === '*' ? '.*' : ch === '?' ? '.' : ch.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('')
  return new RegExp(`^${body}$`, 'i')
}

function matchesAny(value: readonly string[], globs: readonly string[]): boolean {
  const patterns = globs.map(globToRegExp)
  return value.some((v) => patterns.some((p) => p.test(v)))
}

/**
 * Which cases a run considers. The filters combine the same way everywhere
 * (run, list, matrix, the vitest helper):
 *
 * - `suites` and `cases` add up: a case is in when its suite matches a suite
 *   glob OR its id, requirement id or alias matches a case glob; with both
 *   empty, every case is in;
 * - `exclude` then removes every case whose id, requirement id or alias
 *   matches one of its globs.
 *
 * Roles are not a case filter: a run restricts them with `--role`.
 */
export interface Selection {
  /** Suite ids or globs; empty (with `cases` empty) = all. */
  readonly suites: readonly string[]
  /** Case ids, requirement ids (e.g. KA-06) or globs over either; empty (with `suites` empty) = all. */
  readonly cases: readonly string[]
  /** Case ids, requirement ids or globs taken out of what `suites` and `cases` chose. */
  readonly exclude?: readonly string[]
}

function caseNames(c: ConformanceCase): readonly string[] {
  return [c.id, ...c.requirements, ...(c.aliases ?? [])]
}

/** The cases a run will consider, in catalog order. */
export function selectCases(
  all: readonly ConformanceCase[],
  selection: Selection,
): ConformanceCase[] {
  const everything = selection.suites.length === 0 && selection.cases.length === 0
  const exclude = selection.exclude ?? []
  return all.filter(
    (c) =>
      (everything ||
        matchesAny([c.suite], selection.suites) ||
        matchesAny(caseNames(c), selection.cases)) &&
      !matchesAny(caseNames(c), exclude),
  )
}

/**
 * The cases a run in `roles` considers: selectCases, less, when the selection
 * names no suite and no case, every suite none of whose cases applies to any
 * of the roles. Such a suite is written for other roles (the HTTP suites for
 * an ftp-gateway, the FTP suite for a forward proxy): a line per case saying
 * "not applicable" would only bury the results. A suite the user names is
 * kept, its inapplicable cases reported as such.
 */
export function selectCasesForRoles(
  all: readonly ConformanceCase[],
  selection: Selection,
  roles: readonly Role[],
): ConformanceCase[] {
  const selected = selectCases(all, selection)
  if (selection.suites.length > 0 || selection.cases.length > 0) return selected
  const playing = new Set(
    selected.filter((c) => roles.some((role) => appliesTo(c, role))).map((c) => c.suite),
  )
  return selected.filter((c) => playing.has(c.suite))
}

/**
 * The cases a run speaking `fronts` to the target considers: selectCasesForRoles,
 * less every case written for another front (an h2 case in a run that
 * speaks only HTTP/1.1, and the other way round).
 */
export function selectCasesForRun(
  all: readonly ConformanceCase[],
  selection: Selection,
  roles: readonly Role[],
  fronts: readonly Front[],
): ConformanceCase[] {
  return selectCasesForRoles(
    all.filter((c) => fronts.includes(c.front ?? 'h1')),
    selection,
    roles,
  )
}

/** The filters as command-line options, for messages: "--suite connect --exclude KA-06". */
export function describeSelection(selection: Selection): string {
  return [
    ...selection.suites.map((s) => `--suite ${s}`),
    ...selection.cases.map((c) => `--case ${c}`),
    ...(selection.exclude ?? []).map((e) => `--exclude ${e}`),
  ].join(' ')
}

/**
 * The filters that match no case of the catalog at all (a typo, or a case
 * since renamed), as "--suite conect": under a union such a filter would
 * otherwise vanish without a word.
 */
export function unmatchedFilters(
  all: readonly ConformanceCase[],
  selection: Selection,
): readonly string[] {
  const none = (names: (c: ConformanceCase) => readonly string[], glob: string): boolean =>
    !all.some((c) => matchesAny(names(c), [glob]))
  return [
    ...selection.suites.filter((s) => none((c) => [c.suite], s)).map((s) => `--suite ${s}`),
    ...selection.cases.filter((g) => none(caseNames, g)).map((g) => `--case ${g}`),
    ...(selection.exclude ?? []).filter((g) => none(caseNames, g)).map((g) => `--exclude ${g}`),
  ]
}
