import { X509Certificate } from 'node:crypto'
import { createServer as createTcpServer, type Server } from 'node:net'
import { createServer as createTlsServer } from 'node:tls'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ConnectionTracker, closeServer } from '../net/connection-tracker.js'
import { isTimeout } from '../net/deadline.js'
import { listenLoopback } from '../net/loopback.js'
import { createCertificateCorpus } from './certificate-factory.js'
import { probeTlsHandshake } from './tls-probe.js'
import type { OwnedCertificateCorpus } from './types.js'

describe('probeTlsHandshake', () => {
  let corpus: OwnedCertificateCorpus
  const servers: [Server, ConnectionTracker][] = []
  const serve = async (server: Server): Promise<number> => {
    const tracker = new ConnectionTracker()
    tracker.watch(server)
    servers.push([server, tracker])
    return (await listenLoopback(server)).port
  }

  beforeAll(async () => {
    corpus = await createCertificateCorpus()
  })
  afterAll(async () => {
    await Promise.all(servers.map(([server, tracker]) => closeServer(server, tracker)))
    corpus.dispose()
  })

  it('reports the certificate the server presented and that it verified', async () => {
    const leaf = corpus.leaf('valid')
    const port = await serve(createTlsServer({ cert: leaf.cert, key: leaf.key }))
    const result = await probeTlsHandshake({
      port,
      ca: corpus.ca.cert,
      rejectUnauthorized: true,
      timeoutMs: 5_000,
    })
    expect(result).toMatchObject({ kind: 'connected', authorized: true })
    if (result.kind !== 'connected') return
    expect(result.peer.fingerprint256).toBe(new X509Certificate(leaf.cert).fingerprint256)
    expect(result.peer.issuer).toBe('CN=proxyspec run CA')
  })

  it('turns a server that never answers the ClientHello into a timeout value', async () => {
    const port = await serve(createTcpServer())
    const result = await probeTlsHandshake({
      port,
      ca: corpus.ca.cert,
      rejectUnauthorized: true,
      timeoutMs: 100,
    })
    expect(isTimeout(result)).toBe(true)
  })
})
