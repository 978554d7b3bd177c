// The real peers, started natively and in containers, each in every role it
// plays, with one request through it to the harness origin. Skips only where
// the binary or the engine is truly absent locally; never in CI. squid's two
// profiles (direct, chained) are checked on the config they produce.
import { describe, expect, it } from 'vitest'
import type { Role } from '../engine/model/roles.js'
import { startOrigin } from '../origin/index.js'
import { allCases } from '../../suites/index.js'
import { PEERS } from './catalog.js'
import {
  assertProfileRole,
  profileOnlyCases,
  profileRoles,
  resolveProfile,
  withoutNextHop,
} from './profiles.js'
import { lighttpd } from './lighttpd.js'
import { squid } from './squid.js'
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
    // nghttpx's http2-proxy mode sends the absolute form on to its backend (it expects a proxy there).
    const forms = [`/through-${name}`, ...(name === 'nghttpx' ? [path] : [])]
    const targets = origin.requests().map((r) => r.message.head.target)
    expect(
      targets.some((t) => forms.includes(t)),
      targets.join(', '),
    ).toBe(true)
  } finally {
    await peer.close()
  }
}

describe('native peers', () => {
  for (const name of PEER_NAMES) {
    // The TLS roles need the run's certificates: harness/engine/target/peer-target.test.ts runs them.
    // The default profile's roles (h2-front.test.ts runs the h2 profiles').
    const roles = profileRoles(PEERS[name], resolveProfile(PEERS[name]))
    for (const role of roles.filter((r) => r === 'forward' || r === 'reverse')) {
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
    ['nghttpx', 'reverse'],
    ['lighttpd', 'reverse'],
    ['varnish', 'reverse'],
    ['caddy', 'reverse'],
  ]
  for (const [name, role] of cases) {
    it.skipIf(noContainers)(`${name} as ${role}`, () => exercise(name, role, 'container'), 60_000)
  }
})

describe('squid profiles', () => {
  const ports = { port: 3128, originHost: '127.0.0.1', originPort: 8080, connectPorts: [443, 9000] }
  const layout = { dir: '/tmp/squid-x', root: false, provider: 'native' as const }
  const config = (nextHop?: { host: string; port: number }): string =>
    squid
      .launch('forward', nextHop === undefined ? ports : { ...ports, nextHop }, layout, 'squid')
      .files.map((f) => f.content)
      .join('\n')

  it('direct, the default, opens its tunnels itself: no cache_peer, no never_direct', () => {
    const direct = resolveProfile(squid)
    expect(direct?.name).toBe('direct')
    expect(withoutNextHop(squid, direct)).toMatch(
      /under peer:squid:direct squid opens .*; peer:squid:chained sends them on/,
    )
    expect(config()).not.toMatch(/cache_peer|never_direct/)
    expect(squid.templates('forward', direct)).not.toContain('squid/next-hop.conf')
  })

  it('chained sends its CONNECTs on to the next hop it is told, and plays forward only', () => {
    const chained = resolveProfile(squid, 'chained')
    expect(withoutNextHop(squid, chained)).toBeUndefined()
    expect(profileRoles(squid, chained)).toEqual(['forward'])
    expect(config({ host: '127.0.0.1', port: 4567 })).toContain(
      'cache_peer 127.0.0.1 parent 4567 0 no-query no-digest name=nexthop',
    )
    expect(squid.templates('forward', chained)).toContain('squid/next-hop.conf')
    expect(() => assertProfileRole(squid, chained, 'reverse')).toThrow(
      /peer:squid:chained cannot play the reverse role/,
    )
    expect(() => resolveProfile(squid, 'nope')).toThrow(
      /unknown profile "nope".*peer:squid:direct, peer:squid:chained/,
    )
  })

  it('in the matrix, chained adds only the cases direct cannot run (the chained CONNECT cases)', () => {
    const only = profileOnlyCases(squid, resolveProfile(squid, 'chained'), allCases())
    expect(only.map((c) => c.id).sort()).toEqual([
      'connect/chained-2xx-body-is-tunnel-data',
      'connect/chained-2xx-has-no-framing-headers',
      'connect/chained-connect-is-authority-form',
    ])
    expect(profileOnlyCases(squid, resolveProfile(squid), allCases())).toEqual([])
    // A peer without profiles is told the next hop as before; its config decides.
    expect(withoutNextHop(PEERS.tinyproxy, resolveProfile(PEERS.tinyproxy))).toBeUndefined()
  })
})

describe('lighttpd config', () => {
  const ports = { port: 8080, originHost: '127.0.0.1', originPort: 9090, connectPorts: [443] }
  const launch = (root: boolean) =>
    lighttpd.launch('reverse', ports, { dir: '/tmp/lt-x', root, provider: 'native' }, 'lighttpd')

  it('binds 127.0.0.1 on the port, proxies every path to the origin, keeps its files private', () => {
    const { files, argv, dirs } = launch(false)
    const conf = files[0]?.content ?? ''
    expect(conf).toContain('server.bind = "127.0.0.1"\nserver.port = 8080\n')
    expect(conf).toContain('proxy.server = ( "" => ( ( "host" => "127.0.0.1", "port" => 9090 ) ) )')
    expect(conf).toContain('server.pid-file = "/tmp/lt-x/lighttpd.pid"')
    expect(conf).toContain('server.upload-dirs = ( "/tmp/lt-x/uploads" )')
    expect(dirs).toEqual(['uploads'])
    expect(argv).toEqual(['lighttpd', '-D', '-f', '/tmp/lt-x/lighttpd.conf'])
  })

  it('drops to www-data only when started as root', () => {
    expect(launch(true).files[0]?.content).toMatch(
      /^server\.username = "www-data"\nserver\.groupname = "www-data"$/m,
    )
    expect(launch(false).files[0]?.content).not.toMatch(/^server\.username/m)
  })
})
