// Run in a child process by leaks.test.ts: one full run (or the given CLI
// arguments' target) in-process, then report what is still alive.
import { executeRun } from '../../harness/engine/runner/run.js'
import { parseTarget } from '../../harness/engine/target/target-spec.js'
import { allCases } from '../../suites/index.js'

const target = process.argv[2] ?? 'builtin:reference'
const result = await executeRun(
  {
    target: parseTarget(target),
    roles: target.startsWith('builtin:') ? [] : ['forward'],
    selection: { suites: [], cases: [] },
  },
  allCases(),
)
// 'beforeExit' fires only once the event loop is empty: then nothing may be
// alive but the probe's own stdio. A leaked handle means it never fires, and
// the parent's deadline catches the hang.
process.once('beforeExit', () => {
  const alive = process.getActiveResourcesInfo().filter((r) => r !== 'TTYWrap' && r !== 'PipeWrap')
  process.stdout.write(`${JSON.stringify({ results: result.results.length, alive })}\n`)
})
