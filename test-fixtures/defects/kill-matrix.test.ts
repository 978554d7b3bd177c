// The kill matrix in CI (DESIGN.md, "The suite tests itself"): no seeded
// defect survives the cases that name it, and the reference passes them all.
import { describe, expect, it } from 'vitest'
import { startBuiltin } from '../../harness/engine/target/builtin.js'
import { allCases } from '../../suites/index.js'
import { allDefects } from './index.js'
import { formatKillMatrix, runKillMatrix } from './kill-matrix.js'
import { defectRoles } from './types.js'

describe('kill matrix', () => {
  const defects = allDefects()

  it('names only cases that exist', () => {
    const ids = new Set(allCases().map((c) => c.id))
    const unknown = defects.flatMap((d) => d.killedBy.filter((id) => !ids.has(id)))
    expect(unknown).toEqual([])
  })

  it('flags a "defect" that is really the reference as a survivor', async () => {
    const matrix = await runKillMatrix({
      defects: [
        {
          name: 'no-defect-at-all',
          description: 'the reference itself: every case passes, so it must survive',
          killedBy: ['hop-by-hop/appends-via-to-requests'],
          roles: ['forward'],
          start: (role, env) => startBuiltin('reference', role, env),
        },
      ],
    })
    expect(matrix.survivors.map((r) => r.caseId)).toEqual(['hop-by-hop/appends-via-to-requests'])
  })

  it('runs a reverse defect behind the TLS terminator too, where its cases apply', async () => {
    const defect = defects.find((d) => d.name === 'keeps-content-length-on-101')
    expect(defect).toBeDefined()
    if (defect === undefined) return
    expect(defectRoles(defect)).toEqual(['forward', 'reverse', 'tls-terminator'])
    const matrix = await runKillMatrix({ defects: [{ ...defect, roles: ['reverse'] }] })
    expect(matrix.rows.map((r) => `${r.target}@${r.role}: ${r.ok}`)).toEqual([
      'keeps-content-length-on-101@reverse: true',
      'keeps-content-length-on-101@tls-terminator: true',
      'reference@reverse: true',
      'reference@tls-terminator: true',
    ])
  }, 60_000)

  // Each defect runs in a run environment of its own, and most of the time is spent waiting on
  // sockets (about 10 % CPU): up to five run side by side (vitest's maxConcurrency). The
  // balancing and ftp-gateway defects run one at a time: their cases grade timing.
  for (const defect of defects) {
    const timed = defect.roles.some((role) => role === 'balancer' || role === 'ftp-gateway')
    const test = timed ? it : it.concurrent
    test(`${defect.name} is caught by ${defect.killedBy.join(', ')}`, async () => {
      const matrix = await runKillMatrix({ defects: [defect] })
      const text = formatKillMatrix(matrix)
      expect(matrix.rows.length, text).toBeGreaterThan(0)
      expect(matrix.survivors, text).toEqual([])
      expect(matrix.referenceFailures, text).toEqual([])
    }, 60_000)
  }
})
