// Hostile targets (issue 7): every run against them ends, nothing passes by
// accident, memory stays bounded, and the exit code follows the contract.
import { afterEach, describe, expect, it } from 'vitest'
import type { RunResult } from '../../harness/engine/model/run-result.js'
import { isHarnessError } from '../../harness/net/errors.js'
import { executeRun } from '../../harness/engine/runner/run.js'
import { parseTarget } from '../../harness/engine/target/target-spec.js'
import { allCases } from '../../suites/index.js'
import { startHostileServer, type HostileKind, type HostileServer } from './hostile-servers.js'

let server: HostileServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

async function runAgainst(kind: HostileKind, role: 'forward' | 'reverse'): Promise<RunResult> {
  server = await startHostileServer(kind)
  return executeRun(
    {
      target: parseTarget(server.url),
      roles: [role],
      selection: { suites: [], cases: [] },
      timeoutMs: 400,
      quietMs: 200,
      concurrency: 4,
    },
    allCases(),
  )
}

describe('a target that is no HTTP intermediary at all', () => {
  const notHttp: [HostileKind, RegExp][] = [
    ['black-hole', /no response to a request within/],
    ['immediate-close', /closed the connection without answering/],
    ['reset', /reset the connection/],
    ['garbage', /bytes that are not HTTP: "\\u0016\\u0003\\u0001/],
    ['banner', /bytes that are not HTTP: "SSH-2\.0-OpenSSH/],
  ]
  for (const [kind, reason] of notHttp) {
    it(`${kind}: the preflight gives up the whole run with one clear line`, async () => {
      const started = performance.now()
      const error = await runAgainst(kind, 'forward').then(
        () => undefined,
        (e: unknown) => e,
      )
      expect(isHarnessError(error, 'HARNESS_TARGET_UNREACHABLE')).toBe(true)
      expect((error as Error).message).toMatch(reason)
      expect((error as Error).message).not.toContain('\n')
      // One preflight deadline at most, not one per case.
      expect(performance.now() - started).toBeLessThan(4000)
    })
  }
})

describe('a target that speaks just enough HTTP to be tested', () => {
  for (const kind of ['trickle', 'endless-body', 'huge-head'] as const) {
    it(`${kind}: every case gets a verdict and none passes; memory stays bounded`, async () => {
      const rssBefore = process.memoryUsage().rss
      // Forward: in a gateway role the origin preflight stops it first (below).
      const result = await runAgainst(kind, 'forward')
      const passed = result.results.filter((r) => r.verdict.status === 'pass').map((r) => r.id)
      expect(passed).toEqual([])
      const graded = result.results.filter((r) => r.verdict.status !== 'not-applicable')
      expect(graded.length).toBeGreaterThan(0)
      for (const r of graded)
        expect(['fail', 'warn', 'info', 'timeout', 'error', 'unsupported']).toContain(
          r.verdict.status,
        )
      expect(result.summary.exitCode).not.toBe(0)
      // An endless body is capped by the client's receive buffer and the transcript cap.
      const grownMB = (process.memoryUsage().rss - rssBefore) / 1024 / 1024
      console.log(`${kind}: ${graded.length} cases, RSS grew ${Math.round(grownMB)} MB`)
      expect(grownMB).toBeLessThan(200)
    }, 120_000)
  }
})

describe('a reverse target that answers without reaching the origin', () => {
  for (const kind of ['trickle', 'endless-body', 'huge-head'] as const) {
    it(`${kind}: the origin preflight stops the run with one line`, async () => {
      const error = await runAgainst(kind, 'reverse').then(
        () => undefined,
        (e: unknown) => e,
      )
      expect(isHarnessError(error, 'HARNESS_TARGET_UNREACHABLE')).toBe(true)
      expect((error as Error).message).toMatch(/does not pass requests on to the harness origin/)
      expect((error as Error).message).not.toContain('\n')
    })
  }
})
