// A backend's evidence line lists its requests, but a statistical case sends
// thousands: the line keeps the first and last few and counts the rest, so
// the report stays small (LB-20 once wrote about 1 MB here).
import { expect, it } from 'vitest'
import { backendNotes, type BalancingSetup } from './balancing.js'

function setupWith(requests: number): BalancingSetup {
  const backend = {
    name: 'O1',
    authority: '127.0.0.1:1',
    healthChecks: [],
    requests: Array.from({ length: requests }, (_, k) => ({
      method: 'GET',
      target: `/lb/r${k + 1}`,
      conn: 'b1',
      outcome: 'answered',
    })),
  }
  return { backends: { all: [backend] }, stderr: () => '' } as unknown as BalancingSetup
}

it('lists every request of a backend that got a few', () => {
  const [line] = backendNotes(setupWith(3))
  expect(line).toBe(
    'backend O1 127.0.0.1:1: 3 request(s): GET /lb/r1 (b1, answered); GET /lb/r2 (b1, answered); GET /lb/r3 (b1, answered)',
  )
})

it('keeps the first 12 and the last 4 of thousands, and counts the rest', () => {
  const [line] = backendNotes(setupWith(3000))
  expect(line).toContain('3000 request(s): GET /lb/r1 ')
  expect(line).toContain('GET /lb/r12 (b1, answered); … 2984 more …; GET /lb/r2997 ')
  expect(line).not.toContain('/lb/r13 ')
  expect(line!.length).toBeLessThan(1000)
})
