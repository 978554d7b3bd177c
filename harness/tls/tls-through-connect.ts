/**
 * A TLS handshake with a server behind an HTTP proxy's CONNECT tunnel (RFC
 * 9110 §9.3.6), to see which certificate arrives at the client end: a blind
 * tunnel delivers the server's own, an intercepting proxy its own.
 */
import { connect as netConnect } from 'node:net'
import { connect, type TLSSocket } from 'node:tls'
import { raceTimeout, type TimeoutValue } from '../net/deadline.js'
import { authorityOf } from '../net/loopback.js'

export type TunnelTlsResult =
  /** The proxy refused the CONNECT: its status line. */
  | { readonly kind: 'refused'; readonly status: string }
  | { readonly kind: 'failed'; readonly error: string }
  | {
      readonly kind: 'connected'
      readonly fingerprint256: string
      readonly subject: string
      readonly issuer: string
      readonly authorized: boolean
    }
  | TimeoutValue

const HEAD_END = Buffer.from('\r\n\r\n')

export async function handshakeThroughConnect(options: {
  readonly proxy: { readonly host: string; readonly port: number }
  readonly target: { readonly host: string; readonly port: number }
  readonly servername: string
  readonly ca: string
  readonly timeoutMs: number
}): Promise<TunnelTlsResult> {
  const raw = netConnect({ host: options.proxy.host, port: options.proxy.port })
  let tls: TLSSocket | undefined
  const authority = authorityOf(options.target.host, options.target.port)
  const outcome = new Promise<TunnelTlsResult>((resolve) => {
    let head = Buffer.alloc(0)
    raw.once('error', (error: NodeJS.ErrnoException) =>
      resolve({ kind: 'failed', error: error.code ?? error.message }),
    )
    raw.once('close', () => resolve({ kind: 'failed', error: 'the proxy closed the connection' }))
    raw.once('connect', () => {
      raw.write(`CONNECT ${authority} HTTP/1.1\r\nHost: ${authority}\r\n\r\n`)
    })
    const onData = (chunk: Buffer): void => {
      head = Buffer.concat([head, chunk])
      const end = head.indexOf(HEAD_END)
      if (end === -1) return
      raw.off('data', onData)
      raw.pause()
      const status = head.subarray(0, head.indexOf('\r\n')).toString('latin1')
      if (!/^HTTP\/1\.[01] 2\d\d/.test(status)) {
        resolve({ kind: 'refused', status })
        return
      }
      // A TLS server speaks second: nothing may follow the 2xx head before our ClientHello.
      if (head.length > end + HEAD_END.length) {
        resolve({ kind: 'failed', error: 'bytes arrived in the tunnel before the ClientHello' })
        return
      }
      tls = connect({
        socket: raw,
        servername: options.servername,
        ca: options.ca,
        rejectUnauthorized: false,
      })
      tls.once('error', (error: NodeJS.ErrnoException) =>
        resolve({ kind: 'failed', error: error.code ?? error.message }),
      )
      tls.once('secureConnect', () => {
        const cert = tls?.getPeerX509Certificate()
        resolve({
          kind: 'connected',
          fingerprint256: cert?.fingerprint256 ?? '',
          subject: cert?.subject ?? '',
          issuer: cert?.issuer ?? '',
          authorized: tls?.authorized ?? false,
        })
      })
    }
    raw.on('data', onData)
  })
  try {
    return await raceTimeout(
      `a TLS handshake through CONNECT ${authority}`,
      outcome,
      options.timeoutMs,
    )
  } finally {
    tls?.destroy()
    raw.destroy()
  }
}
