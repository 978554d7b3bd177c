// Apache Traffic Server as a real peer: natively (skips only where traffic_server
// is absent locally) and in the local peer image (skips where it or the engine is
// absent), in both roles: one GET through it reaches the harness origin, and as a
// forward proxy one CONNECT to the origin's port opens a tunnel a GET then crosses.
// The config is checked on what it renders: loopback bind, CONNECT ports, remap rule.
import { request } from 'node:http'
import type { Socket } from 'node:net'
import { describe, expect, it } from 'vitest'
import type { Role } from '../engine/model/roles.js'
import { raceTimeout } from '../net/deadline.js'
import { startOrigin } from '../origin/index.js'
import { LOCAL_PEER_IMAGE } from './images.js'
import { startPeer } from './start-peer.js'
import { containerAbsent, getThrough, nativeAbsent } from './test-kit.js'
import { trafficserver } from './trafficserver.js'
import type { ProviderKind } from './types.js'

/** CONNECT host:port through the proxy, then one GET inside the tunnel; the CONNECT status and the GET's answer. */
async function connectThrough(
  proxyPort: number,
  authority: string,
  path: string,
): Promise<{ status: number; answer: string }> {
  const exchange = new Promise<{ status: number; answer: string }>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: proxyPort, method: 'CONNECT', path: authority })
    req.once('connect', (res, socket: Socket) => {
      let answer = ''
      socket.setEncoding('latin1')
      socket.on('data', (chunk: string) => {
        answer += chunk
        if (answer.includes(`proxyspec origin: GET ${path}`)) {
          socket.destroy()
          resolve({ status: res.statusCode ?? 0, answer })
        }
      })
      socket.once('error', reject)
      socket.write(`GET ${path} HTTP/1.1\r\nHost: ${authority}\r\nConnection: close\r\n\r\n`)
    })
    req.once('error', reject)
    req.end()
  })
  const outcome = await raceTimeout('a tunnelled response through the peer', exchange, 5000)
  if ('kind' in outcome) throw new Error('no answer through the CONNECT tunnel within 5 s')
  return outcome
}

async function exercise(role: Role, provider: ProviderKind): Promise<void> {
  await using origin = await startOrigin()
  await using peer = await startPeer(
    'trafficserver',
    role,
    { origin, connectPorts: [443, origin.port] },
    { provider, images: { trafficserver: LOCAL_PEER_IMAGE } },
  )
  expect(peer.provider).toBe(provider)
  expect(peer.version).toMatch(/^Traffic Server \d+\.\d+/)
  const path = role === 'forward' ? `${origin.url}/ats-${role}` : `/ats-${role}`
  expect(await getThrough(peer.port, path)).toMatchObject({ status: 200 })
  const targets = origin.requests().map((r) => r.message.head.target)
  expect(targets, targets.join(', ')).toContain(`/ats-${role}`)
  if (role === 'forward') {
    const tunnel = await connectThrough(peer.port, `127.0.0.1:${origin.port}`, '/ats-tunnel')
    expect(tunnel.status).toBe(200)
    expect(tunnel.answer).toMatch(/^HTTP\/1\.1 200 /)
    // The GET inside the tunnel arrives as the client wrote it: ATS added no Via to it.
    const tunnelled = origin.requests().find((r) => r.message.head.target === '/ats-tunnel')
    expect(tunnelled?.message.head.headers.map((h) => h.name.toLowerCase())).not.toContain('via')
  }
}

describe('peer:trafficserver natively', () => {
  for (const role of trafficserver.roles) {
    it.skipIf(nativeAbsent(trafficserver))(`as ${role}`, () => exercise(role, 'native'))
  }
})

const noContainers = await containerAbsent(LOCAL_PEER_IMAGE)

describe(`peer:trafficserver in a container (${LOCAL_PEER_IMAGE})`, () => {
  for (const role of trafficserver.roles) {
    it.skipIf(noContainers)(`as ${role}`, () => exercise(role, 'container'), 60_000)
  }
})

describe('peer:trafficserver config', () => {
  const ports = { port: 4567, originHost: '127.0.0.1', originPort: 8080, connectPorts: [443, 9000] }
  const layout = { dir: '/tmp/ats-x', root: true, provider: 'native' as const }
  const file = (role: Role, name: string): string =>
    trafficserver.launch(role, ports, layout, 'traffic_server').files.find((f) => f.name === name)
      ?.content ?? ''

  it('binds 127.0.0.1 only, from a runroot in the private directory, caching nothing', () => {
    const records = file('forward', 'records.config')
    expect(records).toContain('proxy.config.http.server_ports STRING 4567:ipv4:ip-in=127.0.0.1')
    expect(records).toContain('proxy.config.http.cache.http INT 0')
    expect(records).toContain('proxy.config.admin.user_id STRING #-1')
    expect(file('forward', 'runroot.yaml')).toMatch(/^runtimedir: \/tmp\/ats-x$/m)
    expect(file('forward', 'storage.config')).not.toMatch(/^[^#]/m)
    expect(trafficserver.launch('forward', ports, layout, 'traffic_server').argv).toEqual([
      'traffic_server',
      '--run-root=/tmp/ats-x/runroot.yaml',
    ])
  })

  it('forward: no remap required, CONNECT to 443 and the run ports; reverse: every path onto the origin', () => {
    const forward = file('forward', 'records.config')
    expect(forward).toContain('proxy.config.url_remap.remap_required INT 0')
    expect(forward).toContain('proxy.config.http.connect_ports STRING 443 9000')
    expect(file('forward', 'remap.config')).not.toMatch(/^[^#]/m)
    expect(file('reverse', 'records.config')).toContain(
      'proxy.config.url_remap.remap_required INT 1',
    )
    expect(file('reverse', 'remap.config')).toMatch(/^map \/ http:\/\/127\.0\.0\.1:8080\/$/m)
    expect(() => trafficserver.launch('balancer', ports, layout, 'traffic_server')).toThrow(
      /plays the forward and reverse roles, not balancer/,
    )
  })
})
