/**
 * A TLS-inspecting forward proxy
 * (the corporate "SSL inspection" box, mitmproxy in its default mode). It
 * answers CONNECT itself, terminates the client's TLS with a certificate of
 * its own that the client trusts (issued by the run CA), opens its own TLS
 * to the real server and relays the plaintext between the two. Everything
 * that is not a CONNECT goes to the reference forward proxy unchanged.
 * Only the certificate's fingerprint gives it away, which is what the
 * tunnel-integrity case checks (RFC 9110 §9.3.6: a tunnel relays octets).
 */
import { connect as netConnect, createServer, type Socket } from 'node:net'
import { connect as tlsConnect, createSecureContext, TLSSocket } from 'node:tls'
import { ConnectionTracker, closeServer } from '../../../harness/net/connection-tracker.js'
import { authorityOf, listenLoopback } from '../../../harness/net/loopback.js'
import { onceClose } from '../../../harness/net/started.js'
import { startReferenceProxy } from '../../../harness/reference/proxy/index.js'
import { splice } from '../../../harness/tls/splice.js'
import type { StartedGateway } from '../../../harness/reference/gateway/types.js'

export interface InterceptingProxyOptions {
  /** CONNECT allow-list of the reference proxy behind it. */
  readonly connectPorts: readonly number[]
  /** The certificate it forges with (a leaf the client trusts) and its key. */
  readonly cert: string
  readonly key: string
  /** The CA it trusts upstream. */
  readonly ca: string
}

const HEAD_END = Buffer.from('\r\n\r\n')

export async function startInterceptingProxy(
  options: InterceptingProxyOptions,
): Promise<StartedGateway> {
  const proxy = await startReferenceProxy({ mode: 'forward', connectPorts: options.connectPorts })
  const tracker = new ConnectionTracker()
  const secureContext = createSecureContext({ cert: options.cert, key: options.key })

  const intercept = (client: Socket, target: { host: string; port: number }): void => {
    client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
    const inside = new TLSSocket(client, { isServer: true, secureContext })
    tracker.add(inside)
    inside.on('error', () => inside.destroy())
    inside.once('secure', () => {
      const upstream = tlsConnect({
        host: target.host,
        port: target.port,
        servername: 'localhost',
        ca: options.ca,
      })
      tracker.add(upstream)
      upstream.once('secureConnect', () => splice(inside, upstream))
      upstream.once('error', () => inside.destroy())
    })
  }

  const accept = (client: Socket): void => {
    client.on('error', () => undefined)
    let head = Buffer.alloc(0)
    const onData = (chunk: Buffer): void => {
      head = Buffer.concat([head, chunk])
      const end = head.indexOf(HEAD_END)
      if (end === -1) return
      client.off('data', onData)
      client.pause()
      const match = /^CONNECT (127\.0\.0\.1|localhost):(\d+) HTTP\/1\.1\r\n/.exec(
        head.toString('latin1'),
      )
      if (match !== null && head.length === end + HEAD_END.length) {
        intercept(client, { host: '127.0.0.1', port: Number(match[2]) })
        return
      }
      const behind = netConnect({ host: proxy.host, port: proxy.port, allowHalfOpen: true })
      tracker.add(behind)
      behind.write(head)
      splice(client, behind)
      client.resume()
    }
    client.on('data', onData)
  }
  const server = createServer({ allowHalfOpen: true }, accept)
  tracker.watch(server)
  const address = await listenLoopback(server)
  const close = onceClose(async () => {
    await closeServer(server, tracker)
    await proxy.close()
  })
  return {
    host: address.address,
    port: address.port,
    authority: authorityOf(address.address, address.port),
    log: [],
    close,
    [Symbol.asyncDispose]: close,
  }
}
