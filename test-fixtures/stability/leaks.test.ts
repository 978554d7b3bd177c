// Leaks (issue 7): after a run nothing is left: no active handles, no temp
// files, no child processes; and the process exits by itself.
import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'

const run = promisify(execFile)
// Built by `npm run tools` (npm test runs it): test fixtures are not part of dist/.
const probe = 'dist-tools/test-fixtures/stability/leak-probe.js'

/** Processes whose command line holds `marker` (the spawned target carries it as an ignored argument). */
async function processesWith(marker: string): Promise<string[]> {
  const { stdout } = await run('ps', ['-eo', 'pid=,args='])
  return stdout.split('\n').filter((line) => line.includes(marker) && !line.includes(' ps '))
}

describe.skipIf(!existsSync(probe))('after a full run', () => {
  it('no handle is left, no temp dir remains, and the process exits by itself', async () => {
    // A temp dir of the child's own (TMPDIR), so other processes' files cannot confuse the count.
    const tmp = await mkdtemp(join(tmpdir(), 'leak-test-'))
    // A deadline of its own: a leaked handle would keep the child alive, and that is the failure.
    const { stdout } = await run(process.execPath, [probe], {
      timeout: 60_000,
      env: { ...process.env, TMPDIR: tmp },
    })
    const report = JSON.parse(stdout) as { results: number; alive: string[] }
    expect(report.results).toBeGreaterThan(0)
    expect(report.alive).toEqual([])
    const leftover = await readdir(tmp)
    await rm(tmp, { recursive: true, force: true })
    expect(leftover).toEqual([])
  }, 90_000)

  it('a spawned target leaves no child process behind', async () => {
    const marker = `leak-marker-${process.pid}-${Date.now()}`
    const spawn = `exec ${process.execPath} dist/cli/main.js reference --mode forward --port {port} --connect-ports {connect_ports} ${marker}`
    const cli = run(
      process.execPath,
      ['dist/cli/main.js', 'run', '--spawn', spawn, '--role', 'forward', '--suite', 'keep-alive'],
      { timeout: 60_000 },
    )
    // execFile resolves on exit 0 only: the spawned target served the whole suite...
    await cli
    // ...and once the run has ended, nothing carrying its marker is left.
    expect(await processesWith(marker)).toEqual([])
  }, 90_000)
})
