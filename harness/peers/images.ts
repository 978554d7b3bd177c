import { HarnessError } from '../net/errors.js'
import { PEERS } from './catalog.js'
import { isPeerName, PEER_NAMES, type PeerName } from './types.js'

export { LOCAL_PEER_IMAGE } from './local-image.js'

export type PeerImages = Readonly<Partial<Record<PeerName, string>>>

/** Parses --peer-image NAME=IMAGE values. */
export function parsePeerImages(values: readonly string[]): PeerImages {
  const images: Partial<Record<PeerName, string>> = {}
  for (const value of values) {
    const at = value.indexOf('=')
    const name = value.slice(0, at)
    const image = value.slice(at + 1)
    if (at <= 0 || image === '' || !isPeerName(name)) {
      throw new HarnessError(
        'HARNESS_BAD_INPUT',
        `--peer-image takes NAME=IMAGE with NAME one of ${PEER_NAMES.join(', ')}, not "${value}"`,
      )
    }
    images[name] = image
  }
  return images
}

/** The image for a peer: --peer-image, then PROXYSPEC_PEER_IMAGE_<NAME>, then the official default. */
export function imageFor(
  name: PeerName,
  overrides: PeerImages = {},
  env: NodeJS.ProcessEnv = process.env,
): string {
  const fromEnv = env[`PROXYSPEC_PEER_IMAGE_${name.toUpperCase()}`]
  return (
    overrides[name] ??
    (fromEnv !== undefined && fromEnv !== '' ? fromEnv : PEERS[name].defaultImage)
  )
}
