// The auth profiles of squid and Apache (--proxy-auth): started natively, each
// answers 407 with a Basic challenge without credentials and forwards with
// them; the files it was started with never hold the password.
import { request } from 'node:http'
import { describe, expect, it } from 'vitest'
import { raceTimeout } from '../net/deadline.js'
import { startOrigin } from '../origin/index.js'
import { PEERS } from './catalog.js'
import { startPeer } from './start-peer.js'
import { nativeAbsent } from './test-kit.js'

const CREDS = { user: 'alice', pass: 'pa:ss-4uth' }

async function get(
  port: number,
  path: string,
  headers: Record<string, string>,
): Promise<{ status: number; challenge: string | undefined }> {
  const exchange = new Promise<{ status: number; challenge: string | undefined }>(
    (resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path, headers, agent: false }, (res) => {
        res.resume()
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            challenge: res.headers['proxy-authenticate'],
          }),
        )
      })
      req.once('error', reject)
      req.end()
    },
  )
  const outcome = await raceTimeout('a response through the peer', exchange, 5000)
  if ('kind' in outcome) throw new Error('no response through the peer')
  return outcome
}

describe.each(['squid', 'apache'] as const)('%s forward auth profile', (name) => {
  it.skipIf(nativeAbsent(PEERS[name]))(
    'requires the credentials and forwards with them',
    async () => {
      await using origin = await startOrigin()
      const peer = await startPeer(
        name,
        'forward',
        { origin, connectPorts: [443], proxyAuth: CREDS },
        { provider: 'native' },
      )
      try {
        const path = `${origin.url}/auth-${name}`
        const refused = await get(peer.port, path, { Host: origin.authority })
        expect(refused.status).toBe(407)
        expect(refused.challenge).toMatch(/^Basic /i)
        const basic = Buffer.from(`${CREDS.user}:${CREDS.pass}`).toString('base64')
        const served = await get(peer.port, path, {
          Host: origin.authority,
          'Proxy-Authorization': `Basic ${basic}`,
        })
        expect(served.status).toBe(200)
        for (const file of peer.files) {
          expect(file.content).not.toContain(CREDS.pass)
          expect(file.content).not.toContain(basic)
        }
        expect(peer.files.map((f) => f.name)).toContain('htpasswd')
      } finally {
        await peer.close()
      }
    },
    30_000,
  )
})
