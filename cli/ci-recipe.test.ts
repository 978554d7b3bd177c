// docs/ci.md is a recipe people copy: its workflow's proxyspec step, its
// baseline commands and its sample expectations file must work as written.
// The step runs here with only the proxy swapped for the built-in reference
// (spawned as a child process, as --spawn would start the user's build) and
// `npx proxyspec` for the built command.
import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunResult } from '../harness/engine/model/run-result.js'
import { validateRunResult } from '../reports/validate.js'

const CLI = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url))
// A TCP pipe as the user's proxy: hop-by-hop fields go through untouched.
const PIPE_PROXY = fileURLToPath(
  new URL('../test-fixtures/hostile/pipe-proxy.mjs', import.meta.url),
)
const DOC = fileURLToPath(new URL('../docs/ci.md', import.meta.url))
const PROXY = `"${process.execPath}" "${CLI}" reference --mode reverse --port {port} --upstream {origin}`

interface Exit {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

function sh(script: string, cwd: string, env: Record<string, string> = {}): Promise<Exit> {
  return new Promise((resolve) => {
    execFile(
      'bash',
      ['-euo', 'pipefail', '-c', script],
      { cwd, timeout: 60_000, env: { ...process.env, NO_COLOR: '1', ...env } },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null
        resolve({ code, stdout, stderr })
      },
    )
  })
}

/** The doc's commands with the user's proxy and `npx proxyspec` swapped for ours. */
function localise(command: string): string {
  return command
    .replace(/npx (?:--yes )?proxyspec(?:@[\d.]+)?/g, `"${process.execPath}" "${CLI}"`)
    .replace(/"\.\/bin\/myproxy [^"]*"/g, `'${PROXY}'`)
}

/** A step's `run: >` (folded: lines joined by spaces) or `run: |` (literal) block. */
function stepRun(doc: string, name: string): string {
  const match = new RegExp(
    `- name: ${name}\\n(?:\\s+if: .*\\n)?\\s+run: ([>|])\\n((?:\\s{10}.*\\n)+)`,
  ).exec(doc)
  if (match === null) throw new Error(`docs/ci.md has no step "${name}" with a run block`)
  const lines = (match[2] ?? '')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
  return match[1] === '>' ? lines.join(' ') : lines.join('\n')
}

function fenced(doc: string, lang: string, containing: string): string {
  const blocks = [...doc.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map(
    (m) => m[1] ?? '',
  )
  const block = blocks.find((b) => b.includes(containing))
  if (block === undefined) throw new Error(`docs/ci.md has no ${lang} block with "${containing}"`)
  return block
}

let doc = ''
let work = ''
beforeAll(async () => {
  doc = await readFile(DOC, 'utf8')
  work = await mkdtemp(join(tmpdir(), 'ci-recipe-'))
})
afterAll(async () => {
  await rm(work, { recursive: true, force: true })
})

describe('docs/ci.md', () => {
  it('creates a baseline with its commands, then runs its workflow step green and writes the step summary', async () => {
    // "The baseline": run, then copy report.json to .proxyspec/baseline.json.
    const baseline = localise(fenced(doc, 'sh', 'baseline.json').replace(/\\\n\s*/g, ''))
    const made = await sh(baseline, work)
    expect(made.stderr).toBe('')
    expect(made.code).toBe(0)
    const base = JSON.parse(
      await readFile(join(work, '.proxyspec', 'baseline.json'), 'utf8'),
    ) as RunResult
    expect(validateRunResult(base).valid).toBe(true)
    // "Declared deviations": the sample file as the workflow reads it.
    await writeFile(
      join(work, '.proxyspec', 'expectations.json'),
      fenced(doc, 'json', 'deviations'),
    )
    await rm(join(work, 'proxyspec-report'), { recursive: true, force: true })

    const step = await sh(localise(stepRun(doc, 'Run proxyspec')), work)
    expect(step.stderr).toBe('')
    expect(step.code).toBe(0)
    expect(step.stdout).toMatch(/^no new MUST failure/m)

    const summaryFile = join(work, 'step-summary.md')
    await writeFile(summaryFile, '')
    const summary = await sh(stepRun(doc, 'Job summary'), work, {
      GITHUB_STEP_SUMMARY: summaryFile,
    })
    expect(summary.code).toBe(0)
    const text = await readFile(summaryFile, 'utf8')
    expect(text).toMatch(/^## proxyspec: ✅ no blocking failure/)
    expect(text).toContain('### Regressions: ✅ no new MUST failure')

    // The artifact the upload step publishes: every format of the table.
    const run = JSON.parse(
      await readFile(join(work, 'proxyspec-report', 'report.json'), 'utf8'),
    ) as RunResult
    expect(validateRunResult(run).valid).toBe(true)
    expect(run.target.kind).toBe('spawn')
    expect(run.target.roles).toEqual(['reverse'])
    for (const name of ['junit.xml', 'report.html', 'summary.md'])
      await expect(readFile(join(work, 'proxyspec-report', name), 'utf8')).resolves.not.toBe('')
    // The sample declares a case the reference passes: flagged, not failed.
    expect(run.results.some((r) => r.declared?.unexpectedPass === true)).toBe(true)
  }, 120_000)

  it('fails the step on a new MUST failure against the committed baseline, and still writes the summary', async () => {
    // "Build the proxy": a TCP pipe, the dumbest reverse proxy there is (it
    // forwards hop-by-hop fields untouched), so MUST cases the baseline passed now fail.
    const pipe = PIPE_PROXY
    const command = localise(stepRun(doc, 'Run proxyspec')).replace(
      `'${PROXY}'`,
      `'"${process.execPath}" "${pipe}" {port} {origin}'`,
    )
    expect(command).toContain(pipe)
    const step = await sh(command, work)
    expect(step.code).toBe(1)
    expect(step.stdout).toMatch(/^NEW MUST FAILURE: [1-9]\d* new failures/m)
    const summaryFile = join(work, 'failed-summary.md')
    await writeFile(summaryFile, '')
    await sh(stepRun(doc, 'Job summary'), work, { GITHUB_STEP_SUMMARY: summaryFile })
    expect(await readFile(summaryFile, 'utf8')).toContain('### Regressions: ❌ new MUST failure')
  }, 120_000)
})
