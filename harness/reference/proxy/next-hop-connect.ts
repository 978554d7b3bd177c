/**
 * The proxy as the CONNECT client of a next-hop proxy (RFC 9110 §9.3.6,
 * RFC 9112 §3.2.3): send `CONNECT host:port` with Host, read the next hop's
 * answer, and treat everything after a 2xx header block as tunnel data: a
 * Content-Length or Transfer-Encoding in that 2xx is ignored (RFC 9112 §6.3
 * rule 2, CONNECT-04).
 */
import type { Socket } from 'node:net'
import { HarnessError } from '../../net/errors.js'
import { createResponseParser } from '../../wire/parser.js'
import type { RequestHead, ResponseHead } from '../../wire/types.js'
import { loopbackAddress } from './request-target.js'
import { simpleResponse } from './simple-response.js'
import { SocketReader } from './socket-reader.js'
import { writeAll } from './socket-io.js'
import type { ConnectSteps } from './steps/connect.js'

/** What a next hop made of our CONNECT. */
export type NextHopResult =
  | { readonly kind: 'tunnel'; readonly head: ResponseHead; readonly tunnelData: Buffer }
  /** `response` is the answer for our own client (framed, Connection: close). */
  | { readonly kind: 'refused'; readonly response: Buffer }

/** The CONNECT we send on: authority-form with the port, Host, and nothing of the client's credentials. */
export function nextHopConnect(authority: string): Buffer {
  return Buffer.from(`CONNECT ${authority} HTTP/1.1\r\nHost: ${authority}\r\n\r\n`, 'latin1')
}

/**
 * What follows a next hop's 2xx to CONNECT: all of it is tunnel data, whatever
 * its Content-Length or Transfer-Encoding say (RFC 9112 §6.3 rule 2, CONNECT-04).
 */
export function nextHopTunnelData(_head: ResponseHead, after: Buffer): Buffer {
  return after
}

/** The steps the CONNECT to a next hop is made of. */
export type NextHopSteps = Pick<ConnectSteps, 'nextHopConnect' | 'nextHopTunnelData'>

/**
 * Asks the next hop on `socket` for a tunnel to `request.authority`. Waits at
 * most `connectTimeoutMs` of silence for its answer (504 after that); a
 * refusal or a broken answer becomes our own framed error response.
 */
export async function openNextHopTunnel(
  socket: Socket,
  request: { readonly authority: string; readonly head: RequestHead },
  options: { readonly connectTimeoutMs: number; readonly steps: NextHopSteps },
): Promise<NextHopResult> {
  const refused = (status: number, text: string): NextHopResult => ({
    kind: 'refused',
    response: simpleResponse({ status, text, close: true }),
  })
  const parser = createResponseParser({ mode: 'strict' })
  parser.expectResponseTo('CONNECT')
  const reader = new SocketReader<ResponseHead>(socket, parser)
  socket.setTimeout(options.connectTimeoutMs)
  if (!(await writeAll(socket, options.steps.nextHopConnect(request.authority, request.head)))) {
    reader.detach()
    return refused(502, 'the next-hop proxy went away')
  }
  try {
    for (;;) {
      const event = await reader.next()
      if (event.type === 'timeout') return refused(504, 'the next-hop proxy did not answer')
      if (event.type !== 'head') {
        return refused(502, `the next-hop proxy did not answer the CONNECT (${event.type})`)
      }
      const { status } = event.head
      if (status >= 100 && status < 200) {
        // An interim response; the final one follows (RFC 9110 §15.2).
        await reader.next()
        continue
      }
      if (status < 200 || status > 299) {
        return refused(status >= 400 && status < 600 ? status : 502, `next hop answered ${status}`)
      }
      const head = event.head
      // A 2xx to CONNECT: the tunnel starts right after the blank line, whatever CL/TE say.
      const tunnelData = options.steps.nextHopTunnelData(head, reader.detach())
      socket.setTimeout(0)
      return { kind: 'tunnel', head, tunnelData }
    }
  } finally {
    reader.detach()
  }
}

/** The configured next hop, checked to be loopback like every address the proxy connects to. */
export function nextHopAddress(
  nextHop: { readonly host: string; readonly port: number } | undefined,
  hosts: Readonly<Record<string, string>>,
): { readonly nextHop?: { readonly address: string; readonly port: number } } {
  if (nextHop === undefined) return {}
  const address = loopbackAddress(nextHop.host, hosts)
  if (address === undefined) {
    throw new HarnessError(
      'HARNESS_NOT_LOOPBACK',
      `the next-hop proxy ${nextHop.host} is not a loopback address`,
    )
  }
  return { nextHop: { address, port: nextHop.port } }
}
