import { appliesTo, type RoleDeclaration } from '../harness/engine/model/case.js'
import type { Role } from '../harness/engine/model/roles.js'
import type { CaseResult, RunResult, TargetCrash } from '../harness/engine/model/run-result.js'
import type { Status } from '../harness/engine/model/verdict.js'
import { unattributedSummary } from '../reports/unattributed.js'

const LABEL: Record<Status, string> = {
  pass: 'PASS',
  fail: 'FAIL',
  warn: 'WARN',
  info: 'INFO',
  'not-applicable': 'N/A ',
  unsupported: 'UNSUP',
  timeout: 'TIME',
  error: 'ERR ',
}

const COLOR: Partial<Record<Status, string>> = {
  pass: '\x1b[32m',
  fail: '\x1b[31m',
  warn: '\x1b[33m',
  timeout: '\x1b[31m',
  error: '\x1b[35m',
}

export interface PrintStyle {
  readonly color: boolean
}

/** Colour only on a TTY and never when NO_COLOR is set (no-color.org). */
export function detectStyle(stream: { readonly isTTY?: boolean }): PrintStyle {
  return { color: stream.isTTY === true && (process.env.NO_COLOR ?? '') === '' }
}

function paint(style: PrintStyle, status: Status, text: string): string {
  const color = COLOR[status]
  return style.color && color !== undefined ? `${color}${text}\x1b[0m` : text
}

/** One line per case as it finishes. */
export function formatCaseLine(result: CaseResult, style: PrintStyle): string {
  const head = `${paint(style, result.verdict.status, LABEL[result.verdict.status])} ${result.id} [${result.role}] ${result.level} ${result.requirements.join(',')}`
  const tail =
    result.verdict.status === 'pass' || result.verdict.status === 'not-applicable'
      ? ''
      : ` - ${result.verdict.message}`
  return `${head} (${Math.round(result.durationMs)} ms)${tail}`
}

function listCases(running: readonly string[], shown = 3): string {
  const head = running.slice(0, shown).join(', ')
  return running.length > shown ? `${head} +${running.length - shown} more` : head
}

/**
 * The line printed when a target goes down, then (when `withStderr`) the last
 * lines of its stderr, indented: "the target (forward) exited with code 1
 * while connect/x [forward] ran; stopping: ...".
 */
export function formatCrash(crash: TargetCrash, withStderr = true): string {
  const during =
    crash.running.length === 0
      ? 'while no case was running'
      : crash.alone
        ? `again when ${crash.running.join(', ')} ran alone: that case fails (it crashed the target)`
        : `while ${listCases(crash.running)} ran`
  const next =
    crash.action === 'restarted'
      ? crash.alone || crash.running.length === 0
        ? 'restarted'
        : `restarted; the case${crash.running.length === 1 ? '' : 's'} that ran then run again one at a time`
      : `stopping${crash.note === undefined ? '' : ` (${crash.note})`}: the cases it took down and those not run are errors${crash.note === undefined ? ' (--restart-on-crash restarts it)' : ''}`
  const line = `the target (${crash.role}) ${crash.how} ${during}; ${next}`
  if (!withStderr || crash.stderrTail === '') return line
  const tail = crash.stderrTail.split('\n').map((l) => `    ${l}`)
  return [`${line}; its stderr ends:`, ...tail].join('\n')
}

export function formatSummary(run: RunResult, reportPaths: readonly string[]): string {
  const counts = Object.entries(run.summary.byStatus)
    .filter(([, n]) => n > 0)
    .map(([status, n]) => `${n} ${status}`)
    .join(', ')
  const blocking =
    run.summary.blocking === 0
      ? 'no blocking failure'
      : `${run.summary.blocking} blocking failure${run.summary.blocking === 1 ? '' : 's'}`
  const declared = run.results.filter((r) => r.declared !== undefined).length
  const flaky = run.results.filter((r) => r.flaky !== undefined).length
  const repeat = run.run.options.repeat
  const crashes = run.target.crashes ?? []
  const restarts = crashes.filter((c) => c.action === 'restarted').length
  const extras = [
    crashes.length === 0
      ? ''
      : `the target went down ${crashes.length === 1 ? 'once' : `${crashes.length} times`}${restarts === 0 ? '' : `, restarted ${restarts === 1 ? 'once' : `${restarts} times`}`}`,
    declared === 0 ? '' : `${declared} declared`,
    flaky === 0 ? '' : `${flaky} flaky over ${repeat ?? 1} attempts`,
  ].filter((e) => e !== '')
  const origin = unattributedSummary(run)
  return [
    `${run.target.label} [${run.target.roles.join(', ')}]: ${run.summary.total} results in ${(run.run.durationMs / 1000).toFixed(1)} s: ${counts}; ${blocking}${extras.length === 0 ? '' : ` (${extras.join(', ')})`}`,
    ...(origin === undefined ? [] : [origin]),
    ...reportPaths.map((path) => `report: ${path}`),
  ].join('\n')
}

