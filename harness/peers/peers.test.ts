// The real peers, started natively and in containers, each in every role it
// plays, with one request through it to the harness origin. Skips only where
// the binary or the engine is truly absent locally; never in CI.
import { describe, expect, it } from 'vitest'
import type { Role } from '../model/roles.js'
import { startOrigin } from '../origin/index.js'
import { PEERS } from './catalog.js'
import { LOCAL_PEER_IMAGE } from './images.js'
import { startPeer } from './start-peer.js'
import { containerAbsent, getThrough, nativeAbsent } from './test-kit.js'
import { PEER_NAMES, type PeerName, type ProviderKind } from './types.js'

async function exercise(name: PeerName, role: Role, provider: ProviderKind): Promise<void> {
  await using origin = await startOrigin()
  const peer = await startPeer(
    name,
    role,
    { origin, connectPorts: [443] },
    { provider, images: { [name]: LOCAL_PEER_IMAGE } },
  )
  try {
    expect(peer.provider).toBe(provider)
    expect(peer.host).toBe('127.0.0.1')
    expect(peer.version).not.toBe('unknown version')
    const path = role === 'forward' ? `${origin.url}/through-${name}` : `/through-${name}`
    const answer = await getThrough(peer.port, path)
    expect(answer).toMatchObject({ status: 200 })
    expect(origin.requests().map((r) => r.message.head.target)).toContain(`/through-${name}`)
  } finally {
    await peer.close()
  }
}

describe('native peers', () => {
  for (const name of PEER_NAMES) {
    // The TLS roles need the run's certificates: harness/target/peer-target.test.ts runs them.
    for (const role of PEERS[name].roles.filter((r) => r === 'forward' || r === 'reverse')) {
      it.skipIf(nativeAbsent(PEERS[name]))(`${name} as ${role}`, () =>
        exercise(name, role, 'native'),
      )
    }
  }
})

const noContainers = await containerAbsent(LOCAL_PEER_IMAGE)

describe(`peers in containers (${LOCAL_PEER_IMAGE})`, () => {
  const cases: [PeerName, Role][] = [
    ['nginx', 'reverse'],
    ['squid', 'forward'],
  ]
  for (const [name, role] of cases) {
    it.skipIf(noContainers)(`${name} as ${role}`, () => exercise(name, role, 'container'), 60_000)
  }
})
