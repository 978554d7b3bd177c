// `proxyspec run --role ftp-gateway` end to end: the reference, and squid and
// Apache (native and in the container image), on the smoke case of the
// ftp-gateway suite, in the modes each offers.
import { describe, expect, it } from 'vitest'
import type { FtpMode } from '../model/roles.js'
import { LOCAL_PEER_IMAGE } from '../../peers/images.js'
import { PEERS } from '../../peers/catalog.js'
import { containerAbsent, nativeAbsent } from '../../peers/test-kit.js'
import type { ProviderKind } from '../../peers/types.js'
import { executeRun } from '../runner/run.js'
import { allCases } from '../../../suites/index.js'
import { parseTarget } from './target-spec.js'

async function smoke(
  target: string,
  ftpMode: FtpMode,
  provider?: ProviderKind,
): Promise<readonly string[]> {
  const run = await executeRun(
    {
      target: parseTarget(target),
      roles: ['ftp-gateway'],
      selection: { suites: [], cases: ['ftp-gateway/retrieves-a-binary-file-byte-exact'] },
      ftpMode,
      ...(provider === undefined
        ? {}
        : { peer: { provider, images: { squid: LOCAL_PEER_IMAGE, apache: LOCAL_PEER_IMAGE } } }),
    },
    allCases(),
  )
  return run.results.map((r) => `${r.id} ${r.verdict.status}`)
}

const PASSED = ['ftp-gateway/retrieves-a-binary-file-byte-exact pass']
const noContainers = await containerAbsent(LOCAL_PEER_IMAGE)

describe('run --role ftp-gateway', () => {
  it('builtin:reference passes the smoke case in forward mode and refuses reverse mode', async () => {
    expect(await smoke('builtin:reference', 'forward')).toEqual(PASSED)
    await expect(smoke('builtin:reference', 'reverse')).rejects.toThrow(
      /builtin:reference is an ftp-gateway in forward mode only/,
    )
  })

  it('a run that names no suite leaves the HTTP suites out instead of listing them not applicable', async () => {
    const run = await executeRun(
      {
        target: parseTarget('builtin:reference'),
        roles: ['ftp-gateway'],
        selection: { suites: [], cases: [] },
      },
      allCases(),
    )
    expect(new Set(run.results.map((r) => r.suite))).toEqual(new Set(['ftp-gateway']))
  })

  it.skipIf(nativeAbsent(PEERS.squid))('squid, native, forward; reverse is refused', async () => {
    expect(await smoke('peer:squid', 'forward', 'native')).toEqual(PASSED)
    await expect(smoke('peer:squid', 'reverse', 'native')).rejects.toThrow(
      /peer:squid cannot be an ftp-gateway in reverse mode/,
    )
  })
  it.skipIf(nativeAbsent(PEERS.apache))('apache, native, forward and reverse', async () => {
    expect(await smoke('peer:apache', 'forward', 'native')).toEqual(PASSED)
    expect(await smoke('peer:apache', 'reverse', 'native')).toEqual(PASSED)
  })
  it.skipIf(noContainers)(
    'squid and apache in the container image',
    async () => {
      expect(await smoke('peer:squid', 'forward', 'container')).toEqual(PASSED)
      expect(await smoke('peer:apache', 'forward', 'container')).toEqual(PASSED)
      expect(await smoke('peer:apache', 'reverse', 'container')).toEqual(PASSED)
    },
    90_000,
  )
})
