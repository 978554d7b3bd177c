/**
 * Upgrade (RFC 9110 §7.8) as a relaying intermediary sees it: which requests
 * are valid upgrade requests this proxy will relay, the Upgrade and Connection
 * it regenerates on each hop, and which 101 it accepts as a switch. Pure.
 *
 * The reference relays any protocol but h2c: after a 101 it only moves bytes.
 * h2c is never relayed (RFC 9113 §3.1 and App. B deprecate it; HTTP2-Settings
 * is connection-specific, RFC 7540 §3.2.1): the request goes on as plain HTTP.
 */
import type { HeaderField, RequestHead, ResponseHead } from '../../wire/types.js'
import { requestFraming } from './framing.js'
import { connectionOptions } from './hop-by-hop.js'
import type { ProxySteps } from './steps/index.js'

/** The protocols of a valid upgrade request this proxy relays, as the client spelled them. */
export interface UpgradeOffer {
  readonly protocols: readonly string[]
}

const named = (field: HeaderField, name: string): boolean => field.name.toLowerCase() === name

/** Every element of every Upgrade line, trimmed, in order (RFC 9110 §5.6.1 list). */
export function upgradeProtocols(headers: readonly HeaderField[]): string[] {
  return headers
    .filter((f) => named(f, 'upgrade'))
    .flatMap((f) => f.value.split(','))
    .map((p) => p.replace(/^[ \t]+|[ \t]+$/g, ''))
    .filter((p) => p !== '')
}

/** "WebSocket" and "websocket/13" both name websocket (protocol names are tokens, compared case-insensitively). */
const protocolName = (protocol: string): string => protocol.toLowerCase()

/**
 * The upgrade this proxy will relay for `head`, or undefined: the request is
 * then handled as plain HTTP and Upgrade is removed (UPG-01). A request without
 * content offers when its version may upgrade, it asks to (the `upgrade`
 * connection option) and it names a protocol this proxy relays; each of those
 * is a step of the pipeline.
 */
export function upgradeOffer(head: RequestHead, steps: ProxySteps): UpgradeOffer | undefined {
  if (head.method === 'CONNECT' || requestFraming(head) !== 'none') return undefined
  if (!steps.mayUpgradeFrom(head.version)) return undefined
  if (!steps.asksToUpgrade(head)) return undefined
  const protocols = upgradeProtocols(head.headers).filter((p) => steps.relaysProtocol(p))
  return protocols.length === 0 ? undefined : { protocols }
}

/** Only an HTTP/1.1 request may switch: §7.8 has Upgrade in an HTTP/1.0 request ignored (UPG-02). */
export function mayUpgradeFrom(version: string): boolean {
  return version === 'HTTP/1.1'
}

/**
 * The client asks to switch when Connection lists `upgrade`, however the list
 * is written (RFC 9110 §7.8 and §7.6.1; UPG-03): Upgrade alone is a field the
 * sender did not mean for this hop.
 */
export function asksToUpgrade(head: RequestHead): boolean {
  return connectionOptions(head.headers).has('upgrade')
}

/**
 * Every offered protocol is relayed but h2c (RFC 9113 §3.1 and App. B
 * deprecate it; h2c smuggling, UPG-12): an offer of h2c alone is plain HTTP.
 */
export function relaysProtocol(protocol: string): boolean {
  return !/^h2c$/i.test(protocol)
}

const CRLF = '\r\n'

/** Inserts generated lines before the blank line that ends `head`. */
export function withLines(head: Buffer, lines: readonly string[]): Buffer {
  if (lines.length === 0) return head
  const end = head.length - 2
  return Buffer.concat([
    head.subarray(0, end),
    Buffer.from(lines.map((l) => `${l}${CRLF}`).join(''), 'latin1'),
    head.subarray(end),
  ])
}

/**
 * The lines this proxy adds to the upgrade request it sends upstream, whose
 * received Upgrade and Connection were removed as hop-by-hop (RFC 9110
 * §7.6.1): the Upgrade it relays and its own `Connection: upgrade` (§7.8: the
 * sender lists the option). Sec-WebSocket-* and Origin pass unchanged
 * (RFC 6455 §4.1, UPG-07).
 */
export function upstreamUpgradeLines(_head: RequestHead, offer: UpgradeOffer): string[] {
  return [`Upgrade: ${offer.protocols.join(', ')}`, 'Connection: upgrade']
}

/**
 * Why a 101 is not a switch this proxy can relay, or undefined when it is:
 * RFC 9110 §15.2.2 (a 101 names the protocol(s) in Upgrade) and §7.8 (a server
 * switches only to protocols the client offered). UPG-05: an invalid upstream
 * response, 502.
 */
export function switchProblem(head: ResponseHead, offer: UpgradeOffer): string | undefined {
  const chosen = upgradeProtocols(head.headers)
  if (chosen.length === 0) return 'the upstream answered 101 without Upgrade'
  const offered = new Set(offer.protocols.map(protocolName))
  const unasked = chosen.filter((p) => !offered.has(protocolName(p)))
  if (unasked.length > 0)
    return `the upstream switched to ${unasked.join(', ')}, which the client did not offer`
  return undefined
}

/**
 * The lines the proxy adds to the 101 it relays (the received Upgrade and
 * Connection were removed as hop-by-hop): Upgrade as the upstream named it,
 * and `Connection: upgrade` only (RFC 9110 §7.8; UPG-11: no keep-alive).
 */
export function clientSwitchLines(head: ResponseHead): string[] {
  return [`Upgrade: ${upgradeProtocols(head.headers).join(', ')}`, 'Connection: upgrade']
}

/**
 * The 101 head written to the client: `relayed` (the upstream's 101 as this
 * hop rewrites any response head) with the proxy's own lines. No
 * Content-Length or Transfer-Encoding (RFC 9110 §8.6, UPG-11), and the
 * handshake fields the upstream chose (Sec-WebSocket-Accept, -Protocol,
 * -Extensions) pass unchanged (RFC 6455 §4.2.2, UPG-07).
 */
export function clientSwitchHead(relayed: Buffer, response: ResponseHead): Buffer {
  return withLines(relayed, clientSwitchLines(response))
}
