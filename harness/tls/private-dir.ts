import { rmSync } from 'node:fs'
import { chmod, mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/**
 * A private temp dir for key material: 0700, files 0600, removed when the
 * process exits or is stopped by SIGINT, SIGTERM or SIGHUP, even if nobody
 * disposed of it. (A worker thread that is terminated gets neither: dispose.)
 */
export interface PrivateDir extends Disposable {
  readonly path: string
  /** Writes `name` (0600, must not exist yet) and resolves with its full path. */
  write(name: string, content: string): Promise<string>
  /** Removes the dir and everything in it. Idempotent, never throws; safe to pass around unbound. */
  readonly remove: () => void
}

const live = new Set<string>()
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const

function removeDir(dir: string): void {
  try {
    rmSync(dir, { recursive: true, force: true })
  } catch {
    // Cleanup must not throw (it also runs inside the 'exit' handler).
  }
  live.delete(dir)
  if (live.size === 0) {
    process.removeListener('exit', removeLiveDirs)
    for (const signal of SIGNALS) process.removeListener(signal, removeOnSignal)
  }
}

/**
 * A terminating signal skips 'exit' (Ctrl-C; vitest's forks pool stops its
 * workers with SIGTERM). Remove the dirs, then raise the signal again if nobody
 * else listens for it, so that listening never keeps the process alive.
 */
function removeOnSignal(signal: NodeJS.Signals): void {
  removeLiveDirs()
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal)
}

/**
 * The 'exit' handler: synchronous, because nothing asynchronous runs once the
 * process is exiting. Exported for the tests only.
 */
export function removeLiveDirs(): void {
  for (const dir of [...live]) removeDir(dir)
}

/** Creates a private dir under os.tmpdir(). */
export async function createPrivateDir(prefix = 'proxyspec-certs-'): Promise<PrivateDir> {
  const path = await mkdtemp(join(tmpdir(), prefix))
  if (live.size === 0) {
    process.on('exit', removeLiveDirs)
    for (const signal of SIGNALS) process.on(signal, removeOnSignal)
  }
  live.add(path)
  const remove = (): void => {
    if (live.has(path)) removeDir(path)
  }
  try {
    // mkdtemp already uses 0700; set it explicitly so no umask or platform default widens it.
    await chmod(path, 0o700)
  } catch (error) {
    remove()
    throw error
  }
  return {
    path,
    async write(name, content) {
      const file = join(path, name)
      // 'wx': never follow or overwrite something that is already there.
      await writeFile(file, content, { mode: 0o600, flag: 'wx' })
      await chmod(file, 0o600)
      return file
    },
    remove,
    [Symbol.dispose]: remove,
  }
}
