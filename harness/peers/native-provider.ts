import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { closeSync, openSync, readFileSync } from 'node:fs'
import { chmod, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Role } from '../engine/model/roles.js'
import { raceTimeout } from '../net/deadline.js'
import { HarnessError } from '../net/errors.js'
import { onceClose } from '../net/started.js'
import { findBinary } from './find-binary.js'
import type { PeerDefinition, PeerPorts, PeerProvider, StartedPeer } from './types.js'
import { waitForPort } from './wait-port.js'

const READY_TIMEOUT_MS = 15_000
const OUTPUT_FILE = 'peer-output.log'
const MAX_OUTPUT = 64 * 1024

function readOutput(path: string): string {
  try {
    return readFileSync(path, 'utf8').slice(0, MAX_OUTPUT)
  } catch {
    return ''
  }
}

/** Runs `argv` and resolves with its first non-empty output line (versions print to either stream). */
export function versionOf(argv: readonly string[]): Promise<string> {
  const [program, ...args] = argv
  return new Promise((resolve) => {
    execFile(program ?? '', args, { timeout: 5000 }, (_error, stdout, stderr) => {
      const line = `${stdout}\n${stderr}`.split('\n').find((l) => l.trim() !== '')
      resolve(line?.trim() ?? 'unknown version')
    })
  })
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return
  const exited = once(child, 'exit')
  const signal = (name: NodeJS.Signals): void => {
    try {
      process.kill(-(child.pid ?? 0), name) // the whole group: master and workers
    } catch {
      child.kill(name)
    }
  }
  signal('SIGTERM')
  if (Array.isArray(await raceTimeout('the peer to exit', exited, 5000))) return
  signal('SIGKILL')
  await raceTimeout('the peer to die', exited, 2000)
}

export function missingBinaryMessage(definition: PeerDefinition): string {
  return `no ${definition.binaries.join(' or ')} on PATH`
}

/**
 * The peer's own binary from PATH, its config and pid file in a private temp
 * directory (0700), stopped (the whole process group) and the directory
 * removed on close.
 */
export const nativeProvider: PeerProvider = {
  kind: 'native',
  async start(definition: PeerDefinition, role: Role, ports: PeerPorts): Promise<StartedPeer> {
    const binary = findBinary(definition.binaries)
    if (binary === undefined) {
      throw new HarnessError(
        'HARNESS_SPAWN_FAILED',
        `cannot start peer ${definition.name}: ${missingBinaryMessage(definition)}`,
      )
    }
    const dir = await mkdtemp(join(tmpdir(), `proxyspec-${definition.name}-`))
    await chmod(dir, 0o700)
    const removeDir = (): Promise<void> => rm(dir, { recursive: true, force: true })
    const root = process.getuid?.() === 0
    const launch = definition.launch(role, ports, { dir, root, provider: 'native' }, binary)
    for (const file of launch.files) {
      await writeFile(join(dir, file.name), file.content, { mode: file.forWorkers ? 0o644 : 0o600 })
    }
    for (const name of launch.dirs ?? []) {
      await mkdir(join(dir, name))
      await chmod(join(dir, name), 0o1777) // mkdir's mode is masked by the umask
    }
    // Workers that dropped root (squid's auth helper, Apache's children, lighttpd) must reach
    // those files and directories.
    if (launch.files.some((f) => f.forWorkers) || (launch.dirs ?? []).length > 0)
      await chmod(dir, 0o711)
    for (const link of launch.links ?? []) await symlink(link.target, join(dir, link.name))
    const version = await versionOf(launch.versionArgv)
    // stdout and stderr go to a file, not a pipe: peers that open /dev/stderr
    // as a log file (Apache's ErrorLog, squid's cache_log) cannot open a socket.
    const outputPath = join(dir, OUTPUT_FILE)
    const outputFd = openSync(outputPath, 'a', 0o600)
    const [program, ...args] = launch.argv
    const child = spawn(program ?? binary, args, {
      cwd: dir,
      detached: true,
      ...(launch.env === undefined ? {} : { env: { ...process.env, ...launch.env } }),
      stdio: ['ignore', outputFd, outputFd],
    })
    closeSync(outputFd)
    let kept: string | undefined
    const output = (): string => kept ?? readOutput(outputPath)
    let spawnError: string | undefined
    child.once('error', (error) => {
      spawnError = error.message
    })
    const close = onceClose(async () => {
      await stop(child)
      kept = readOutput(outputPath)
      await removeDir()
    })
    const why = await waitForPort('127.0.0.1', ports.port, READY_TIMEOUT_MS, () => {
      if (spawnError !== undefined) return spawnError
      if (child.exitCode !== null) return `exited with code ${child.exitCode}`
      if (child.signalCode !== null) return `was killed by ${child.signalCode}`
      return undefined
    })
    if (why !== undefined) {
      await close()
      const last = output().trim().split('\n').slice(-3).join(' | ')
      throw new HarnessError(
        'HARNESS_SPAWN_FAILED',
        `cannot start peer ${definition.name} (${binary}): ${why}${last === '' ? '' : `: ${last}`}`,
      )
    }
    return {
      name: definition.name,
      role,
      host: '127.0.0.1',
      port: ports.port,
      provider: 'native',
      where: binary,
      version,
      files: launch.files,
      argv: launch.argv,
      output,
      close,
      [Symbol.asyncDispose]: close,
    }
  },
}
