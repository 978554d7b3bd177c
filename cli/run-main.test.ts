// How a command ends (run-main.ts), in a child process: its exit code once its
// promise settles and the loop is empty; exit code 2 and one line when the
// loop empties while the command's promise can never settle.
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { expect, it } from 'vitest'

const RUN_MAIN = fileURLToPath(new URL('../dist/cli/run-main.js', import.meta.url))

function run(body: string): Promise<{ code: number | null; stderr: string }> {
  const script = `import { runMain } from ${JSON.stringify(RUN_MAIN)}; runMain(${body})`
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      ['--input-type=module', '-e', script],
      { timeout: 10_000 },
      (_error, _stdout, stderr) => resolve({ code: child.exitCode, stderr }),
    )
  })
}

it('exits with the code the command resolved with, after its last timer', async () => {
  const done = await run('() => new Promise((r) => setTimeout(() => r(3), 50))')
  expect(done).toEqual({ code: 3, stderr: '' })
})

it('exits 2 with one line when nothing is left to wait for but the command never settled', async () => {
  const stuck = await run('() => new Promise(() => {})')
  expect(stuck.code).toBe(2)
  expect(stuck.stderr).toBe(
    'proxyspec: internal error: the command stopped with nothing left to wait for (a proxyspec bug)\n',
  )
})
