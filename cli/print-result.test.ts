// Progress while a run goes: redrawn in place on a TTY, plain lines elsewhere,
// colour only on a TTY without NO_COLOR.
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { Role } from '../harness/engine/model/roles.js'
import type { CaseResult } from '../harness/engine/model/run-result.js'
import type { Status } from '../harness/engine/model/verdict.js'
import { loadGoldenRun } from '../test-fixtures/run-results/load.js'
import {
  detectStyle,
  formatCaseLine,
  planProgress,
  RunProgress,
  statusLine,
  type ProgressStream,
} from './print-result.js'

class FakeStream implements ProgressStream {
  text = ''
  readonly isTTY: boolean
  readonly columns: number
  constructor(isTTY: boolean, columns = 200) {
    this.isTTY = isTTY
    this.columns = columns
  }
  write(text: string): boolean {
    this.text += text
    return true
  }
}

/** What a terminal shows: each line as left after its last "clear line". */
const screen = (text: string): string[] =>
  text.split('\n').map((line) => line.split('\r\x1b[2K').pop() ?? '')

const run = loadGoldenRun('mixed-verdicts')
const ROLES: Role[] = ['forward', 'reverse']
const plan = planProgress(
  [...new Map(run.results.map((r) => [r.id, { suite: r.suite, roles: ROLES }])).values()],
  ['forward'],
)
const result = (status: Status, suite = 'connect', id = `${suite}/x`): CaseResult => {
  const template = run.results[0]!
  return { ...template, id, suite, verdict: { status, message: `it was ${status}` } }
}

afterEach(() => {
  vi.unstubAllEnvs()
})

describe('detectStyle', () => {
  it('colours a TTY, never a pipe, and never with NO_COLOR set', () => {
    vi.stubEnv('NO_COLOR', '')
    expect(detectStyle({ isTTY: true })).toEqual({ color: true })
    expect(detectStyle({ isTTY: false })).toEqual({ color: false })
    vi.stubEnv('NO_COLOR', '1')
    expect(detectStyle({ isTTY: true })).toEqual({ color: false })
  })

  it('puts escape sequences in a case line only with colour', () => {
    expect(formatCaseLine(result('fail'), { color: true })).toContain('\x1b[31mFAIL\x1b[0m')
    expect(formatCaseLine(result('fail'), { color: false })).not.toContain('\x1b')
  })
})

describe('planProgress', () => {
  it('counts one result per applicable role, and one not-applicable result otherwise', () => {
    const p = planProgress(
      [
        { suite: 'a', roles: ['forward', 'reverse'] },
        { suite: 'a', roles: ['tunnel'] },
        { suite: 'b', roles: ['reverse'] },
      ],
      ['forward', 'reverse'],
      2,
    )
    expect([...p.suites]).toEqual([
      ['a', 3],
      ['b', 1],
    ])
    expect(p.rounds).toBe(2)
  })
})

describe('RunProgress', () => {
  it('writes one plain line per result and nothing redrawn when not a TTY', () => {
    const stream = new FakeStream(false)
    const progress = new RunProgress(stream, { color: false }, plan)
    progress.startRound(1)
    progress.started('connect/x', 'forward')
    progress.finished(result('pass'))
    progress.finished(result('fail'))
    progress.end()
    expect(stream.text).toBe(
      `${formatCaseLine(result('pass'), { color: false })}\n${formatCaseLine(result('fail'), { color: false })}\n`,
    )
  })

  it('announces each attempt in plain output under --repeat', () => {
    const stream = new FakeStream(false)
    const progress = new RunProgress(stream, { color: false }, { ...plan, rounds: 2 })
    progress.startRound(1)
    progress.startRound(2)
    expect(stream.text).toBe('attempt 1 of 2\nattempt 2 of 2\n')
  })

  it('on a TTY redraws a status line with counts and the running case, prints problems and finished suites', () => {
    const stream = new FakeStream(true)
    const p = planProgress(
      [
        { suite: 'connect', roles: ['forward'] },
        { suite: 'connect', roles: ['forward'] },
      ],
      ['forward'],
    )
    const progress = new RunProgress(stream, { color: false }, p)
    progress.startRound(1)
    progress.started('connect/a', 'forward')
    expect(stream.text.endsWith('\r\x1b[2K0/2 | connect 0/2 | running: connect/a [forward]')).toBe(
      true,
    )
    progress.finished(result('pass', 'connect', 'connect/a'))
    expect(stream.text).not.toContain('PASS')
    progress.started('connect/b', 'forward')
    progress.finished(result('fail', 'connect', 'connect/b'))
    progress.end()
    expect(screen(stream.text)).toEqual([
      formatCaseLine(result('fail', 'connect', 'connect/b'), { color: false }),
      '✓ connect: 2 results: 1 pass, 1 fail',
      '',
    ])
    expect(stream.text.endsWith('\r\x1b[2K')).toBe(true)
    expect(stream.text).not.toContain('\x1b[3')
  })

  it('cuts the status line to the terminal width', () => {
    const stream = new FakeStream(true, 50)
    const progress = new RunProgress(stream, { color: false }, plan)
    progress.started('hop-by-hop/a-very-long-case-id-that-will-not-fit', 'forward')
    const last = stream.text.split('\r\x1b[2K').pop() ?? ''
    expect(last.length).toBe(49)
    expect(last.endsWith('…')).toBe(true)
  })
})

describe('statusLine', () => {
  it('shows the attempt, the totals, the suites in progress and how many run besides the first', () => {
    const line = statusLine(
      {
        suites: new Map([
          ['connect', 3],
          ['keep-alive', 2],
        ]),
        rounds: 2,
      },
      2,
      new Map([
        ['connect', 3],
        ['keep-alive', 1],
      ]),
      new Map<Status, number>([
        ['pass', 3],
        ['fail', 1],
      ]),
      ['keep-alive/a [forward]', 'keep-alive/b [reverse]'],
    )
    expect(line).toBe(
      '[attempt 2/2] 4/5: 3 pass, 1 fail | keep-alive 1/2 | running: keep-alive/a [forward] +1',
    )
  })
})
