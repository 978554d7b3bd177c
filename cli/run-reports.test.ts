// The reports end to end, as a CI job makes them: the built command writes
// every format; the JSON validates against the shipped schema (ajv), the JUnit
// parses with a real consumer (junit2json); a diff between the reference and
// the blind relay names exactly the cases whose verdict changed; an
// expectations file declaring the blind relay's failures turns its exit code
// to 0 while every report still shows each deviation. The HTML of a real run
// is tested in Chromium in reports/render-html.browser.test.ts.
import { execFile } from 'node:child_process'
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse, type TestCase, type TestSuites } from 'junit2json'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CaseResult, RunResult } from '../harness/engine/model/run-result.js'
import type { RunDiff } from '../reports/diff.js'
import { validateRunResult } from '../reports/validate.js'

const CLI = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url))
const ALL = 'json,junit,html,md'
// A fixed slice of the catalog with fast failure paths on the blind relay
// (every hop-by-hop and CONNECT case, and the keep-alive hang), so the checks
// below stay quick as the suites grow. The reports do not care how many cases there are.
const SLICE = ['--case', 'hop-by-hop/*', '--case', 'connect/*', '--case', 'KA-06']

interface Exit {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

function proxyspec(args: readonly string[], timeoutMs = 60_000): Promise<Exit> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024, env: { ...process.env, NO_COLOR: '1' } },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null
        resolve({ code, stdout, stderr })
      },
    )
  })
}

const key = (r: Pick<CaseResult, 'id' | 'role'>): string => `${r.id}@${r.role}`
const FAILING = ['fail', 'warn', 'timeout', 'error']
const readJson = async <T>(path: string): Promise<T> =>
  JSON.parse(await readFile(path, 'utf8')) as T

let out = ''
let reference: RunResult
let blind: RunResult
let referenceExit: Exit
let blindExit: Exit

beforeAll(async () => {
  out = await mkdtemp(join(tmpdir(), 'cli-reports-'))
  // The two runs every check below reads; they share the machine, so one after the other.
  referenceExit = await proxyspec([
    'run',
    ...SLICE,
    '--report',
    ALL,
    '--out',
    join(out, 'reference'),
  ])
  blindExit = await proxyspec([
    'run',
    ...SLICE,
    '--target',
    'builtin:blind-relay',
    '--report',
    ALL,
    '--out',
    join(out, 'blind'),
  ])
  reference = await readJson<RunResult>(join(out, 'reference', 'report.json'))
  blind = await readJson<RunResult>(join(out, 'blind', 'report.json'))
}, 120_000)

afterAll(async () => {
  await rm(out, { recursive: true, force: true })
})

