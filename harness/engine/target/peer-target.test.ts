// `proxyspec run --target peer:squid --role forward` and `--target peer:nginx
// --role reverse`, as the CLI makes them: the whole run, natively and in a
// container, with the peer's config and version in the target's stderr.
import { describe, expect, it } from 'vitest'
import type { Role } from '../model/roles.js'
import { LOCAL_PEER_IMAGE } from '../../peers/images.js'
import { PEERS } from '../../peers/catalog.js'
import { containerAbsent, nativeAbsent } from '../../peers/test-kit.js'
import type { PeerName, ProviderKind } from '../../peers/types.js'
import type { RunResult } from '../model/run-result.js'
import { executeRun } from '../runner/run.js'
import { allCases } from '../../../suites/index.js'
import { parseTarget } from './target-spec.js'

async function runOn(
  name: PeerName,
  role: Role,
  provider: ProviderKind,
  suite = 'keep-alive',
): Promise<void> {
  const run = await executeRun(
    {
      target: parseTarget(`peer:${name}`),
      roles: [role],
      selection: { suites: [suite], cases: [] },
      peer: { provider, images: { [name]: LOCAL_PEER_IMAGE } },
    },
    allCases(),
  )
  expect(run.target).toMatchObject({ kind: 'peer', label: `peer:${name}`, roles: [role] })
  const ran = run.results.filter((r) => r.verdict.status !== 'not-applicable')
  expect(ran.length).toBeGreaterThan(0)
  // Verdicts about the peer, never a harness breakdown.
  expect(ran.filter((r) => r.verdict.status === 'error')).toEqual([])
  expect(run.target.stderr).toContain(`peer ${name} (${role}) on 127.0.0.1:`)
  expect(run.target.stderr).toContain(provider === 'native' ? 'natively' : LOCAL_PEER_IMAGE)
  // The config as run, with the port the harness allocated.
  expect(run.target.stderr).toMatch(/(listen|http_port|bind) 127\.0\.0\.1:\d+/)
}

const noContainers = await containerAbsent(LOCAL_PEER_IMAGE)

describe('run --target peer:NAME', () => {
  it.skipIf(nativeAbsent(PEERS.squid))('squid --role forward, native', () =>
    runOn('squid', 'forward', 'native'),
  )
  it.skipIf(nativeAbsent(PEERS.nginx))('nginx --role reverse, native', () =>
    runOn('nginx', 'reverse', 'native'),
  )
  it.skipIf(nativeAbsent(PEERS.nginx))('nginx --role tls-terminator, native', () =>
    runOn('nginx', 'tls-terminator', 'native', 'tls'),
  )
  it.skipIf(nativeAbsent(PEERS.nginx))('nginx --role tls-originator, native', () =>
    runOn('nginx', 'tls-originator', 'native', 'tls'),
  )
  it.skipIf(nativeAbsent(PEERS.haproxy))(
    'haproxy --role tls-terminator, native (key and certificate linked, not copied)',
    () => runOn('haproxy', 'tls-terminator', 'native', 'tls'),
  )
  it.skipIf(nativeAbsent(PEERS.haproxy))('haproxy --role tls-originator, native', () =>
    runOn('haproxy', 'tls-originator', 'native', 'tls'),
  )
  it.skipIf(noContainers)(
    'nginx --role tls-terminator, container (the run certificates mounted read-only)',
    () => runOn('nginx', 'tls-terminator', 'container', 'tls'),
    60_000,
  )
  it.skipIf(noContainers)(
    'squid --role forward, container',
    () => runOn('squid', 'forward', 'container'),
    60_000,
  )
  it.skipIf(noContainers)(
    'nginx --role reverse, container',
    () => runOn('nginx', 'reverse', 'container'),
    60_000,
  )
})

describe('run --target peer:squid:PROFILE', () => {
  const chainedIds = (run: RunResult): string[] =>
    run.results
      .filter((r) => r.id.startsWith('connect/chained-') && r.verdict.status !== 'not-applicable')
      .map((r) => r.id)
  const runProfile = (target: string): Promise<RunResult> =>
    executeRun(
      {
        target: parseTarget(target),
        roles: [],
        selection: {
          suites: [],
          cases: ['connect/chained-*', 'connect/2xx-has-no-framing-headers'],
        },
        peer: { provider: 'native' },
      },
      allCases(),
    )

  it.skipIf(nativeAbsent(PEERS.squid))(
    'peer:squid is direct: no cache_peer, the chained cases not applicable with the reason',
    async () => {
      const run = await runProfile('peer:squid')
      expect(run.target.roles).toEqual(['forward', 'reverse', 'ftp-gateway'])
      expect(run.target.stderr).not.toContain('name=nexthop')
      expect(chainedIds(run)).toEqual([])
      const chained = run.results.find((r) => r.id === 'connect/chained-connect-is-authority-form')
      expect(chained?.verdict.message).toMatch(
        /needs the harness next hop: under peer:squid:direct squid opens its CONNECT tunnels itself/,
      )
      const own = run.results.find((r) => r.id === 'connect/2xx-has-no-framing-headers')
      expect(own?.verdict.status).toBe('pass')
    },
  )

  it.skipIf(nativeAbsent(PEERS.squid))(
    'peer:squid:chained plays forward, told the next hop, and runs the chained cases',
    async () => {
      const run = await runProfile('peer:squid:chained')
      expect(run.target.roles).toEqual(['forward'])
      expect(run.target.stderr).toMatch(/cache_peer 127\.0\.0\.1 parent \d+ .* name=nexthop/)
      expect(chainedIds(run)).toHaveLength(3)
    },
  )
})
