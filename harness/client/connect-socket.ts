import { connect as netConnect, type Socket } from 'node:net'
import {
  connect as tlsConnect,
  type ConnectionOptions,
  type SecureVersion,
  type TLSSocket,
} from 'node:tls'
import { isTimeout, raceTimeout } from '../net/deadline.js'
import { HarnessError } from '../net/errors.js'
import { authorityOf } from '../net/loopback.js'

/** The TLS settings a raw client may use (a subset of tls.ConnectionOptions). */
export interface RawClientTlsOptions {
  /** SNI. @default the host, when it is a name and not an IP literal (Node's rule) */
  readonly servername?: string
  /** Trusted CAs (the run CA). @default Node's bundled roots */
  readonly ca?: string | Buffer | readonly (string | Buffer)[]
  /** @default true: a case that must accept a bad certificate reads `authorized` from the 'tls' event instead */
  readonly rejectUnauthorized?: boolean
  readonly ALPNProtocols?: readonly string[]
  readonly minVersion?: SecureVersion
  readonly maxVersion?: SecureVersion
}

export interface SocketTarget {
  readonly host: string
  readonly port: number
  readonly tls?: RawClientTlsOptions
}

/** Starts connecting; half-open allowed, so a peer's FIN leaves our side writable. */
export function createClientSocket(target: SocketTarget): Socket {
  const { host, port, tls } = target
  const socket =
    tls === undefined
      ? netConnect({ host, port, allowHalfOpen: true })
      : tlsConnect(tlsOptions(host, port, tls))
  // One write, one segment (as far as Node allows): fragment cases rely on it.
  socket.setNoDelay(true)
  return socket
}

function tlsOptions(host: string, port: number, tls: RawClientTlsOptions): ConnectionOptions {
  // tls.connect passes allowHalfOpen to its TLSSocket; @types/node does not declare it.
  const options: ConnectionOptions & { allowHalfOpen: boolean } = {
    host,
    port,
    allowHalfOpen: true,
  }
  if (tls.servername !== undefined) options.servername = tls.servername
  if (tls.ca !== undefined)
    options.ca = typeof tls.ca === 'string' || Buffer.isBuffer(tls.ca) ? tls.ca : [...tls.ca]
  if (tls.rejectUnauthorized !== undefined) options.rejectUnauthorized = tls.rejectUnauthorized
  if (tls.ALPNProtocols !== undefined) options.ALPNProtocols = [...tls.ALPNProtocols]
  if (tls.minVersion !== undefined) options.minVersion = tls.minVersion
  if (tls.maxVersion !== undefined) options.maxVersion = tls.maxVersion
  return options
}

/**
 * Resolves once `socket` is connected (TLS: once the handshake is done);
 * rejects with HARNESS_TARGET_UNREACHABLE on an error, the timeout or abort,
 * and destroys the socket then. The TLS error (an alert, a failed
 * verification) is the `cause`, for cases that judge the handshake itself.
 */
export async function whenConnected(
  socket: Socket,
  target: SocketTarget,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<void> {
  const authority = authorityOf(target.host, target.port)
  const event = target.tls === undefined ? 'connect' : 'secureConnect'
  let onError: ((error: Error) => void) | undefined
  const ready = new Promise<void>((resolve, reject) => {
    onError = reject
    socket.once(event, () => resolve())
    socket.once('error', onError)
  })
  try {
    const outcome = await raceTimeout(`a connection to ${authority}`, ready, timeoutMs, signal)
    if (isTimeout(outcome)) {
      throw new HarnessError(
        'HARNESS_TARGET_UNREACHABLE',
        `no connection to ${authority} within ${Math.round(outcome.afterMs)} ms`,
      )
    }
  } catch (error) {
    socket.destroy()
    if (error instanceof HarnessError) throw error
    const code = (error as NodeJS.ErrnoException).code
    throw new HarnessError(
      'HARNESS_TARGET_UNREACHABLE',
      `cannot connect to ${authority}: ${code ?? (error as Error).message}`,
      { cause: error },
    )
  } finally {
    if (onError !== undefined) socket.off('error', onError)
  }
}

/** The 'tls' event detail: what was negotiated and whether the peer's certificate was trusted. */
export function tlsDetail(socket: TLSSocket): string {
  const parts = [
    `protocol=${socket.getProtocol() ?? 'unknown'}`,
    `cipher=${socket.getCipher().name}`,
    `authorized=${socket.authorized}`,
  ]
  if (!socket.authorized) parts.push(`authorizationError=${String(socket.authorizationError)}`)
  if (typeof socket.alpnProtocol === 'string') parts.push(`alpn=${socket.alpnProtocol}`)
  return parts.join(' ')
}
