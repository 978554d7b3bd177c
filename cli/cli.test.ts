// End-to-end: the built command, as a user runs it. Each run is a child process
// that must exit by itself; the execFile timeout is the deadline, not a wait.
import { execFile } from 'node:child_process'
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunResult } from '../harness/engine/model/run-result.js'
import { BUILTIN_ROLES } from '../harness/engine/target/target-spec.js'
import { appliesTo } from '../harness/engine/model/case.js'
import { allCases } from '../suites/index.js'

const CLI = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url))

interface Exit {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

function proxyspec(
  args: readonly string[],
  timeoutMs = 30_000,
  env: NodeJS.ProcessEnv = {},
): Promise<Exit> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { timeout: timeoutMs, env: { ...process.env, NO_COLOR: '1', ...env } },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null
        resolve({ code, stdout, stderr })
      },
    )
  })
}

let out: string
// The run's own temporary directory (TMPDIR): other test files start peers that make and
// remove proxyspec-* directories in the shared one meanwhile.
let runTmp: string
const temps = async (): Promise<string[]> =>
  (await readdir(runTmp)).filter((name) => name.startsWith('proxyspec-'))

beforeAll(async () => {
  out = await mkdtemp(join(tmpdir(), 'cli-test-'))
  runTmp = await mkdtemp(join(tmpdir(), 'cli-test-tmp-'))
})

afterAll(async () => {
  await rm(out, { recursive: true, force: true })
  await rm(runTmp, { recursive: true, force: true })
})

const readReport = async (dir: string): Promise<RunResult> =>
  JSON.parse(await readFile(join(dir, 'report.json'), 'utf8')) as RunResult

describe('proxyspec run', () => {
  it('passes every case against the embedded default and writes report.json', async () => {
    const dir = join(out, 'default')
    const exit = await proxyspec(['run', '--out', dir], 80_000, { TMPDIR: runTmp })
    expect(exit.stderr).toBe('')
    expect(exit.code).toBe(0)
    const report = await readReport(dir)
    expect(report.schemaVersion).toBe(1)
    expect(report.target).toMatchObject({
      label: 'builtin:reference',
      roles: [...BUILTIN_ROLES.reference],
    })
    const bad = report.results.filter(
      (r) => r.verdict.status !== 'pass' && r.verdict.status !== 'not-applicable',
    )
    expect(bad.map((r) => `${r.id}@${r.role}: ${r.verdict.message}`)).toEqual([])
    expect(report.results.filter((r) => r.verdict.status === 'pass').length).toBeGreaterThanOrEqual(
      9,
    )
    // Every reverse case also runs behind the reference TLS terminator, and passes there.
    const behindTls = allCases().filter(
      (c) => c.roles.includes('reverse') && appliesTo(c, 'tls-terminator'),
    )
    expect(behindTls.length).toBeGreaterThan(50)
    const passedBehindTls = new Set(
      report.results
        .filter((r) => r.role === 'tls-terminator' && r.verdict.status === 'pass')
        .map((r) => r.id),
    )
    expect(behindTls.map((c) => c.id).filter((id) => !passedBehindTls.has(id))).toEqual([])
    expect(await temps()).toEqual([])
    // A deadline, not a timing assertion: the whole run sends thousands of
    // requests for the balancing cases, beside other test files on two cores.
  }, 90_000)

  it('fails KA-06 against the blind relay with the evidence of both hops, exit 1', async () => {
    const dir = join(out, 'blind')
    const exit = await proxyspec([
      'run',
      '--target',
      'builtin:blind-relay',
      '--role',
      'forward',
      '--out',
      dir,
    ])
    expect(exit.code).toBe(1)
    const report = await readReport(dir)
    const ka06 = report.results.find((r) => r.requirements.includes('KA-06'))
    expect(ka06?.verdict.status).toBe('fail')
    expect(ka06?.verdict.observed).toMatch(/keep-alive/)
    const hops = new Set(ka06?.evidence.events.map((e) => e.hop))
    expect(hops).toEqual(new Set(['client', 'origin']))
    const originBytes = (ka06?.evidence.events ?? [])
      .filter((e) => e.hop === 'origin' && e.dir === 'from-target')
      .map((e) => Buffer.from(e.base64 ?? '', 'base64').toString('latin1'))
      .join('')
    expect(originBytes).toMatch(/Connection: keep-alive/i)
    expect(exit.stdout).toMatch(/FAIL keep-alive\/no-dumb-proxy-keep-alive-hang/)
  })

  it('exits 2 at once with one line when the target is unreachable', async () => {
    const exit = await proxyspec([
      'run',
      '--target',
      'http://127.0.0.1:1',
      '--role',
      'forward',
      '--out',
      join(out, 'unreachable'),
    ])
    expect(exit.code).toBe(2)
    expect(exit.stderr.trim().split('\n')).toHaveLength(1)
    expect(exit.stderr).toMatch(/cannot reach target http:\/\/127\.0\.0\.1:1 .*connection refused/)
  })

  it('passes when it spawns the reference as a child process, in both roles', async () => {
    const forward = await proxyspec([
      'run',
      '--spawn',
      `"${process.execPath}" "${CLI}" reference --mode forward --port {port} --connect-ports {connect_ports}`,
      '--role',
      'forward',
      '--out',
      join(out, 'spawn-forward'),
    ])
    expect(forward.stderr).toBe('')
    expect(forward.code).toBe(0)
    const reverse = await proxyspec([
      'run',
      '--spawn',
      `"${process.execPath}" "${CLI}" reference --mode reverse --port {port} --upstream {origin}`,
      '--role',
      'reverse',
      '--out',
      join(out, 'spawn-reverse'),
    ])
    expect(reverse.code).toBe(0)
    const report = await readReport(join(out, 'spawn-reverse'))
    expect(report.target.kind).toBe('spawn')
    expect(report.results.some((r) => r.verdict.status === 'pass')).toBe(true)
  })

  it.each([
    [['run', '--nope'], /unknown option '--nope'/i],
    [['run', '--target', 'not a url'], /malformed target/],
    [['run', '--target', 'http://127.0.0.1:3128', '--role', 'gateway'], /unknown role "gateway"/],
    [['run', '--target', 'http://127.0.0.1:3128'], /--role is required/],
    [['run', '--case', 'no-such-case/*'], /no case matches --case no-such-case\/\*/],
    [['run', '--timeout', 'soon'], /--timeout takes a whole number/],
    [['run', '--spawn', 'x {bogus}', '--role', 'forward'], /unknown placeholder \{bogus\}/],
    [['frobnicate'], /unknown command "frobnicate"/],
  ])('refuses %j with one clear line and exit 2', async (args, message) => {
    const exit = await proxyspec(args)
    expect(exit.code).toBe(2)
    expect(exit.stderr).toMatch(message)
    expect(exit.stderr.trim().split('\n')).toHaveLength(1)
    expect(exit.stderr).not.toMatch(/\n\s+at /)
  })
})

