import type { ConformanceCase } from '../model/case.js'

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

export interface Selection {
  /** Suite ids or globs; empty = all. */
  readonly suites: readonly string[]
  /** Case ids, requirement ids (e.g. KA-06) or globs over either; empty = all. */
  readonly cases: readonly string[]
}

/** The cases a run will consider, in catalog order. */
export function selectCases(
  all: readonly ConformanceCase[],
  selection: Selection,
): ConformanceCase[] {
  return all.filter(
    (c) =>
      (selection.suites.length === 0 || matchesAny([c.suite], selection.suites)) &&
      (selection.cases.length === 0 ||
        matchesAny([c.id, ...c.requirements, ...(c.aliases ?? [])], selection.cases)),
  )
}
