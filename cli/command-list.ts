import {
  describeSelection,
  selectCases,
  unmatchedFilters,
  type Selection,
} from '../harness/engine/runner/select.js'
import { appliesTo, effectiveRoles } from '../harness/engine/model/case.js'
import { parseRole } from '../harness/engine/target/target-spec.js'
import { allCases } from '../suites/index.js'
import { HarnessError } from '../harness/net/errors.js'
import { parseCommandArgs, splitList } from './args.js'
import { LIST_USAGE } from './usage.js'
import { parseFronts } from './fronts.js'

const OPTIONS = {
  suite: { type: 'string', multiple: true },
  case: { type: 'string', multiple: true },
  exclude: { type: 'string', multiple: true },
  role: { type: 'string', multiple: true },
  front: { type: 'string', multiple: true },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const

/** `proxyspec list`: the catalog, as text or JSON. */
export function commandList(args: readonly string[]): number {
  const { values, positionals } = parseCommandArgs(args, OPTIONS, 'proxyspec list --help')
  if (values.help === true) {
    process.stdout.write(LIST_USAGE)
    return 0
  }
  if (positionals.length > 0) {
    throw new HarnessError(
      'HARNESS_BAD_INPUT',
      `unexpected argument "${positionals[0] ?? ''}" (see: proxyspec list --help)`,
    )
  }
  const selection: Selection = {
    suites: splitList(values.suite),
    cases: splitList(values.case),
    exclude: splitList(values.exclude),
  }
  const unmatched = unmatchedFilters(allCases(), selection)
  if (unmatched.length > 0) {
    throw new HarnessError('HARNESS_BAD_INPUT', `no case matches ${unmatched.join(', ')}`)
  }
  const roles = splitList(values.role).map(parseRole)
  const fronts = parseFronts(splitList(values.front))
  const cases = selectCases(allCases(), selection).filter(
    (c) =>
      (roles.length === 0 || roles.some((r) => appliesTo(c, r))) &&
      (fronts.length === 0 || fronts.includes(c.front ?? 'h1')),
  )
  if (cases.length === 0) {
    throw new HarnessError(
      'HARNESS_BAD_INPUT',
      `no case matches ${[describeSelection(selection), ...roles.map((r) => `--role ${r}`), ...(fronts.length === 0 ? [] : [`--front ${fronts.join(',')}`])].filter((x) => x !== '').join(' ')}`,
    )
  }
  if (values.json === true) {
    // The catalog without the functions: what `list --json` consumers can use.
    // `roles` are the roles each case runs in (effectiveRoles), as the text says.
    const rows = cases.map((c) => ({
      ...Object.fromEntries(Object.entries(c).filter(([key]) => key !== 'run')),
      roles: effectiveRoles(c),
      front: c.front ?? 'h1',
    }))
    process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`)
    return 0
  }
  for (const c of cases) {
    process.stdout.write(
      `${c.id}  ${c.level}  [${effectiveRoles(c).join(',')}]${c.front === 'h2' ? ' h2' : ''}  ${c.requirements.join(',')}\n    ${c.title}\n`,
    )
  }
  process.stdout.write(`${cases.length} cases\n`)
  return 0
}
