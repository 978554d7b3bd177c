// The h2 profiles really speak HTTP/2 to the client and HTTP/1.1 to the
// harness origin: each peer in each role of its h2 profile, natively, with
// one HTTP/2 GET (prior knowledge on cleartext; TLS with ALPN h2 trusting the
// run CA for a terminator) answered 200, the origin receiving that GET; and,
// where the profile also declares h1, one HTTP/1.1 GET on the same port.
// Skips (with the missing binary named) only where the binary is absent locally.
import { describe, expect, it } from 'vitest'
import type { ConformanceCase } from '../engine/model/case.js'
import type { Role } from '../engine/model/roles.js'
import { openH2RawClient } from '../h2/index.js'
import { startOrigin } from '../origin/index.js'
import { getCertificateCorpus } from '../tls/index.js'
import { PEERS } from './catalog.js'
import { missingBinaryMessage } from './native-provider.js'
import {
  profileFronts,
  profileLabel,
  profileOnlyCases,
  profileRoles,
  resolveProfile,
  withoutNextHop,
} from './profiles.js'
import { startPeer } from './start-peer.js'
import { getThrough, nativeAbsent } from './test-kit.js'
import { allCases } from '../../suites/index.js'
import type { PeerName, PeerTls } from './types.js'

/** Each peer's profile that serves h2 (nghttpx's default, and its http2-proxy forward profile). */
const H2_PROFILES: readonly [PeerName, string][] = [
  ['nginx', 'h2'],
  ['haproxy', 'h2'],
  ['apache', 'h2'],
  ['caddy', 'h2'],
  ['nghttpx', 'h2'],
  ['nghttpx', 'forward'],
]

async function runTls(): Promise<PeerTls> {
  const corpus = await getCertificateCorpus()
  const leaf = corpus.leaf('via-intermediate')
  return {
    certPath: leaf.certPath,
    keyPath: leaf.keyPath,
    caPath: corpus.ca.certPath,
    // No case here reaches a TLS origin; the terminator configs do not name it.
    origin: { name: 'localhost', host: '127.0.0.1', port: 9 },
  }
}

async function h2Through(name: PeerName, profileName: string, role: Role): Promise<void> {
  const definition = PEERS[name]
  const profile = resolveProfile(definition, profileName)
  await using origin = await startOrigin()
  const tls = role === 'tls-terminator' ? await runTls() : undefined
  await using peer = await startPeer(
    name,
    role,
    { origin, profile: profileName, ...(tls === undefined ? {} : { tls }) },
    { provider: 'native' },
  )
  const path = `/h2-through-${name}-${role}`
  const ca = tls === undefined ? undefined : (await getCertificateCorpus()).ca.cert
  await using client = await openH2RawClient({
    host: peer.host,
    port: peer.port,
    id: 'c1',
    timeoutMs: 5000,
    ...(ca === undefined ? {} : { tls: { ca, servername: 'localhost' } }),
  })
  if (tls !== undefined) expect(client.alpnProtocol).toBe('h2')
  const id = await client.request(
    role === 'forward'
      ? { scheme: 'http', authority: `${origin.host}:${origin.port}`, path }
      : { authority: 'localhost', path },
  )
  const result = await client.waitForStreamEnd(id)
  expect(result, `${profileLabel(name, profile)} as ${role}:\n${peer.output()}`).toMatchObject({
    end: 'end-stream',
    status: '200',
  })
  const targets = origin.requests().map((r) => r.message.head.target)
  // A forward proxy in http2-proxy mode sends the absolute form on (nghttpx): the path ends it.
  expect(targets.some((t) => t === path || t.endsWith(`:${origin.port}${path}`))).toBe(true)
  expect(origin.requests().every((r) => r.message.head.version === 'HTTP/1.1')).toBe(true)

  if (tls === undefined && profileFronts(profile).includes('h1')) {
    const h1Path = `/h1-through-${name}-${role}`
    const answer = await getThrough(
      peer.port,
      role === 'forward' ? `http://${origin.host}:${origin.port}${h1Path}` : h1Path,
    )
    expect(answer).toMatchObject({ status: 200 })
  }
}

