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
  main().then(
    (code) => {
      // exitCode, not exit(): the process must end by itself, which proves nothing was left running.
      process.exitCode = code
    },
    (error: unknown) => {
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
