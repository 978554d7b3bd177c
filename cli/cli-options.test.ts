// End-to-end, the built command as a user runs it: the target profile
// (proxyspec.config.json), --host, --exclude, and a reader that goes away
// (`proxyspec list | head -1`). Each child must exit by itself; the execFile
// timeout is the deadline, not a wait.
import { execFile, spawn } from 'node:child_process'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunResult } from '../harness/engine/model/run-result.js'

const CLI = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url))

interface Exit {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

function proxyspec(args: readonly string[], cwd?: string, timeoutMs = 30_000): Promise<Exit> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      {
        timeout: timeoutMs,
        env: { ...process.env, NO_COLOR: '1' },
        ...(cwd === undefined ? {} : { cwd }),
      },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null
        resolve({ code, stdout, stderr })
      },
    )
  })
}

/**
 * The CLI with its stdout read up to the first line, then closed, as `| head -1`
 * does: the first line, what came on stderr, and the exit code.
 */
function firstLineThenClose(
  args: readonly string[],
  timeoutMs = 30_000,
): Promise<{ line: string; stderr: string; code: number | null; signal: string | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NO_COLOR: '1' },
    })
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`proxyspec ${args.join(' ')} did not exit within ${timeoutMs} ms`))
    }, timeoutMs)
    let stdout = ''
    let line: string | undefined
    let stderr = ''
    child.stderr.setEncoding('utf8').on('data', (text: string) => {
      stderr += text
    })
    child.stdout.setEncoding('utf8').on('data', (text: string) => {
      stdout += text
      const end = stdout.indexOf('\n')
      if (line === undefined && end >= 0) {
        line = stdout.slice(0, end)
        child.stdout.destroy()
      }
    })
    child.once('close', (code, signal) => {
      clearTimeout(timer)
      resolve({ line: line ?? '', stderr, code, signal })
    })
  })
}

let dir: string

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cli-options-'))
})

afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

const readReport = async (path: string): Promise<RunResult> =>
  JSON.parse(await readFile(join(path, 'report.json'), 'utf8')) as RunResult

/**
 * The Host lines the origin received, over every result's evidence. HOP-19
 * (does-not-forward-to-itself) sends the proxy's own address as Host on
 * purpose, whatever --host says: a request for the proxy itself.
 */
/**
 * The Host values of the requests each case sent to the origin. Only a
 * request with the case's own path counts: an origin connection is pooled, so
 * its bytes in one case's evidence can hold another case's request (HOP-19's
 * /self request names the proxy's own address, not the origin's, on purpose;
 * H2-22's :authority names a listener of its own).
 */