describe('proxyspec list and help', () => {
  it('prints the catalog with requirement ids', async () => {
    const exit = await proxyspec(['list'])
    expect(exit.code).toBe(0)
    for (const id of [
      'CONNECT-03',
      'CONNECT-08',
      'CONNECT-09',
      'HOP-01',
      'HOP-02',
      'HOP-05',
      'KA-01',
      'KA-03',
      'KA-06',
    ]) {
      expect(exit.stdout).toContain(id)
    }
  })

  it('lists the reverse cases under --role tls-terminator, with the role they gained', async () => {
    const exit = await proxyspec(['list', '--role', 'tls-terminator', '--suite', 'keep-alive'])
    expect(exit.code).toBe(0)
    expect(exit.stdout).toMatch(
      /keep-alive\/no-dumb-proxy-keep-alive-hang {2}MUST {2}\[forward,reverse,tls-terminator,balancer\]/,
    )
  })

  it('lists the reverse cases and the balancing cases under --role balancer', async () => {
    const exit = await proxyspec(['list', '--role', 'balancer'])
    expect(exit.code).toBe(0)
    expect(exit.stdout).toMatch(/keep-alive\/no-dumb-proxy-keep-alive-hang .*balancer\]/)
    expect(exit.stdout).toMatch(
      /balancing\/no-retry-of-non-idempotent-request {2}MUST {2}\[balancer\]/,
    )
    expect(exit.stdout).not.toMatch(/connect\/refuses-missing-or-invalid-port/)
  })

  it('prints usage for --help and run --help', async () => {
    expect((await proxyspec(['--help'])).stdout).toMatch(/Usage:\n\s+proxyspec run/)
    const run = await proxyspec(['run', '--help'])
    expect(run.code).toBe(0)
    expect(run.stdout).toContain('{connect_ports}')
  })
})
