// The proxy-authentication cases end to end: the default run (builtin:reference,
// no --proxy-auth) covers them through the auth twin; without a target that
// requires credentials they are not applicable, saying why; and the declared
// password, in clear or in base64, appears in none of the written reports,
// even when a defective target leaks Proxy-Authorization to the origin.
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { RunResult } from '../../harness/engine/model/run-result.js'
import { Scope } from '../../harness/net/started.js'
import { runCase } from '../../harness/engine/runner/run-case.js'
import { executeRun } from '../../harness/engine/runner/run.js'
import { startRunEnvironment } from '../../harness/engine/environment/start-environment.js'
import { parseTarget } from '../../harness/engine/target/target-spec.js'
import { REPORT_FILE_NAMES } from '../../reports/index.js'
import { writeReports } from '../../reports/write-reports.js'
import { allDefects } from '../../test-fixtures/defects/index.js'
import { allCases } from '../index.js'

const AUTH_CASES = [
  'connect/auth-*',
  'hop-by-hop/auth-*',
  'hop-by-hop/consumes-proxy-authorization',
]
const CREDENTIALS = { user: 'redaction-probe', pass: 'Pw:redact-7f3a9c-ZQ' }
const b64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64')
const SECRETS = [
  CREDENTIALS.pass,
  b64(`${CREDENTIALS.user}:${CREDENTIALS.pass}`),
  b64(CREDENTIALS.pass),
]

describe('proxy-authentication cases', () => {
  it('pass in the default run through the reference auth twin', async () => {
    const run = await executeRun(
      {
        target: parseTarget('builtin:reference'),
        roles: ['forward', 'tunnel'],
        selection: { suites: [], cases: AUTH_CASES },
      },
      allCases(),
    )
    expect(run.results.length).toBe(13)
    expect(run.results.filter((r) => r.verdict.status !== 'pass')).toEqual([])
  })

  it('are not applicable, saying why, when the target requires no credentials', async () => {
    const run = await executeRun(
      {
        target: parseTarget('builtin:blind-relay'),
        roles: ['forward'],
        selection: { suites: [], cases: AUTH_CASES },
      },
      allCases(),
    )
    expect(run.results.length).toBeGreaterThan(0)
    for (const result of run.results) {
      expect(result.verdict.status).toBe('not-applicable')
      expect(result.verdict.message).toContain('--proxy-auth USER:PASS')
    }
  })

  it('never write the password, nor its base64, into any report', async () => {
    const run = await executeRun(
      {
        target: parseTarget('builtin:reference'),
        roles: ['forward'],
        selection: { suites: [], cases: AUTH_CASES },
        proxyAuth: CREDENTIALS,
      },
      allCases(),
    )
    expect(run.results.filter((r) => r.verdict.status !== 'pass')).toEqual([])
    // A target that leaks the credentials to the origin: its evidence holds them twice.
    const leak = allDefects().find((d) => d.name === 'forwards-proxy-authorization')
    const consumes = allCases().find((c) => c.id === 'hop-by-hop/consumes-proxy-authorization')
    if (leak === undefined || consumes === undefined) throw new Error('missing defect or case')
    const scope = new Scope()
    let leaked
    try {
      const env = await startRunEnvironment(scope, { proxyAuth: CREDENTIALS })
      const target = scope.use(await leak.start('forward', env))
      leaked = await runCase(consumes, target.endpoint, env)
    } finally {
      await scope.close()
    }
    expect(leaked.verdict.status).toBe('fail')
    const atOrigin = leaked.evidence.events.filter(
      (e) => e.hop === 'origin' && e.base64 !== undefined,
    )
    expect(
      atOrigin.some((e) =>
        Buffer.from(e.base64 ?? '', 'base64')
          .toString('latin1')
          .includes('Proxy-Authorization'),
      ),
    ).toBe(true)
    const all: RunResult = { ...run, results: [...run.results, leaked] }
    const dir = await mkdtemp(join(tmpdir(), 'proxyspec-redaction-'))
    try {
      const { written } = await writeReports(all, ['json', 'junit', 'html', 'md'], dir)
      expect(written.map((w) => w.format).sort()).toEqual(['html', 'json', 'junit', 'md'])
      for (const format of ['json', 'junit', 'html', 'md'] as const) {
        const text = await readFile(join(dir, REPORT_FILE_NAMES[format]), 'utf8')
        for (const secret of SECRETS)
          expect(text, `${format} holds ${secret}`).not.toContain(secret)
      }
      // The evidence bytes of report.json, decoded, hold no credentials either.
      const json = JSON.parse(
        await readFile(join(dir, REPORT_FILE_NAMES.json), 'utf8'),
      ) as RunResult
      for (const result of json.results) {
        for (const event of result.evidence.events) {
          const bytes = Buffer.from(event.base64 ?? '', 'base64').toString('latin1')
          for (const secret of SECRETS) expect(bytes).not.toContain(secret)
        }
      }
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  }, 60_000)
})
