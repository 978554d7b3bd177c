import { HarnessError } from '../net/errors.js'
import { containerProvider } from './container-provider.js'
import { dockerEngineAnswers, dockerImageExists } from './docker-engine.js'
import { findBinary } from './find-binary.js'
import { imageFor, type PeerImages } from './images.js'
import { missingBinaryMessage, nativeProvider } from './native-provider.js'
import type { PeerDefinition, PeerProvider, ProviderChoice, StartedPeer } from './types.js'

/** How peers are started in a run (--peer-provider, --peer-image). */
export interface PeerOptions {
  /** @default 'auto' */
  readonly provider?: ProviderChoice
  readonly images?: PeerImages
  /** Told about every peer instance once it listens (the matrix lists versions and configs). */
  readonly onStarted?: (peer: StartedPeer) => void
}

/**
 * container: a Docker engine must answer (the image is pulled if missing);
 * native: the binary must be on PATH; auto: the container when the engine
 * answers and already holds the image, else the native binary, else one
 * line saying why neither can be had.
 */
export async function chooseProvider(
  definition: PeerDefinition,
  options: PeerOptions = {},
): Promise<PeerProvider> {
  const choice = options.provider ?? 'auto'
  const image = imageFor(definition.name, options.images)
  if (choice === 'native') return nativeProvider
  const engine = await dockerEngineAnswers()
  if (choice === 'container') {
    if (!engine) {
      throw new HarnessError(
        'HARNESS_SPAWN_FAILED',
        `cannot start peer ${definition.name}: no Docker engine answers (DOCKER_HOST or /var/run/docker.sock)`,
      )
    }
    return containerProvider(image)
  }
  if (engine && (await dockerImageExists(image))) return containerProvider(image)
  if (findBinary(definition.binaries) !== undefined) return nativeProvider
  const container = engine ? `no image ${image} in the Docker engine` : 'no Docker engine'
  throw new HarnessError(
    'HARNESS_SPAWN_FAILED',
    `cannot start peer ${definition.name}: ${container} and ${missingBinaryMessage(definition)}`,
  )
}