const hostsAtOrigin = (report: RunResult): Set<string> =>
  new Set(
    report.results
      // H2-22 sets :authority to a listener's own host:port on purpose (a gateway must route
      // it like any request, never open a tunnel there), and Host comes from :authority.
      .filter((r) => !r.requirements.includes('HOP-19') && !r.requirements.includes('H2-22'))
      .flatMap((r) =>
        r.evidence.events
          .filter((e) => e.hop === 'origin' && e.dir === 'from-target' && e.base64 !== undefined)
          .flatMap((e) =>
            Buffer.from(e.base64 ?? '', 'base64')
              .toString('latin1')
              .split(/\r\n(?=[A-Z]+ \S+ HTTP\/)/),
          )
          .filter((head) => !/^[A-Z]+ \S*\/self HTTP\//.test(head))
          .flatMap((head) => [...head.matchAll(/^Host: ?(.*?)\r$/gim)])
          .map((m) => m[1] ?? ''),
      ),
  )

describe('proxyspec.config.json', () => {
  let project: string

  beforeAll(async () => {
    project = join(dir, 'project')
    await mkdir(project)
    await writeFile(
      join(project, 'proxyspec.config.json'),
      JSON.stringify({
        target: 'builtin:reference',
        role: 'reverse',
        suite: 'keep-alive',
        exclude: ['KA-06'],
        host: 'example.test',
        report: ['json', 'md'],
        out: 'reports',
        timeout: 2000,
      }),
    )
  })

  it('drives a whole run from the working directory', async () => {
    const exit = await proxyspec(['run'], project)
    expect(exit.stderr).toBe('')
    expect(exit.code).toBe(0)
    expect(exit.stdout.split('\n')[0]).toBe('config: proxyspec.config.json')
    const report = await readReport(join(project, 'reports'))
    await readFile(join(project, 'reports', 'summary.md'), 'utf8')
    expect(report.target.roles).toEqual(['reverse'])
    expect(report.run.options).toMatchObject({
      suites: ['keep-alive'],
      exclude: ['KA-06'],
      host: 'example.test',
      timeoutMs: 2000,
    })
    expect(new Set(report.results.map((r) => r.suite))).toEqual(new Set(['keep-alive']))
    expect(report.results.some((r) => r.requirements.includes('KA-06'))).toBe(false)
    expect(report.results.some((r) => r.verdict.status === 'pass')).toBe(true)
    expect(hostsAtOrigin(report)).toEqual(new Set(['example.test']))
  })

  it('lets flags override it: role, selection, out; --no-config ignores it', async () => {
    const out = join(dir, 'override')
    const exit = await proxyspec(
      ['run', '--role', 'forward', '--case', 'KA-06', '--exclude', 'KA-01', '--out', out],
      project,
    )
    expect(exit.code).toBe(0)
    const report = await readReport(out)
    expect(report.target.roles).toEqual(['forward'])
    // --case replaced the file's suite and case; --exclude replaced its exclude.
    expect(report.run.options).toMatchObject({ suites: [], cases: ['KA-06'], exclude: ['KA-01'] })
    expect(report.results.map((r) => r.requirements.includes('KA-06'))).toEqual([true])
    const ignored = await proxyspec(
      ['run', '--no-config', '--role', 'forward', '--case', 'KA-06', '--out', join(dir, 'none')],
      project,
    )
    expect(ignored.stdout).not.toMatch(/^config:/m)
    expect((await readReport(join(dir, 'none'))).run.options.host).toBeUndefined()
  })

  it('reads --config FILE, and names a bad key in one line, exit 2', async () => {
    const bad = join(dir, 'bad.config.json')
    await writeFile(bad, JSON.stringify({ target: 'builtin:reference', rolez: 'reverse' }))
    const exit = await proxyspec(['run', '--config', 'bad.config.json'], dir)
    expect(exit.code).toBe(2)
    expect(exit.stdout).toBe('')
    expect(exit.stderr).toBe('proxyspec: bad.config.json: unknown key "rolez" (at /rolez)\n')
    await mkdir(join(dir, 'cwd-bad'))
    await writeFile(join(dir, 'cwd-bad', 'proxyspec.config.json'), '{"timeout": "soon"}')
    const found = await proxyspec(['run'], join(dir, 'cwd-bad'))
    expect(found.code).toBe(2)
    expect(found.stderr).toBe(
      'proxyspec: proxyspec.config.json: "timeout" must be integer (at /timeout)\n',
    )
  })
})

describe('--host', () => {
  it('sends NAME as Host to a reverse proxy: the whole reference run passes, the origin sees it', async () => {
    const out = join(dir, 'host')
    const exit = await proxyspec([
      'run',
      '--role',
      'reverse',
      '--host',
      'example.test',
      '--out',
      out,
    ])
    expect(exit.stderr).toBe('')
    expect(exit.code).toBe(0)
    const report = await readReport(out)
    const bad = report.results.filter(
      (r) => r.verdict.status !== 'pass' && r.verdict.status !== 'not-applicable',
    )
    expect(bad.map((r) => `${r.id}: ${r.verdict.message}`)).toEqual([])
    expect(hostsAtOrigin(report)).toEqual(new Set(['example.test']))
  })
})

describe('selection and bad input', () => {
  it('adds --suite and --case up and takes --exclude out (list)', async () => {
    const ids = (stdout: string): string[] =>
      stdout
        .split('\n')
        .filter((l) => /^\S+\/\S+ /.test(l))
        .map((l) => l.split(' ')[0] ?? '')
    const suite = ids((await proxyspec(['list', '--suite', 'keep-alive'])).stdout)
    const both = ids(
      (
        await proxyspec([
          'list',
          '--suite',
          'keep-alive',
          '--case',
          'hop-by-hop/rebuilds-host-from-absolute-form',
        ])
      ).stdout,
    )
    expect(new Set(both)).toEqual(
      new Set([...suite, 'hop-by-hop/rebuilds-host-from-absolute-form']),
    )
    expect(both).toHaveLength(suite.length + 1)
    const less = ids(
      (await proxyspec(['list', '--suite', 'keep-alive', '--exclude', 'KA-06,KA-01'])).stdout,
    )
    expect(less.length).toBeLessThan(suite.length)
    expect(less.every((id) => suite.includes(id))).toBe(true)
    const reverse = ids(
      (await proxyspec(['list', '--suite', 'tls', '--role', 'tls-terminator'])).stdout,
    )
    expect(reverse.length).toBeGreaterThan(0)
    expect(reverse.every((id) => id.startsWith('tls/'))).toBe(true)
  })

  it.each([
    [['run', '--host', 'a b'], /--host takes a host name .*not "a b"/],
    [['run', '--host', 'x\r\nEvil: 1'], /--host takes a host name/],
    [['run', '--suite', 'conect'], /no case matches --suite conect \(see: proxyspec list\)/],
    [['run', '--exclude', 'KA-99'], /no case matches --exclude KA-99/],
    [['run', '--exclude', '*'], /no case matches --exclude \*/],
    [['run', '--config', 'nope.json'], /nope.json: config file not found/],
    [['run', '--config', 'x.json', '--no-config'], /--config and --no-config exclude each other/],
    [['list', '--role', 'gateway'], /unknown role "gateway"/],
    [['list', 'extra'], /unexpected argument "extra"/],
    [['list', '--case', 'NOPE-1'], /no case matches --case NOPE-1/],
    [['coverage', '--suite', 'nope'], /no case matches --suite nope/],
    [['help', 'nope'], /no help for "nope": not a command/],
  ])('refuses %j with one clear line and exit 2', async (args, message) => {
    const exit = await proxyspec(args, dir)
    expect(exit.code).toBe(2)
    expect(exit.stderr).toMatch(message)
    expect(exit.stderr.trim().split('\n')).toHaveLength(1)
    expect(exit.stderr).not.toMatch(/\n\s+at /)
  })
})

describe('a reader that goes away (| head -1)', () => {
  it.each([[['list']], [['list', '--json']], [['--help']]])(
    'proxyspec %j prints its first line and ends quietly',
    async (args) => {
      const seen = await firstLineThenClose(args)
      expect(seen.line).not.toBe('')
      expect(seen.stderr).toBe('')
      expect(seen.signal).toBeNull()
      expect(seen.code).toBe(0)
    },
  )

  it('stops a run as on Ctrl-C, with no stack trace', async () => {
    const seen = await firstLineThenClose([
      'run',
      '--role',
      'forward',
      '--suite',
      'keep-alive',
      '--out',
      join(dir, 'piped'),
    ])
    expect(seen.line).not.toBe('')
    expect(seen.stderr).not.toMatch(/EPIPE|\n\s+at /)
    expect(seen.signal).toBeNull()
  })
})