/** What a run will do, so progress can count down: results expected per suite. */
export interface ProgressPlan {
  /** Results per suite, in catalog order (a case yields one result per role it applies to, at least one). */
  readonly suites: ReadonlyMap<string, number>
  /** Attempts of the whole selection (`--repeat N`). */
  readonly rounds: number
}

/** The stream progress writes to: process.stdout, or a fake in tests. */
export interface ProgressStream {
  readonly isTTY?: boolean
  readonly columns?: number
  write(text: string): unknown
}

/** The plan for a selection: one result per role a case applies to, or one not-applicable result. */
export function planProgress(
  cases: readonly (RoleDeclaration & { readonly suite: string })[],
  roles: readonly Role[],
  rounds = 1,
): ProgressPlan {
  const suites = new Map<string, number>()
  for (const c of cases) {
    const applicable = roles.filter((role) => appliesTo(c, role)).length
    suites.set(c.suite, (suites.get(c.suite) ?? 0) + Math.max(1, applicable))
  }
  return { suites, rounds }
}

const CLEAR_LINE = '\r\x1b[2K'

/**
 * Progress while a run goes. On a TTY: a status line redrawn in place (round,
 * per-suite counts, verdict counts, the cases running now), a line for each
 * result that is not a pass, and a line as each suite completes. Not on a TTY
 * (CI logs, pipes): one plain line per result, nothing redrawn. Colour follows
 * `style` (detectStyle: TTY and no NO_COLOR).
 */
export class RunProgress {
  readonly #stream: ProgressStream
  readonly #style: PrintStyle
  readonly #plan: ProgressPlan
  readonly #tty: boolean
  readonly #running = new Map<string, number>()
  readonly #done = new Map<string, number>()
  readonly #counts = new Map<Status, number>()
  readonly #suiteCounts = new Map<string, Map<Status, number>>()
  #round = 1
  #crashes = 0
  #statusShown = false
  /** Why a front is unsupported, said once: the cases it makes unsupported get no line of their own. */
  readonly #saidOnce = new Set<string>()

  constructor(stream: ProgressStream, style: PrintStyle, plan: ProgressPlan) {
    this.#stream = stream
    this.#style = style
    this.#plan = plan
    this.#tty = stream.isTTY === true
  }

