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
import type { ProxyDefect } from './defects.js'
import { loopbackAddress } from './request-target.js'
import { simpleResponse } from './simple-response.js'
import { SocketReader } from './socket-reader.js'
import { writeAll } from './socket-io.js'

/** What a next hop made of our CONNECT. */
export type NextHopResult =
  | { readonly kind: 'tunnel'; readonly head: ResponseHead; readonly tunnelData: Buffer }
  /** `response` is the answer for our own client (framed, Connection: close). */
  | { readonly kind: 'refused'; readonly response: Buffer }

/** The CONNECT we send on: authority-form with the port, Host, and nothing of the client's credentials. */
export function nextHopRequest(authority: string, head: RequestHead, defect?: ProxyDefect): Buffer {
  const lines = [`CONNECT ${authority} HTTP/1.1`, `Host: ${authority}`]
  // Seeded defect 'forwards-credentials-to-next-hop': the client's Proxy-Authorization,
  // meant for this proxy, is passed on (RFC 9110 §11.7.2, HOP-10, CONNECT-14).
  if (defect === 'forwards-credentials-to-next-hop') {
    for (const f of head.headers)
      if (f.name.toLowerCase() === 'proxy-authorization') lines.push(f.raw.toString('latin1'))
  }
  return Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1')
}

/** Bytes of a 2xx body the seeded defect 'reads-next-hop-2xx-body' swallows (curl #1317 [B8]). */
function swallowedBody(head: ResponseHead): number {
  const length = head.headers.find((f) => f.name.toLowerCase() === 'content-length')?.value
  return length !== undefined && /^\d+$/.test(length) ? Number(length) : 0
}

/**
 * Asks the next hop on `socket` for a tunnel to `request.authority`. Waits at
 * most `connectTimeoutMs` of silence for its answer (504 after that); a
 * refusal or a broken answer becomes our own framed error response.
 */
export async function openNextHopTunnel(
  socket: Socket,
  request: { readonly authority: string; readonly head: RequestHead },
  options: { readonly connectTimeoutMs: number; readonly defect?: ProxyDefect | undefined },
): Promise<NextHopResult> {
  const refused = (status: number, text: string): NextHopResult => ({
    kind: 'refused',
    response: simpleResponse({ status, text, close: true }),
  })
  const parser = createResponseParser({ mode: 'strict' })
  parser.expectResponseTo('CONNECT')
  const reader = new SocketReader<ResponseHead>(socket, parser)
  socket.setTimeout(options.connectTimeoutMs)
  if (!(await writeAll(socket, nextHopRequest(request.authority, request.head, options.defect)))) {
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
      let tunnelData = reader.detach()
      if (options.defect === 'reads-next-hop-2xx-body')
        tunnelData = tunnelData.subarray(swallowedBody(head))
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
