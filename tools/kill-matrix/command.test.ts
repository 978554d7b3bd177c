// npm run kill-matrix in-process: a real defect is killed (exit 0, the
// table), the reference posing as a defect survives (exit 1), and a filter
// that matches nothing is a bad argument (exit 2 by way of HarnessError).
import { describe, expect, it } from 'vitest'
import { startBuiltin } from '../../harness/engine/target/builtin.js'
import { allDefects } from '../../test-fixtures/defects/index.js'
import type { SeededDefect } from '../../test-fixtures/defects/types.js'
import { commandKillMatrix, type KillMatrixIo } from './command.js'

function capture(defects: () => readonly SeededDefect[] = allDefects): KillMatrixIo & {
  readonly text: () => string
} {
  let text = ''
  return {
    out: (chunk) => {
      text += chunk
    },
    defects,
    text: () => text,
  }
}

describe('proxyspec kill-matrix', () => {
  it('prints the defect x case table and exits 0 when the named defects are killed', async () => {
    const io = capture()
    const code = await commandKillMatrix(['--defect', 'ignores-client-close,omits-close-*'], io)
    const text = io.text()
    expect(text).toMatch(/^keep-alive +1 +2$/m)
    expect(text).toMatch(/^ignores-client-close +K +\.$/m)
    expect(text).toMatch(/^omits-close-on-final-response +\. +K$/m)
    expect(text).toMatch(/^reference +p +p$/m)
    expect(text).toContain('  1  keep-alive/closes-after-connection-close')
    // Forward, reverse, and reverse behind the TLS terminator: 2 cases x 2 targets x 3 roles.
    expect(text).toContain('2 defects, 12/12 rows as expected; 0 survivors, 0 reference failures')
    expect(code).toBe(0)
  }, 30_000)

  it('exits 1 when a defect survives, and says which row', async () => {
    const impostor: SeededDefect = {
      name: 'not-a-defect',
      description: 'the reference itself',
      killedBy: ['keep-alive/persists-http11-client-connections'],
      roles: ['forward'],
      start: (role, env) => startBuiltin('reference', role, env),
    }
    const io = capture(() => [impostor])
    expect(await commandKillMatrix([], io)).toBe(1)
    expect(io.text()).toMatch(/^not-a-defect +S$/m)
    expect(io.text()).toContain(
      'SURVIVED not-a-defect forward keep-alive/persists-http11-client-connections (pass',
    )
  }, 30_000)

  it('prints the matrix as JSON with --json', async () => {
    const io = capture()
    expect(await commandKillMatrix(['--defect', 'ignores-client-close', '--json'], io)).toBe(0)
    const matrix = JSON.parse(io.text()) as { rows: { target: string; ok: boolean }[] }
    expect(matrix.rows.map((r) => r.target)).toContain('ignores-client-close')
    expect(matrix.rows.every((r) => r.ok)).toBe(true)
  }, 30_000)

  it('refuses a --defect that matches nothing', async () => {
    await expect(commandKillMatrix(['--defect', 'no-such-*'], capture())).rejects.toThrow(
      /no seeded defect matches no-such-\*/,
    )
  })
})
