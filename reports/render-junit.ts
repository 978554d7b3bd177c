import type { CaseResult, RunResult } from '../harness/engine/model/run-result.js'
import { visibleText } from './bytes.js'
import { countsAgainst, isExcused } from '../harness/engine/model/declared.js'
import { balanceLines } from './balance-text.js'
import { evidenceText } from './evidence-text.js'
import { STATUS_LABEL } from './status.js'
import { xmlAttr, xmlText } from './xml.js'

// JUnit has no "warning", "not applicable" or "declared deviation", so the
// mapping is decided once, here (STYLE.md §5.8):
//   a verdict that counts against the target (MUST fail or timeout; SHOULD warn
//     or timeout with strict)                     -> <failure type="MUST|SHOULD">
//   error (the harness broke, not the target)     -> <error type="harness">
//   not-applicable, unsupported                   -> <skipped>
//   a failure covered by a live declared deviation -> <skipped message="declared deviation: …">
//   pass, info, and warn/timeout that do not count -> a passing <testcase>
// Everything but pass and not-applicable carries its verdict and evidence in <system-out>.

export interface JunitOptions {
  /** Counts SHOULD warnings and timeouts as failures. @default run.run.options.strict */
  readonly strict?: boolean
  /** Evidence characters per test case. @default 8000 */
  readonly maxEvidenceChars?: number
}

const seconds = (ms: number): string => (ms / 1000).toFixed(3)

type Outcome = 'failure' | 'error' | 'skipped' | 'passed'

function outcomeOf(result: CaseResult, strict: boolean): Outcome {
  const status = result.verdict.status
  if (status === 'error') return 'error'
  if (isExcused(result) || status === 'not-applicable' || status === 'unsupported') return 'skipped'
  return countsAgainst(result, strict) ? 'failure' : 'passed'
}

function property(name: string, value: string): string {
  return `        <property name="${xmlAttr(name)}" value="${xmlAttr(value)}"/>`
}

function properties(result: CaseResult): string[] {
  const declared = result.declared
  return [
    '      <properties>',
    ...result.requirements.map((id) => property('requirement', id)),
    property('level', result.level),
    property('role', result.role),
    ...result.spec.map((link) => property('spec', link.url)),
    property('status', result.verdict.status),
    property('title', result.title),
    ...(declared === undefined ? [] : [property('declared', declared.reason)]),
    ...(declared?.unexpectedPass === true ? [property('declared.unexpectedPass', 'true')] : []),
    ...(result.flaky === undefined ? [] : [property('flaky', result.flaky.statuses.join(','))]),
    ...(declared?.expired === true
      ? [property('declared.expired', declared.expires ?? 'true')]
      : []),
    '      </properties>',
  ]
}

/** What a person needs before the bytes: the rule, the spec and expected-versus-observed. */
function explanation(result: CaseResult): string {
  const { verdict } = result
  return [
    result.title,
    `requirement (${result.requirements.join(', ')}, ${result.level}): ${result.requirement}`,
    ...result.spec.map((link) => `spec: RFC ${link.rfc} §${link.section} ${link.url}`),
    ...(verdict.expected === undefined ? [] : [`expected: ${verdict.expected}`]),
    ...(verdict.observed === undefined ? [] : [`observed: ${verdict.observed}`]),
    ...balanceLines(result.balance).map((line) => `balance: ${line}`),
  ]
    .map(visibleText)
    .join('\n')
}

function declaredNote(result: CaseResult): string[] {
  const declared = result.declared
  if (declared === undefined) return []
  const expires = declared.expires === undefined ? '' : ` (expires ${declared.expires})`
  if (declared.expired === true)
    return [`declared deviation EXPIRED${expires}, no longer excused: ${declared.reason}`]
  if (declared.unexpectedPass === true)
    return [`declared deviation no longer observed (the case passes): ${declared.reason}`]
  return [`declared deviation${expires}: ${declared.reason}`]
}