describe('h2 front profiles, native', () => {
  for (const [name, profileName] of H2_PROFILES) {
    const definition = PEERS[name]
    const profile = resolveProfile(definition, profileName)
    const absent = nativeAbsent(definition)
    for (const role of profileRoles(definition, profile)) {
      const title = `${profileLabel(name, profile)} as ${role}${absent ? ` (skipped: ${missingBinaryMessage(definition)})` : ''}`
      it.skipIf(absent)(title, () => h2Through(name, profileName, role), 30_000)
    }
  }

  it('every h2 profile declares the h2 front, and no default profile gains it', () => {
    for (const [name, profileName] of H2_PROFILES) {
      const definition = PEERS[name]
      expect(profileFronts(resolveProfile(definition, profileName))).toContain('h2')
      if (name !== 'nghttpx') expect(profileFronts(resolveProfile(definition))).toEqual(['h1'])
    }
  })
})

describe('h2 profiles in runs and the matrix', () => {
  const h1Case = allCases().find((c) => (c.front ?? 'h1') === 'h1' && c.needs === undefined)!
  const h2Case: ConformanceCase = { ...h1Case, id: 'h2/example', front: 'h2' }

  it('an h2 profile adds only the h2 cases to its peer default (each case once per peer and role)', () => {
    for (const name of ['nginx', 'haproxy', 'apache', 'caddy'] as const) {
      const definition = PEERS[name]
      expect(
        profileOnlyCases(definition, resolveProfile(definition, 'h2'), [h1Case, h2Case]),
      ).toEqual([h2Case])
      expect(profileOnlyCases(definition, resolveProfile(definition), [h1Case, h2Case])).toEqual([])
    }
  })

  it('nghttpx:forward adds no case to the matrix (its one backend is the harness origin)', () => {
    const forward = resolveProfile(PEERS.nghttpx, 'forward')
    expect(profileOnlyCases(PEERS.nghttpx, forward, [h1Case, h2Case])).toEqual([])
  })

  it('a default that existed before its peer had profiles keeps the label peer:NAME', () => {
    expect(profileLabel('nginx', resolveProfile(PEERS.nginx))).toBe('peer:nginx')
    expect(profileLabel('nginx', resolveProfile(PEERS.nginx, 'h1'))).toBe('peer:nginx')
    expect(profileLabel('nginx', resolveProfile(PEERS.nginx, 'h2'))).toBe('peer:nginx:h2')
    expect(profileLabel('squid', resolveProfile(PEERS.squid))).toBe('peer:squid:direct')
    // Caddy's default (h1, once "balancer") plays every role over HTTP/1.1, still peer:caddy.
    expect(profileLabel('caddy', resolveProfile(PEERS.caddy))).toBe('peer:caddy')
    expect(profileRoles(PEERS.caddy, resolveProfile(PEERS.caddy))).toEqual([
      'balancer',
      'reverse',
      'tls-terminator',
    ])
    expect(profileRoles(PEERS.apache, resolveProfile(PEERS.apache))).not.toContain('tls-terminator')
    // Told the next hop as before; nghttpx is not (its one backend is the origin).
    expect(withoutNextHop(PEERS.nginx, resolveProfile(PEERS.nginx))).toBeUndefined()
    expect(withoutNextHop(PEERS.nghttpx, resolveProfile(PEERS.nghttpx))).toMatch(/nghttpx/)
  })

  it('the h2 directives are in the h2 configs only', () => {
    const ports = { port: 8443, originHost: '127.0.0.1', originPort: 8080, connectPorts: [443] }
    const layout = { dir: '/tmp/peer-x', root: false, provider: 'native' as const }
    const config = (name: PeerName, role: Role, profile?: string): string =>
      PEERS[name]
        .launch(role, { ...ports, profile: resolveProfile(PEERS[name], profile)! }, layout, name)
        .files.map((f) => f.content)
        .join('\n')
    expect(config('nginx', 'reverse')).toContain('listen 127.0.0.1:8443;')
    expect(config('nginx', 'reverse', 'h2')).toContain('listen 127.0.0.1:8443 http2;')
    expect(config('apache', 'reverse')).not.toMatch(/^(Protocols|H2Direct|LoadModule http2)/m)
    expect(config('apache', 'reverse', 'h2')).toMatch(/Protocols h2 h2c http\/1\.1\nH2Direct on/)
    expect(config('caddy', 'reverse')).toMatch(/^ +protocols h1$/m)
    expect(config('caddy', 'reverse', 'h2')).toMatch(/^ +protocols h1 h2 h2c$/m)
  })
})
