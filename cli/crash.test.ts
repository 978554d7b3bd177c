// A target that crashes mid-run, as a user sees it (issue 12): the built
// command prints one line for the crash (then the end of the target's stderr,
// indented), never a line per case it took down, writes the reports it has and
// exits 2; with --restart-on-crash it goes on and exits on the verdicts.
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { proxyspec as runCli } from './test-kit.js'
import type { RunResult, TargetCrash } from '../harness/engine/model/run-result.js'
import { formatCrash, formatSummary, RunProgress, planProgress } from './print-result.js'

/** The crash runs wait out a target's restarts: a minute each. */
const proxyspec = (args: readonly string[]): ReturnType<typeof runCli> => runCli(args, 60_000)

const CRASHING = fileURLToPath(
  new URL('../test-fixtures/hostile/crashing-proxy.mjs', import.meta.url),
)

let out: string
beforeAll(async () => {
  out = await mkdtemp(join(tmpdir(), 'cli-crash-'))
})
afterAll(async () => {
  await rm(out, { recursive: true, force: true })
})

const spawnArgs = [
  'run',
  '--spawn',
  `"${process.execPath}" "${CRASHING}" --port {port}`,
  '--role',
  'forward',
  '--suite',
  'connect',
]

describe('proxyspec run --spawn <a proxy that crashes after CONNECT>', () => {
  it('stops with one line and the stack trace, writes report.json, exits 2', async () => {
    const dir = join(out, 'stop')
    const exit = await proxyspec([...spawnArgs, '--out', dir])
    expect(exit.code).toBe(2)
    expect(exit.stderr).toBe('')
    const lines = exit.stdout.split('\n')
    const crash = lines.filter((l) => l.startsWith('the target (forward) exited with code 1'))
    expect(crash).toHaveLength(1)
    expect(crash[0]).toMatch(/; stopping: .*--restart-on-crash restarts it\); its stderr ends:$/)
    const at = lines.indexOf(crash[0] ?? '')
    expect(lines[at + 1]).toMatch(/^ {4}TypeError: Cannot read properties of undefined/)
    // Nothing printed per case it took down or did not run.
    expect(exit.stdout).not.toContain('ECONNREFUSED')
    expect(lines.filter((l) => l.startsWith('ERR '))).toEqual([])
    expect(exit.stdout).toMatch(/: \d+ results in .*error.*\(the target went down once\)/)
    const report = JSON.parse(await readFile(join(dir, 'report.json'), 'utf8')) as RunResult
    expect(report.target.crashes).toHaveLength(1)
    expect(report.target.crashes?.[0]?.action).toBe('stopped')
    expect(report.results.filter((r) => r.verdict.message.startsWith('not run:')).length).toBe(
      report.results.length -
        report.results.filter(
          (r) =>
            r.verdict.status === 'pass' ||
            r.verdict.status === 'not-applicable' ||
            r.verdict.message.startsWith('not graded:'),
        ).length,
    )
    expect(report.summary.exitCode).toBe(2)
  })

  it('--restart-on-crash: goes on, grades the cases that crash it alone, exits 1', async () => {
    const dir = join(out, 'restart')
    const exit = await proxyspec([...spawnArgs, '--restart-on-crash', '--out', dir])
    expect(exit.stderr).toBe('')
    expect(exit.code).toBe(1)
    expect(exit.stdout).toMatch(
      /FAIL connect\/relays-tunnel-bytes-unchanged .* - the target crashed on this request/,
    )
    expect(exit.stdout).toMatch(/\(the target went down \d+ times, restarted \d+ times\)/)
    const report = JSON.parse(await readFile(join(dir, 'report.json'), 'utf8')) as RunResult
    expect(report.results.filter((r) => r.verdict.status === 'error')).toEqual([])
    expect(report.run.options.restartOnCrash).toBe(true)
  }, 60_000)
})

const crash = (over: Partial<TargetCrash> = {}): TargetCrash => ({
  role: 'forward',
  at: '2026-01-01T00:00:00.000Z',
  how: 'exited with code 1',
  running: [
    'connect/a [forward]',
    'connect/b [forward]',
    'connect/c [forward]',
    'connect/d [forward]',
  ],
  alone: false,
  stderrTail: 'TypeError: boom\n    at relay (proxy.js:1:1)',
  action: 'stopped',
  ...over,
})

describe('formatCrash', () => {
  it('one line, then the stderr tail indented', () => {
    expect(formatCrash(crash()).split('\n')).toEqual([
      'the target (forward) exited with code 1 while connect/a [forward], connect/b [forward], connect/c [forward] +1 more ran; stopping: the cases it took down and those not run are errors (--restart-on-crash restarts it); its stderr ends:',
      '    TypeError: boom',
      '        at relay (proxy.js:1:1)',
    ])
    expect(
      formatCrash(crash({ action: 'restarted', running: ['connect/a [forward]'] }), false),
    ).toBe(
      'the target (forward) exited with code 1 while connect/a [forward] ran; restarted; the case that ran then run again one at a time',
    )
    expect(
      formatCrash(crash({ action: 'stopped', note: 'the restart failed: no port' }), false),
    ).toMatch(
      /; stopping \(the restart failed: no port\): the cases it took down and those not run are errors$/,
    )
  })

  it('progress: the first crash with its stderr, a case that crashed it alone only by its FAIL line', () => {
    const stream = {
      text: '',
      write(t: string) {
        this.text += t
      },
    }
    const progress = new RunProgress(stream, { color: false }, planProgress([], ['forward']))
    progress.crashed(crash({ action: 'restarted' }))
    progress.crashed(crash({ action: 'restarted', alone: true, running: ['connect/a [forward]'] }))
    progress.crashed(crash({ action: 'restarted', running: ['connect/b [forward]'] }))
    const lines = stream.text.trimEnd().split('\n')
    expect(lines.filter((l) => l.startsWith('the target'))).toHaveLength(2)
    expect(lines.filter((l) => l.includes('TypeError'))).toHaveLength(1)
  })

  it('the summary counts crashes and restarts', () => {
    const run = {
      target: {
        label: 'spawn: x',
        kind: 'spawn',
        roles: ['forward'],
        crashes: [crash({ action: 'restarted' }), crash()],
      },
      summary: { total: 1, byStatus: { error: 1 }, blocking: 0, exitCode: 2 },
      run: { durationMs: 1000, options: {} },
      results: [],
    } as unknown as RunResult
    expect(formatSummary(run, [])).toMatch(/\(the target went down 2 times, restarted once\)$/)
  })
})
