import { createServer, type TLSSocket } from 'node:tls'
import { generate } from 'selfsigned'
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { ConnectionTracker, closeServer } from '../net/connection-tracker.js'
import { isHarnessError } from '../net/errors.js'
import { listenLoopback } from '../net/loopback.js'
import { Scope } from '../net/started.js'
import { TranscriptRecorder } from '../net/transcript.js'
import { openRawClient } from './raw-client.js'

// A throwaway self-signed leaf for this test only; cases get theirs from harness/tls.
let pems: { cert: string; key: string }
beforeAll(async () => {
  const generated = await generate([{ name: 'commonName', value: 'localhost' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    extensions: [{ name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }] }],
  })
  pems = { cert: generated.cert, key: generated.private }
})

let scope: Scope
beforeEach(() => {
  scope = new Scope()
})
afterEach(async () => {
  await scope.close()
})

/** A TLS server that answers "pong" to whatever it reads, and its own FIN after the client's. */
async function startTlsPong(): Promise<number> {
  const tracker = new ConnectionTracker()
  const server = createServer(
    { cert: pems.cert, key: pems.key, allowHalfOpen: true },
    (socket: TLSSocket) => {
      socket.on('data', () => socket.write('pong'))
      socket.on('end', () => socket.end())
      socket.on('error', () => undefined)
    },
  )
  tracker.watch(server)
  const { port } = await listenLoopback(server)
  scope.defer(() => closeServer(server, tracker))
  return port
}

describe('openRawClient over TLS', () => {
  it('resolves once secure, records the handshake, and half-closes like TCP', async () => {
    const port = await startTlsPong()
    const transcript = new TranscriptRecorder()
    const client = scope.use(
      await openRawClient({
        host: '127.0.0.1',
        port,
        id: 'c1',
        transcript,
        tls: { servername: 'localhost', ca: pems.cert, ALPNProtocols: ['http/1.1'] },
      }),
    )
    const tls = transcript.events().find((e) => e.type === 'tls')
    expect(tls?.detail).toMatch(/^protocol=TLSv1\.3 cipher=\S+ authorized=true$/)
    await client.write('ping')
    expect((await client.readBytes(4)).data.toString()).toBe('pong')
    await client.end()
    expect(await client.waitForClose()).toEqual({ kind: 'eof' })
    await client.close()
    expect(transcript.events().map((e) => e.type)).toEqual([
      'open',
      'tls',
      'data',
      'data',
      'end',
      'end',
      'close',
    ])
  })

  it('records an untrusted certificate when asked not to reject it', async () => {
    const port = await startTlsPong()
    const transcript = new TranscriptRecorder()
    scope.use(
      await openRawClient({
        host: '127.0.0.1',
        port,
        id: 'c1',
        transcript,
        tls: { rejectUnauthorized: false },
      }),
    )
    const tls = transcript.events().find((e) => e.type === 'tls')
    expect(tls?.detail).toContain('authorized=false authorizationError=DEPTH_ZERO_SELF_SIGNED_CERT')
  })

  it('rejects with HARNESS_TARGET_UNREACHABLE, the TLS error as cause, when verification fails', async () => {
    const port = await startTlsPong()
    const opening = openRawClient({
      host: '127.0.0.1',
      port,
      id: 'c1',
      transcript: new TranscriptRecorder(),
      tls: { servername: 'localhost' },
    })
    const error: unknown = await opening.catch((e: unknown) => e)
    expect(isHarnessError(error, 'HARNESS_TARGET_UNREACHABLE')).toBe(true)
    expect(((error as Error).cause as NodeJS.ErrnoException).code).toBe(
      'DEPTH_ZERO_SELF_SIGNED_CERT',
    )
  })
})