describe('proxyspec run --report json,junit,html,md', () => {
  it('writes all four formats, atomically, and nothing else', async () => {
    expect(referenceExit.stderr).toBe('')
    expect(referenceExit.code).toBe(0)
    expect(blindExit.code).toBe(1)
    for (const dir of ['reference', 'blind']) {
      expect((await readdir(join(out, dir))).sort()).toEqual([
        'junit.xml',
        'report.html',
        'report.json',
        'summary.md',
      ])
    }
    for (const name of ['report.json', 'junit.xml', 'report.html', 'summary.md'])
      expect(referenceExit.stdout).toContain(`report: ${join(out, 'reference', name)}`)
  })

  it('writes JSON that validates against the shipped schema', () => {
    expect(validateRunResult(reference)).toEqual({ valid: true, errors: [] })
    expect(validateRunResult(blind)).toEqual({ valid: true, errors: [] })
    expect(blind.results.some((r) => r.verdict.status === 'fail')).toBe(true)
  })

  it('writes JUnit that a JUnit consumer parses: one testcase per result, failures where MUST failed', async () => {
    const doc = (await parse(await readFile(join(out, 'blind', 'junit.xml'), 'utf8'))) as TestSuites
    const cases: TestCase[] = (doc.testsuite ?? []).flatMap((s) => s.testcase ?? [])
    expect(cases).toHaveLength(blind.results.length)
    const failed = cases.filter((c) => (c.failure ?? []).length > 0).map((c) => c.name)
    const mustFailures = blind.results.filter(
      (r) => r.level === 'MUST' && (r.verdict.status === 'fail' || r.verdict.status === 'timeout'),
    )
    expect(failed.sort()).toEqual(mustFailures.map((r) => `${r.id} [${r.role}]`).sort())
    expect(new Set((doc.testsuite ?? []).map((s) => s.name))).toEqual(
      new Set(blind.results.map((r) => r.suite)),
    )
  })

  it('writes a self-contained HTML page and a Markdown summary naming every MUST failure', async () => {
    const html = await readFile(join(out, 'blind', 'report.html'), 'utf8')
    expect(html).toMatch(/^<!doctype html>/i)
    expect(html).not.toMatch(/<(?:script|link|img)[^>]+(?:src|href)="https?:/i)
    const md = await readFile(join(out, 'blind', 'summary.md'), 'utf8')
    for (const r of blind.results.filter((r) => r.level === 'MUST' && r.verdict.status === 'fail'))
      expect(md).toContain(r.id)
  })

  it('leaves no temp file behind', async () => {
    const names = [
      ...(await readdir(join(out, 'reference'))),
      ...(await readdir(join(out, 'blind'))),
    ]
    expect(names.filter((n) => n.endsWith('.tmp'))).toEqual([])
  })

  it('refuses an unknown format, a missing baseline and a malformed expectations file before running', async () => {
    const bad = join(out, 'bad.json')
    await writeFile(
      bad,
      '{"deviations":[{"case":"keep-alive/x","reason":"r","expires":"2025-02-30"}]}',
    )
    for (const [args, message] of [
      [['run', '--report', 'json,pdf'], /--report: unknown report format "pdf"/],
      [
        ['run', '--baseline', join(out, 'nope.json')],
        /cannot read baseline .*nope\.json: no such file/,
      ],
      [['run', '--expectations', bad], /deviations\[0\]\.expires "2025-02-30" is not a date/],
      [['run', '--repeat', '0'], /--repeat takes a whole number >= 1/],
    ] as const) {
      const exit = await proxyspec([...args, '--out', join(out, 'refused')])
      expect(exit.code).toBe(2)
      expect(exit.stderr.trim().split('\n')).toHaveLength(1)
      expect(exit.stderr).toMatch(message)
    }
    await expect(readdir(join(out, 'refused'))).rejects.toThrow(/ENOENT/)
  })
})

describe('proxyspec diff and run --baseline', () => {
  it('names exactly the cases whose verdict changed between the reference and the blind relay', async () => {
    const exit = await proxyspec([
      'diff',
      join(out, 'reference', 'report.json'),
      join(out, 'blind', 'report.json'),
      '--json',
    ])
    expect(exit.code).toBe(1)
    const diff = JSON.parse(exit.stdout) as RunDiff
    const before = new Map(reference.results.map((r) => [key(r), r.verdict.status]))
    const after = new Map(blind.results.map((r) => [key(r), r.verdict.status]))
    const changed = [...new Set([...before.keys(), ...after.keys()])].filter(
      (k) => before.get(k) !== after.get(k),
    )
    const named = [
      ...diff.newFailures,
      ...diff.fixes,
      ...diff.changedVerdicts,
      ...diff.added,
      ...diff.removed,
    ].map((c) => c.key)
    expect(named.sort()).toEqual(changed.sort())
    expect(new Set(named).size).toBe(named.length)
    // Removed cases (a role the blind relay does not play) are not in `after`.
    expect(diff.unchanged).toBe(after.size - changed.filter((k) => after.has(k)).length)
    expect(diff.hasNewMustFailure).toBe(true)
    // Every new failure is one the blind relay fails and the reference passed.
    for (const c of diff.newFailures) {
      expect(FAILING).toContain(after.get(c.key))
      expect(before.get(c.key)).toBe('pass')
    }
  })

  it('prints the same diff for people, and exits 0 the other way round (only fixes)', async () => {
    const text = await proxyspec([
      'diff',
      join(out, 'reference', 'report.json'),
      join(out, 'blind', 'report.json'),
    ])
    expect(text.stdout).toMatch(/^NEW MUST FAILURE: \d+ new failures/m)
    expect(text.stdout).toContain('keep-alive/no-dumb-proxy-keep-alive-hang@forward')
    const back = await proxyspec([
      'diff',
      join(out, 'blind', 'report.json'),
      join(out, 'reference', 'report.json'),
      '--md',
    ])
    expect(back.code).toBe(0)
    expect(back.stdout).toMatch(/^## Regressions: ✅ no new MUST failure/)
    expect(back.stdout).toMatch(/### Fixes \(\d+\)/)
  })

  it('refuses a file that is not a proxyspec report with exit 2', async () => {
    const junk = join(out, 'junk.json')
    await writeFile(junk, '{"schemaVersion":1,"results":[]}')
    const exit = await proxyspec(['diff', junk, join(out, 'blind', 'report.json')])
    expect(exit.code).toBe(2)
    expect(exit.stderr).toMatch(/base report .*junk\.json: not a proxyspec RunResult/)
  })

  it('fails a run on a new MUST failure against a baseline, and marks the regressions in html and md', async () => {
    const dir = join(out, 'against-baseline')
    const exit = await proxyspec([
      'run',
      '--target',
      'builtin:blind-relay',
      '--suite',
      'hop-by-hop',
      '--baseline',
      join(out, 'reference', 'report.json'),
      '--report',
      'json,html,md',
      '--out',
      dir,
    ])
    expect(exit.code).toBe(1)
    expect(exit.stdout).toMatch(/^NEW MUST FAILURE/m)
    expect(await readFile(join(dir, 'summary.md'), 'utf8')).toMatch(
      /### Regressions: ❌ new MUST failure/,
    )
    expect(await readFile(join(dir, 'report.html'), 'utf8')).toContain('new failure (was PASS)')
  })

  it('passes a run whose only failures are already in the baseline', async () => {
    const exit = await proxyspec([
      'run',
      '--target',
      'builtin:blind-relay',
      '--suite',
      'hop-by-hop',
      '--baseline',
      join(out, 'blind', 'report.json'),
      '--out',
      join(out, 'known-failures'),
    ])
    expect(exit.stdout).toMatch(/^no new MUST failure/m)
    expect(exit.code).toBe(0)
  })
})

describe('proxyspec run --expectations', () => {
  it("turns the blind relay's exit code to 0 when its failures are declared, and every report shows each deviation", async () => {
    const failing = blind.results.filter((r) => FAILING.includes(r.verdict.status))
    expect(failing.length).toBeGreaterThan(5)
    const file = join(out, 'expectations.json')
    await writeFile(
      file,
      JSON.stringify({
        deviations: failing.map((r) => ({ case: key(r), reason: `blind relay: ${r.id}` })),
      }),
    )
    const dir = join(out, 'declared')
    const exit = await proxyspec([
      'run',
      ...SLICE,
      '--target',
      'builtin:blind-relay',
      '--expectations',
      file,
      '--report',
      ALL,
      '--out',
      dir,
    ])
    expect(exit.stderr).toBe('')
    expect(exit.code).toBe(0)
    const run = await readJson<RunResult>(join(dir, 'report.json'))
    expect(validateRunResult(run)).toEqual({ valid: true, errors: [] })
    expect(run.summary.blocking).toBe(0)
    const declared = run.results.filter((r) => r.declared !== undefined)
    expect(declared.map(key).sort()).toEqual(failing.map(key).sort())
    for (const r of declared) expect(FAILING).toContain(r.verdict.status)

    const md = await readFile(join(dir, 'summary.md'), 'utf8')
    expect(md).toContain(`### Declared deviations (${failing.length})`)
    const html = await readFile(join(dir, 'report.html'), 'utf8')
    const doc = (await parse(await readFile(join(dir, 'junit.xml'), 'utf8'))) as TestSuites
    const byName = new Map(
      (doc.testsuite ?? []).flatMap((s) => s.testcase ?? []).map((c) => [c.name, c]),
    )
    for (const r of failing) {
      expect(md).toContain(`blind relay: ${r.id}`)
      expect(html).toContain(`id="case-${r.id.replace('/', '-')}--${r.role}"`)
      const c = byName.get(`${r.id} [${r.role}]`)
      expect(c?.failure ?? []).toEqual([])
      expect(JSON.stringify(c)).toContain(`blind relay: ${r.id}`)
    }
    expect(html.match(/class="tag declared"/g)).toHaveLength(failing.length)
  })

  it('fails again on an expired declaration, and flags a declared case that passes', async () => {
    const file = join(out, 'expired.json')
    await writeFile(
      file,
      JSON.stringify({
        deviations: [
          {
            case: 'keep-alive/no-dumb-proxy-keep-alive-hang',
            reason: 'was to be fixed last year',
            expires: '2020-01-01',
          },
          { case: 'keep-alive/closes-after-connection-close', reason: 'declared, yet it passes' },
        ],
      }),
    )
    const dir = join(out, 'expired')
    const exit = await proxyspec([
      'run',
      '--target',
      'builtin:blind-relay',
      '--suite',
      'keep-alive',
      '--case',
      'KA-06',
      '--case',
      'KA-03',
      '--expectations',
      file,
      '--report',
      'json,md',
      '--out',
      dir,
    ])
    expect(exit.code).toBe(1)
    const run = await readJson<RunResult>(join(dir, 'report.json'))
    const hang = run.results.filter((r) => r.id === 'keep-alive/no-dumb-proxy-keep-alive-hang')
    expect(hang.length).toBeGreaterThan(0)
    for (const r of hang)
      expect(r.declared).toMatchObject({ expired: true, originalStatus: 'fail' })
    const passing = run.results.filter(
      (r) => r.id === 'keep-alive/closes-after-connection-close' && r.verdict.status === 'pass',
    )
    expect(passing.length).toBeGreaterThan(0)
    for (const r of passing) expect(r.declared).toMatchObject({ unexpectedPass: true })
    const md = await readFile(join(dir, 'summary.md'), 'utf8')
    expect(md).toContain('Declared deviation expired')
    expect(md).toContain('now PASSES (remove the declaration)')
  })
})

describe('proxyspec run --repeat and proxyspec coverage', () => {
  it('runs each case N times and records it; a steady target has no flaky case', async () => {
    const dir = join(out, 'repeat')
    const exit = await proxyspec(['run', '--repeat', '3', '--suite', 'hop-by-hop', '--out', dir])
    expect(exit.code).toBe(0)
    expect(exit.stdout.match(/^attempt \d of 3$/gm)).toEqual([
      'attempt 1 of 3',
      'attempt 2 of 3',
      'attempt 3 of 3',
    ])
    const run = await readJson<RunResult>(join(dir, 'report.json'))
    expect(validateRunResult(run)).toEqual({ valid: true, errors: [] })
    expect(run.run.options.repeat).toBe(3)
    expect(run.results.filter((r) => r.flaky !== undefined)).toEqual([])
  })

  it('prints no escape sequence when stdout is not a TTY', () => {
    expect(blindExit.stdout).not.toContain('\x1b')
    expect(blindExit.stdout).toMatch(/^FAIL keep-alive\/no-dumb-proxy-keep-alive-hang \[forward\]/m)
  })

  it('counts catalog requirements with cases, by level and role', async () => {
    const exit = await proxyspec(['coverage', '--json'])
    expect(exit.code).toBe(0)
    const report = JSON.parse(exit.stdout) as {
      total: { total: number; covered: number }
      byLevel: Record<string, { total: number; covered: number }>
      requirements: { id: string; cases: string[] }[]
    }
    expect(report.total.total).toBeGreaterThan(50)
    expect(report.byLevel.MUST?.covered).toBeGreaterThan(0)
    const ka06 = report.requirements.find((r) => r.id === 'KA-06')
    expect(ka06?.cases).toContain('keep-alive/no-dumb-proxy-keep-alive-hang')
    const text = await proxyspec(['coverage'])
    expect(text.stdout).toMatch(/^requirement coverage: \d+ of \d+ catalog requirements/)
    expect(text.stdout).toMatch(/^by role: {2}forward \d+\/\d+/m)
  })
})

describe('proxyspec run when a later attempt cannot be made', () => {
  it('keeps the reports of the attempts that ran, then exits 2 with the reason', async () => {
    // A proxy that starts once: the second --repeat attempt cannot spawn it.
    const marker = join(out, 'started-once')
    const script = join(out, 'once-proxy.mjs')
    await writeFile(
      script,
      [
        "import { existsSync, writeFileSync } from 'node:fs'",
        "import { connect, createServer } from 'node:net'",
        'const [port, upstream, marker] = process.argv.slice(2)',
        "if (existsSync(marker)) { console.error('refusing a second start'); process.exit(3) }",
        "writeFileSync(marker, '')",
        "const [host, upstreamPort] = upstream.split(':')",
        'createServer((client) => {',
        '  const up = connect(Number(upstreamPort), host)',
        '  client.pipe(up).pipe(client)',
        "  client.on('error', () => up.destroy())",
        "  up.on('error', () => client.destroy())",
        "}).listen(Number(port), '127.0.0.1')",
        '',
      ].join('\n'),
    )
    const dir = join(out, 'cut-short')
    const exit = await proxyspec([
      'run',
      '--spawn',
      `"${process.execPath}" "${script}" {port} {origin} "${marker}"`,
      '--role',
      'reverse',
      '--case',
      'HOP-01',
      '--repeat',
      '2',
      '--report',
      'json,md',
      '--out',
      dir,
    ])
    expect(exit.code).toBe(2)
    expect(exit.stderr.trim().split('\n')).toHaveLength(1)
    const run = await readJson<RunResult>(join(dir, 'report.json'))
    expect(validateRunResult(run)).toEqual({ valid: true, errors: [] })
    expect(run.results.length).toBeGreaterThan(0)
    expect(run.run.options.repeat).toBeUndefined()
    await expect(readFile(join(dir, 'summary.md'), 'utf8')).resolves.toMatch(/^## proxyspec/)
  })
})