function testcase(result: CaseResult, strict: boolean, maxChars: number): string {
  const { verdict } = result
  const outcome = outcomeOf(result, strict)
  const lines = [
    `    <testcase classname="${xmlAttr(result.suite)}" name="${xmlAttr(`${result.id} [${result.role}]`)}" time="${seconds(result.durationMs)}">`,
    ...properties(result),
  ]
  const message = visibleText(verdict.message)
  if (outcome === 'failure') {
    lines.push(
      `      <failure type="${result.level}" message="${xmlAttr(message)}">${xmlText(explanation(result))}</failure>`,
    )
  } else if (outcome === 'error') {
    const error = verdict.error
    const body = [message, error?.code ?? '', error?.stack ?? error?.message ?? ''].filter(
      (s) => s !== '',
    )
    lines.push(
      `      <error type="harness" message="${xmlAttr(message)}">${xmlText(visibleText(body.join('\n')))}</error>`,
    )
  } else if (outcome === 'skipped') {
    const reason = isExcused(result)
      ? `declared deviation: ${result.declared?.reason ?? ''} (verdict ${verdict.status}: ${message})`
      : `${verdict.status}: ${message}`
    lines.push(`      <skipped message="${xmlAttr(reason)}"/>`)
  }
  const quiet =
    verdict.status === 'not-applicable' ||
    (verdict.status === 'pass' && result.declared === undefined)
  if (!quiet) {
    const out = [
      `${STATUS_LABEL[verdict.status]} ${result.level}: ${message}`,
      ...declaredNote(result),
      explanation(result),
      '',
      evidenceText(result.evidence, { maxChars }),
    ]
    lines.push(`      <system-out>${xmlText(out.join('\n'))}</system-out>`)
  }
  lines.push('    </testcase>')
  return lines.join('\n')
}

function groupBySuite(results: readonly CaseResult[]): Map<string, CaseResult[]> {
  const groups = new Map<string, CaseResult[]>()
  for (const result of results) {
    const list = groups.get(result.suite) ?? []
    list.push(result)
    groups.set(result.suite, list)
  }
  return groups
}

/**
 * JUnit XML: one <testsuite> per proxyspec suite, one <testcase> per case
 * result (classname = suite, name = "<id> [<role>]"), properties with the
 * requirement ids, level, role and spec urls. Pure: returns the document.
 */
export function renderJunit(run: RunResult, options: JunitOptions = {}): string {
  const strict = options.strict ?? run.run.options.strict
  const maxChars = options.maxEvidenceChars ?? 8000
  const suites: string[] = []
  const totals = { tests: 0, failures: 0, errors: 0, skipped: 0 }
  let first = true
  for (const [suite, results] of groupBySuite(run.results)) {
    const counts = { failures: 0, errors: 0, skipped: 0 }
    for (const result of results) {
      const outcome = outcomeOf(result, strict)
      if (outcome === 'failure') counts.failures += 1
      else if (outcome === 'error') counts.errors += 1
      else if (outcome === 'skipped') counts.skipped += 1
    }
    totals.tests += results.length
    totals.failures += counts.failures
    totals.errors += counts.errors
    totals.skipped += counts.skipped
    const time = results.reduce((sum, r) => sum + r.durationMs, 0)
    const stderr = first && run.target.stderr !== undefined ? run.target.stderr : undefined
    first = false
    suites.push(
      [
        `  <testsuite name="${xmlAttr(suite)}" tests="${results.length}" failures="${counts.failures}" errors="${counts.errors}" skipped="${counts.skipped}" time="${seconds(time)}" timestamp="${xmlAttr(run.run.startedAt)}">`,
        '    <properties>',
        `      <property name="target" value="${xmlAttr(run.target.label)}"/>`,
        `      <property name="target.kind" value="${run.target.kind}"/>`,
        `      <property name="roles" value="${xmlAttr(run.target.roles.join(', '))}"/>`,
        `      <property name="strict" value="${String(strict)}"/>`,
        `      <property name="proxyspec.version" value="${xmlAttr(run.tool.version)}"/>`,
        `      <property name="run.id" value="${xmlAttr(run.run.id)}"/>`,
        '    </properties>',
        ...results.map((result) => testcase(result, strict, maxChars)),
        // The target's stderr belongs to the run, not to a case: it goes once, on the first suite.
        ...(stderr === undefined
          ? []
          : [`    <system-err>${xmlText(visibleText(stderr))}</system-err>`]),
        '  </testsuite>',
      ].join('\n'),
    )
  }
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${xmlAttr(`proxyspec ${run.target.label}`)}" tests="${totals.tests}" failures="${totals.failures}" errors="${totals.errors}" skipped="${totals.skipped}" time="${seconds(run.run.durationMs)}" timestamp="${xmlAttr(run.run.startedAt)}">`,
    ...suites,
    '</testsuites>',
    '',
  ].join('\n')
}
