// Each real peer as a load balancer over three harness backends: twelve
// requests through it reach at least two backends (in an exact cycle where
// the declared profile is round robin on one worker), and its active checks
// reach the backends' health path. Skips only where the binary is absent
// locally; never in CI.
import { describe, expect, it } from 'vitest'
import { startBackends } from '../backends/index.js'
import { lbRequest, parseLbResponse } from '../backends/lb-id.js'
import type { StartedBackends } from '../backends/types.js'
import { openRawClient } from '../client/index.js'
import { isTimeout } from '../net/deadline.js'
import { TranscriptRecorder } from '../net/transcript.js'
import { PEERS } from './catalog.js'
import { LOCAL_PEER_IMAGE } from './images.js'
import { balancerProfileOf, startBalancerPeer } from './start-balancer.js'
import { containerAbsent, nativeAbsent } from './test-kit.js'
import type { PeerName, ProviderKind, StartedPeer } from './types.js'

const BALANCERS: readonly PeerName[] = ['nginx', 'haproxy', 'apache', 'varnish', 'caddy']
const REQUESTS = 12

async function start(
  name: PeerName,
  backends: StartedBackends,
  provider: ProviderKind = 'native',
): Promise<StartedPeer> {
  const profile = balancerProfileOf(name)
  if (profile === undefined) throw new Error(`no profile for ${name}`)
  return startBalancerPeer(
    name,
    {
      origins: backends.primaries.map((b) => ({ host: b.host, port: b.port })),
      backups: [],
      profile,
      healthPath: backends.healthPath,
    },
    { provider, images: { [name]: LOCAL_PEER_IMAGE } },
  )
}

/** One request per connection; the backend that answered each, in order. */
async function send(peer: StartedPeer): Promise<(string | undefined)[]> {
  const transcript = new TranscriptRecorder()
  const answered: (string | undefined)[] = []
  for (let k = 1; k <= REQUESTS; k += 1) {
    await using client = await openRawClient({
      host: peer.host,
      port: peer.port,
      id: `c${k}`,
      timeoutMs: 5000,
      transcript,
    })
    await client.write(lbRequest(`r${k}`))
    const result = await client.readResponse()
    if (result.kind !== 'response') throw new Error(`request r${k}: ${result.kind}`)
    const response = parseLbResponse(result.message)
    expect(response).toMatchObject({ status: 200, id: `r${k}` })
    answered.push(response.backend)
  }
  return answered
}

describe('real peers as load balancers', () => {
  for (const name of BALANCERS) {
    it.skipIf(nativeAbsent(PEERS[name]))(
      `${name} balances over three backends`,
      async () => {
        await using backends = await startBackends({ primaries: 3 })
        await using peer = await start(name, backends)
        const profile = balancerProfileOf(name)
        const active = profile?.active
        if (active !== undefined) {
          // Warm (§12.2.5): two checks per backend, so one that starts down has risen.
          const within = active.interval_ms * 2 * 3 + 3000
          for (const backend of backends.primaries) {
            const checks = await backend.waitForHealthChecks(2, within)
            if (isTimeout(checks)) throw new Error(`${backend.name}: no health checks`)
            expect(checks[0]?.target).toBe(backends.healthPath)
          }
        }
        const answered = await send(peer)
        expect(new Set(answered).size).toBeGreaterThanOrEqual(2)
        expect(backends.primaries.reduce((n, b) => n + b.requests.length, 0)).toBe(REQUESTS)
        if (profile?.policy === 'round-robin' && profile.workers === 1) {
          // Round robin on one worker is periodic: request k and k+3 meet the same backend.
          expect(new Set(answered.slice(0, 3)).size).toBe(3)
          answered.slice(3).forEach((b, k) => expect(b, `request ${k + 4}`).toBe(answered[k]))
        }
      },
      30_000,
    )
  }
})

const noContainers = await containerAbsent(LOCAL_PEER_IMAGE)

describe(`load balancers in containers (${LOCAL_PEER_IMAGE})`, () => {
  for (const name of BALANCERS) {
    it.skipIf(noContainers)(
      `${name} balances over three backends`,
      async () => {
        await using backends = await startBackends({ primaries: 3 })
        await using peer = await start(name, backends, 'container')
        expect(peer.provider).toBe('container')
        expect(new Set(await send(peer)).size).toBe(3)
      },
      60_000,
    )
  }
})

describe('startBalancerPeer', () => {
  it('refuses a peer without a balancer config', async () => {
    const input = {
      origins: [{ host: '127.0.0.1', port: 9 }],
      backups: [],
      profile: { policy: 'round-robin' as const },
      healthPath: '/healthz',
    }
    await expect(startBalancerPeer('squid', input)).rejects.toThrow(
      /peer:squid has no balancer config/,
    )
    expect(balancerProfileOf('tinyproxy')).toBeUndefined()
  })
})
