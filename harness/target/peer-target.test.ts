// `proxyspec run --target peer:squid --role forward` and `--target peer:nginx
// --role reverse`, as the CLI makes them: the whole run, natively and in a
// container, with the peer's config and version in the target's stderr.
import { describe, expect, it } from 'vitest'
import type { Role } from '../model/roles.js'
import { LOCAL_PEER_IMAGE } from '../peers/images.js'
import { PEERS } from '../peers/catalog.js'
import { containerAbsent, nativeAbsent } from '../peers/test-kit.js'
import type { PeerName, ProviderKind } from '../peers/types.js'
import { executeRun } from '../runner/run.js'
import { allCases } from '../../suites/index.js'
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
