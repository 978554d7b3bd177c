import type { CaseResult, RunResult } from '../harness/model/run-result.js'
import type { Status } from '../harness/model/verdict.js'

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
export function detectStyle(stream: NodeJS.WriteStream): PrintStyle {
  return { color: stream.isTTY && (process.env.NO_COLOR ?? '') === '' }
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

export function formatSummary(run: RunResult, reportPath: string): string {
  const counts = Object.entries(run.summary.byStatus)
    .filter(([, n]) => n > 0)
    .map(([status, n]) => `${n} ${status}`)
    .join(', ')
  const blocking =
    run.summary.blocking === 0
      ? 'no blocking failure'
      : `${run.summary.blocking} blocking failure${run.summary.blocking === 1 ? '' : 's'}`
  return [
    `${run.target.label} [${run.target.roles.join(', ')}]: ${run.summary.total} results in ${(run.run.durationMs / 1000).toFixed(1)} s: ${counts}; ${blocking}`,
    `report: ${reportPath}`,
  ].join('\n')
}
