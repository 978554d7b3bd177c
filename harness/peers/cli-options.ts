import { HarnessError } from '../net/errors.js'
import type { PeerOptions } from './choose-provider.js'
import { parsePeerImages } from './images.js'
import type { ProviderChoice } from './types.js'

/** The options `proxyspec run` and `proxyspec matrix` take for peer:<name> targets. */
export const PEER_CLI_OPTIONS = {
  'peer-image': { type: 'string', multiple: true },
  'peer-provider': { type: 'string' },
} as const

export const PEER_USAGE = `  --peer-provider KIND        how peer:NAME targets start: container | native | auto (default:
                              a container when a Docker engine holds the image, else the
                              binary on PATH)
  --peer-image NAME=IMAGE     the image for a peer (repeatable; or PROXYSPEC_PEER_IMAGE_<NAME>)
`

function parseProvider(value: string | undefined): ProviderChoice {
  if (value === undefined || value === 'auto') return 'auto'
  if (value === 'container' || value === 'native') return value
  throw new HarnessError(
    'HARNESS_BAD_INPUT',
    `--peer-provider takes container, native or auto, not "${value}"`,
  )
}

export function peerOptionsFrom(values: {
  readonly 'peer-image'?: readonly string[] | undefined
  readonly 'peer-provider'?: string | undefined
}): PeerOptions {
  return {
    provider: parseProvider(values['peer-provider']),
    images: parsePeerImages(values['peer-image'] ?? []),
  }
}
