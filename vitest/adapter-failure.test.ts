import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'

const run = promisify(execFile)

interface JsonReport {
  testResults: {
    assertionResults: { title: string; status: string; failureMessages: string[] }[]
  }[]
}

describe('proxyspec/vitest failing a defective target', () => {
  it('turns the blind relay KA-06 failure into a failed test carrying the verdict and both hops', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'proxyspec-adapter-'))
    try {
      const out = join(dir, 'result.json')
      const child = await run(
        process.execPath,
        [
          'node_modules/vitest/vitest.mjs',
          'run',
          '--config',
          'test-fixtures/vitest-adapter/vitest.config.ts',
          '--reporter=json',
          `--outputFile=${out}`,
        ],
        { cwd: process.cwd(), timeout: 60_000 },
      ).catch((error: unknown) => error as { code?: number })
      expect((child as { code?: number }).code).toBe(1)
      const report = JSON.parse(await readFile(out, 'utf8')) as JsonReport
      const tests = report.testResults.flatMap((file) => file.assertionResults)
      expect(tests).toHaveLength(1)
      const [test] = tests
      expect(test?.status).toBe('failed')
      const message = test?.failureMessages.join('\n') ?? ''
      expect(message).toContain(
        'keep-alive/no-dumb-proxy-keep-alive-hang [forward] MUST KA-06: fail',
      )
      expect(message).toContain("expected the client's keep-alive not passed to the 1.0 origin")
      // Both hops are in the evidence: what the client saw and what reached the origin.
      expect(message).toMatch(/client\/c1 → target/)
      expect(message).toMatch(/origin\/o\d+ → target/)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  }, 90_000)
})
