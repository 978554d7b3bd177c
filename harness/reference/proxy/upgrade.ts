/**
 * Upgrade (RFC 9110 §7.8) as a relaying intermediary sees it: which requests
 * are valid upgrade requests this proxy will relay, the Upgrade and Connection
 * it regenerates on each hop, and which 101 it accepts as a switch. Pure.
 *
 * The reference relays any protocol but h2c: after a 101 it only moves bytes.
 * h2c is never relayed (RFC 9113 §3.1 and App. B deprecate it; HTTP2-Settings
 * is connection-specific, RFC 7540 §3.2.1): the request goes on as plain HTTP.
 */
import { createHash } from 'node:crypto'
import type { HeaderField, RequestHead, ResponseHead } from '../../wire/types.js'
import type { ProxyDefect } from './defects.js'
import { requestFraming } from './framing.js'
import { connectionOptions } from './hop-by-hop.js'

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
 * then handled as plain HTTP and Upgrade is removed (UPG-01). Only an HTTP/1.1
 * request (§7.8: Upgrade in an HTTP/1.0 request is ignored, UPG-02) that lists
 * `upgrade` in Connection (§7.8 and §7.6.1, UPG-03), without content, offers.
 */
export function upgradeOffer(
  head: RequestHead,
  defect: ProxyDefect | undefined,
): UpgradeOffer | undefined {
  if (head.method === 'CONNECT' || requestFraming(head) !== 'none') return undefined
  // Seeded defect 'upgrades-http10': the version is not checked (RFC 9110 §7.8, UPG-02).
  if (head.version !== 'HTTP/1.1' && defect !== 'upgrades-http10') return undefined
  const options = connectionOptions(head.headers)
  const connection = head.headers.filter((f) => named(f, 'connection')).map((f) => f.value)
  // Seeded defect 'upgrades-without-connection-option': Upgrade alone is taken as a request to switch (UPG-03).
  if (!options.has('upgrade') && defect !== 'upgrades-without-connection-option') return undefined
  // Seeded defect 'needs-connection-upgrade-alone': only `Connection: Upgrade` exactly counts, as in
  // proxy configs that compare the whole field value, so `keep-alive, Upgrade` (Firefox) is not upgraded.
  if (
    defect === 'needs-connection-upgrade-alone' &&
    !(connection.length === 1 && /^upgrade$/i.test(connection[0]?.trim() ?? ''))
  )
    return undefined
  const protocols = upgradeProtocols(head.headers).filter(
    // Seeded defect 'passes-h2c': h2c is relayed like any other protocol (h2c smuggling, UPG-12).
    (p) => defect === 'passes-h2c' || !/^h2c$/i.test(p),
  )
  return protocols.length === 0 ? undefined : { protocols }
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
 * The upgrade request head sent upstream: the proxy's ordinary forwarded head
 * (Upgrade and Connection removed as hop-by-hop, RFC 9110 §7.6.1), plus the
 * Upgrade it relays and its own `Connection: upgrade` (§7.8: the sender lists
 * the option). Sec-WebSocket-* and Origin pass unchanged (RFC 6455 §4.1, UPG-07).
 */
export function upstreamUpgradeHead(
  forwarded: Buffer,
  head: RequestHead,
  offer: UpgradeOffer,
  defect: ProxyDefect | undefined,
): Buffer {
  // Seeded defect 'omits-connection-upgrade-upstream': Upgrade is set but not Connection, the
  // classic nginx misconfiguration (proxy_set_header Upgrade without Connection "upgrade"; UPG-01).
  // Seeded defect 'upgrades-without-connection-option': Upgrade the client did not list in
  // Connection goes on as it came, still unlisted (UPG-03, RFC 9110 §7.6.1).
  const unlisted =
    defect === 'upgrades-without-connection-option' &&
    !connectionOptions(head.headers).has('upgrade')
  const lines =
    defect === 'omits-connection-upgrade-upstream' || unlisted
      ? [`Upgrade: ${offer.protocols.join(', ')}`]
      : [`Upgrade: ${offer.protocols.join(', ')}`, 'Connection: upgrade']
  if (defect === 'passes-h2c') {
    // The h2c smuggling proxy also passes HTTP2-Settings on, listed as a connection option.
    const settings = head.headers.filter((f) => named(f, 'http2-settings'))
    if (settings.length > 0) {
      lines[1] = 'Connection: upgrade, HTTP2-Settings'
      lines.push(...settings.map((f) => f.raw.toString('latin1')))
    }
  }
  return withLines(forwarded, lines)
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
export function clientSwitchLines(head: ResponseHead, defect: ProxyDefect | undefined): string[] {
  const lines = [
    `Upgrade: ${upgradeProtocols(head.headers).join(', ')}`,
    // Seeded defect 'lists-keep-alive-in-101': the option of the request's own hop leaks into the 101 (Squid PR #709).
    defect === 'lists-keep-alive-in-101'
      ? 'Connection: keep-alive, upgrade'
      : 'Connection: upgrade',
  ]
  // Seeded defect 'keeps-content-length-on-101': the origin's Content-Length is copied onto the 101 (UPG-11, RFC 9110 §8.6).
  if (defect === 'keeps-content-length-on-101')
    lines.push(
      ...head.headers
        .filter((f) => named(f, 'content-length'))
        .map((f) => f.raw.toString('latin1')),
    )
  return lines
}

/**
 * Seeded defect 'rewrites-websocket-accept': a gateway that writes its own
 * Sec-WebSocket-Accept and forgets the GUID (RFC 6455 §4.2.2 step 5; UPG-07, UPG-08).
 */
export function rewriteAccept(bytes: Buffer, request: RequestHead): Buffer {
  const key = request.headers.find((f) => named(f, 'sec-websocket-key'))?.value ?? ''
  const wrong = createHash('sha1').update(key, 'latin1').digest('base64')
  return Buffer.from(
    bytes.toString('latin1').replace(/^(Sec-WebSocket-Accept:[ \t]*)[^\r\n]*/im, `$1${wrong}`),
    'latin1',
  )
}