  /** A new attempt of the whole selection begins (`--repeat`). */
  startRound(round: number): void {
    this.#round = round
    this.#done.clear()
    this.#running.clear()
    this.#suiteCounts.clear()
    if (!this.#tty && this.#plan.rounds > 1)
      this.#stream.write(`attempt ${round} of ${this.#plan.rounds}\n`)
    this.#redraw()
  }

  started(id: string, role: string): void {
    const key = `${id} [${role}]`
    this.#running.set(key, (this.#running.get(key) ?? 0) + 1)
    this.#redraw()
  }

  finished(result: CaseResult): void {
    const key = `${result.id} [${result.role}]`
    const left = (this.#running.get(key) ?? 0) - 1
    if (left > 0) this.#running.set(key, left)
    else this.#running.delete(key)
    const status = result.verdict.status
    this.#counts.set(status, (this.#counts.get(status) ?? 0) + 1)
    const done = (this.#done.get(result.suite) ?? 0) + 1
    this.#done.set(result.suite, done)
    const suiteCounts = this.#suiteCounts.get(result.suite) ?? new Map<Status, number>()
    suiteCounts.set(status, (suiteCounts.get(status) ?? 0) + 1)
    this.#suiteCounts.set(result.suite, suiteCounts)
    if (!this.#tty) {
      this.#stream.write(`${formatCaseLine(result, this.#style)}\n`)
      return
    }
    const lines: string[] = []
    const saidOnce = status === 'unsupported' && this.#saidOnce.has(result.verdict.message ?? '')
    if (status !== 'pass' && status !== 'not-applicable' && !saidOnce)
      lines.push(formatCaseLine(result, this.#style))
    if (done === this.#plan.suites.get(result.suite)) lines.push(this.#suiteLine(result.suite))
    if (lines.length > 0) {
      this.#clear()
      this.#stream.write(`${lines.join('\n')}\n`)
    }
    this.#redraw()
  }

  /**
   * A target went down: one line (the first time and when the run stops, with
   * the end of its stderr); the cases it took down are no longer running.
   */
  crashed(crash: TargetCrash): void {
    this.#crashes += 1
    for (const key of crash.running) this.#running.delete(key)
    // A case that crashed it alone has its own FAIL line, which says so.
    if (crash.alone && crash.action === 'restarted') return
    this.#clear()
    const withStderr = this.#crashes === 1 || crash.action === 'stopped'
    this.#stream.write(`${formatCrash(crash, withStderr)}\n`)
    this.#redraw()
  }

  /**
   * The target did not speak `front` in `role` when asked to (the preflight):
   * one line, and its cases, all unsupported for that reason, none of their own.
   */
  unsupportedFront(role: string, front: string, reason: string): void {
    this.#saidOnce.add(reason)
    this.#clear()
    this.#stream.write(
      `${front} front unsupported in the ${role} role: ${reason}; its ${front} cases are reported unsupported\n`,
    )
    this.#redraw()
  }

  /** Removes the status line; call before the summary is printed. */
  end(): void {
    this.#clear()
  }

  #suiteLine(suite: string): string {
    const total = this.#plan.suites.get(suite) ?? 0
    const round = this.#plan.rounds > 1 ? ` (attempt ${this.#round}/${this.#plan.rounds})` : ''
    const mark = this.#style.color ? '\x1b[1m✓\x1b[0m' : '✓'
    const counts = [...(this.#suiteCounts.get(suite) ?? [])]
      .map(([status, n]) => `${n} ${status}`)
      .join(', ')
    return `${mark} ${suite}: ${total} result${total === 1 ? '' : 's'}${round}: ${counts}`
  }

  #clear(): void {
    if (this.#tty && this.#statusShown) this.#stream.write(CLEAR_LINE)
    this.#statusShown = false
  }

  #redraw(): void {
    if (!this.#tty) return
    const width = Math.max(40, (this.#stream.columns ?? 100) - 1)
    const line = statusLine(this.#plan, this.#round, this.#done, this.#counts, [
      ...this.#running.keys(),
    ])
    this.#stream.write(
      `${CLEAR_LINE}${line.length > width ? `${line.slice(0, width - 1)}…` : line}`,
    )
    this.#statusShown = true
  }
}

/**
 * The TTY status line, most useful first, since a narrow terminal cuts the end:
 * "[attempt 1/2] 7/18: 6 fail, 1 pass | hop-by-hop 4/9 | running: keep-alive/x [forward] +1".
 * Suites are shown while in progress; a finished suite has printed its own line.
 */
export function statusLine(
  plan: ProgressPlan,
  round: number,
  done: ReadonlyMap<string, number>,
  counts: ReadonlyMap<Status, number>,
  running: readonly string[],
): string {
  const total = [...plan.suites.values()].reduce((a, b) => a + b, 0)
  const finished = [...done.values()].reduce((a, b) => a + b, 0)
  const active = new Set(running.map((key) => key.split('/')[0] ?? ''))
  const suites = [...plan.suites]
    .filter(
      ([suite, n]) =>
        (done.get(suite) ?? 0) < n && ((done.get(suite) ?? 0) > 0 || active.has(suite)),
    )
    .map(([suite, n]) => `${suite} ${done.get(suite) ?? 0}/${n}`)
  const verdicts = [...counts]
    .filter(([, n]) => n > 0)
    .map(([status, n]) => `${n} ${status}`)
    .join(', ')
  const parts = [
    `${plan.rounds > 1 ? `[attempt ${round}/${plan.rounds}] ` : ''}${finished}/${total}${verdicts === '' ? '' : `: ${verdicts}`}`,
    ...(suites.length === 0 ? [] : [suites.join(' ')]),
    ...(running.length === 0
      ? []
      : [`running: ${running[0] ?? ''}${running.length > 1 ? ` +${running.length - 1}` : ''}`]),
  ]
  return parts.join(' | ')
}
