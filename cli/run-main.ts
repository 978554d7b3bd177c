// How a command ends: its exit code, or one line on stderr and exit code 2 for
// every failure that is not a verdict (shared by the proxyspec command and the
// repository's tools, so they fail alike).
import { setMaxListeners } from 'node:events'
import { isHarnessError } from '../harness/net/errors.js'
import { handleClosedPipes } from './closed-pipe.js'

/** Runs `main` and sets the exit code; never calls process.exit (the process ends by itself). */
export function runMain(main: () => Promise<number>): void {
  handleClosedPipes()
  // A run's abort signal is the parent of every deadline of every case in flight (8 at once,
  // each with its waits, a balancing case with its backends' too): more than Node's default
  // of 10 listeners is the design, not a leak, and the warning would only confuse a reader.
  setMaxListeners(200)
  // Node's own teardown (FreeEnvironment → CleanupHandles) can spin for ever
  // after the last handle closed: seen on `proxyspec matrix` about one run in
  // four, the main thread looping in uv_run under CleanupHandles (gdb) with
  // two child-process socket pairs left, no JavaScript running. 'beforeExit'
  // comes only once the event loop is empty, i.e. once everything the command
  // started has stopped by itself, so leaving there skips that teardown and
  // proves nothing: a handle still open keeps the loop alive and this never runs.
  // A command that had not finished by then waits on a promise nothing will
  // ever settle: a proxyspec bug, said so, not a silent exit code 0.
  let settled = false
  process.once('beforeExit', (code) => {
    if (!settled) {
      process.stderr.write(
        'proxyspec: internal error: the command stopped with nothing left to wait for (a proxyspec bug)\n',
      )
      process.exit(2)
    }
    process.exit(code)
  })
  main().then(
    (code) => {
      settled = true
      // exitCode, not exit(): the process must end by itself, which proves nothing was left running.
      process.exitCode = code
    },
    (error: unknown) => {
      settled = true
      if (isHarnessError(error)) {
        process.stderr.write(`proxyspec: ${error.message.replace(/^\[proxyspec\] /, '')}\n`)
      } else {
        const message = error instanceof Error ? error.message : String(error)
        process.stderr.write(
          `proxyspec: internal error: ${message} (a proxyspec bug; NODE_DEBUG=proxyspec shows the stack)\n`,
        )
        if ((process.env.NODE_DEBUG ?? '').includes('proxyspec') && error instanceof Error) {
          process.stderr.write(`${error.stack ?? ''}\n`)
        }
      }
      process.exitCode = 2
    },
  )
}
