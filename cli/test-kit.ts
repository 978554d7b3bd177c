// The built proxyspec command as a user runs it, for the CLI tests: a child
// process with colour off, its exit code and both streams.
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'

export const CLI = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url))

export interface Exit {
  /** null when it was killed (the timeout). */
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

/** `proxyspec ARGS`, killed after `timeoutMs`. */
export function proxyspec(args: readonly string[], timeoutMs = 30_000): Promise<Exit> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { timeout: timeoutMs, env: { ...process.env, NO_COLOR: '1' } },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null
        resolve({ code, stdout, stderr })
      },
    )
  })
}
