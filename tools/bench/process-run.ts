/**
 * Runs the proxyspec command as a user starts it, in a process of its own,
 * and measures what a user waits for and what the machine pays: wall time
 * from spawn to exit, peak RSS (the child's own resource usage, reported as
 * it exits), and what it printed.
 */
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const CLI = fileURLToPath(new URL('../../cli/main.js', import.meta.url))

export interface ProcessRun {
  readonly ms: number
  readonly rssMB: number
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

/** `proxyspec ARGS` in a child process, within `timeoutMs`. */
export function runCli(args: readonly string[], timeoutMs = 15 * 60_000): Promise<ProcessRun> {
  // The child prints its peak RSS as it exits, so the figure is its own, not this process's.
  const script = `process.on('exit', () => process.stderr.write('\\nbench-maxrss=' + process.resourceUsage().maxRSS + '\\n')); process.argv = [process.argv[0], ${JSON.stringify(CLI)}, ...${JSON.stringify(args)}]; await import(${JSON.stringify(CLI)})`
  return runNode(['--input-type=module', '-e', script], timeoutMs)
}

/** `node ARGS` in a child process (a script of the benchmark's own). */
export function runNode(args: readonly string[], timeoutMs = 60_000): Promise<ProcessRun> {
  const started = performance.now()
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      args,
      { timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, NO_COLOR: '1' } },
      (error, stdout, stderr) => {
        const ms = performance.now() - started
        const kb = Number(/bench-maxrss=(\d+)/.exec(stderr)?.[1] ?? Number.NaN)
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null
        resolve({ ms, rssMB: kb / 1024, code, stdout, stderr })
      },
    )
  })
}
