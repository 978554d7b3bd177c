import type { Readable } from 'node:stream'
import type { Role } from '../engine/model/roles.js'
import { HarnessError } from '../net/errors.js'
import { onceClose } from '../net/started.js'
import { BoundedText } from './bounded-text.js'
import type { PeerDefinition, PeerPorts, PeerProvider, StartedPeer } from './types.js'
import { waitForPort } from './wait-port.js'

/** Where the config goes inside the container. */
const CONTAINER_DIR = '/tmp/proxyspec-peer'
const READY_TIMEOUT_MS = 20_000

/** The program name inside the image: Apache is httpd in the official image, apache2 on Debian. */
function binaryIn(definition: PeerDefinition, image: string): string {
  const official = definition.binaries.find((b) => image.startsWith(`${b}:`) || image === b)
  return official ?? definition.binaries[0] ?? definition.name
}

/**
 * A peer in a container through testcontainers: host networking (the config
 * binds 127.0.0.1 only, so nothing listens beyond loopback), the config copied
 * in, ready once the port answers, removed on close. Ryuk is off: the harness
 * removes every container it starts itself.
 */
export function containerProvider(image: string): PeerProvider {
  return {
    kind: 'container',
    async start(definition: PeerDefinition, role: Role, ports: PeerPorts): Promise<StartedPeer> {
      process.env.TESTCONTAINERS_RYUK_DISABLED ??= 'true'
      // Host networking and loopback only: the containers' host is this one.
      // Without this, testcontainers running inside a container looks up the
      // gateway of the "bridge" network, which dockerd --bridge=none has not.
      process.env.TESTCONTAINERS_HOST_OVERRIDE ??= '127.0.0.1'
      const { GenericContainer } = await import('testcontainers')
      const binary = binaryIn(definition, image)
      const launch = definition.launch(
        role,
        ports,
        { dir: CONTAINER_DIR, root: true, provider: 'container', image },
        binary,
      )
      const output = new BoundedText()
      // The log stream ends when the container's process exits: a peer that
      // refuses its config fails at once instead of costing the ready deadline.
      let exitedWith: string | undefined
      // Links are made inside the container, where their targets are mounted, before exec;
      // so are the directories for processes that dropped root.
      const links = [
        ...(launch.links ?? []).map((l) => `ln -sf '${l.target}' '${CONTAINER_DIR}/${l.name}'`),
        ...(launch.dirs ?? []).map((d) => `mkdir -p -m 1777 '${CONTAINER_DIR}/${d}'`),
      ]
      const argv =
        links.length === 0
          ? launch.argv
          : ['/bin/sh', '-c', `${links.join(' && ')} && exec "$@"`, 'sh', ...launch.argv]
      const [entrypoint, ...args] = argv
      let container: Awaited<ReturnType<InstanceType<typeof GenericContainer>['start']>>
      try {
        container = await new GenericContainer(image)
          .withNetworkMode('host')
          .withEnvironment({ ...launch.env })
          .withEntrypoint([entrypoint ?? binary])
          .withCommand(args)
          .withCopyContentToContainer(
            launch.files.map((f) => ({
              content: f.content,
              target: `${CONTAINER_DIR}/${f.name}`,
              mode: 0o644,
            })),
          )
          .withBindMounts(
            (launch.mounts ?? []).map((dir) => ({ source: dir, target: dir, mode: 'ro' as const })),
          )
          .withLabels({ 'org.proxyspec.peer': definition.name })
          .withLogConsumer((stream: Readable) => {
            stream.on('data', (chunk: Buffer | string) => output.append(chunk))
            stream.once('end', () => {
              exitedWith = 'the container exited'
            })
          })
          .withStartupTimeout(READY_TIMEOUT_MS)
          .start()
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error)
        throw new HarnessError(
          'HARNESS_SPAWN_FAILED',
          `cannot start peer ${definition.name} in image ${image}: ${message.split('\n')[0] ?? ''}`,
        )
      }
      const close = onceClose(async () => {
        await container.stop({ remove: true, timeout: 2000 })
      })
      const why = await waitForPort('127.0.0.1', ports.port, READY_TIMEOUT_MS, () => exitedWith)
      if (why !== undefined) {
        await close()
        const last = output.toString().trim().split('\n').slice(-3).join(' | ')
        throw new HarnessError(
          'HARNESS_SPAWN_FAILED',
          `cannot start peer ${definition.name} in image ${image}: ${why}${last === '' ? '' : `: ${last}`}`,
        )
      }
      const versionRun = await container.exec([...launch.versionArgv])
      const version =
        versionRun.output
          .split('\n')
          .find((l) => l.trim() !== '')
          ?.trim() ?? 'unknown version'
      return {
        name: definition.name,
        role,
        host: '127.0.0.1',
        port: ports.port,
        provider: 'container',
        where: image,
        version,
        files: launch.files,
        argv: launch.argv,
        output: () => output.toString(),
        close,
        [Symbol.asyncDispose]: close,
      }
    },
  }
}
