// Seeded defects the upgrade suite must catch: variants of the upgrade steps
// (harness/reference/proxy/steps/upgrade.ts).
import type { RequestHead, ResponseHead } from '../../harness/wire/types.js'
import { relay } from '../../harness/reference/proxy/connect-tunnel.js'
import { connectionOptions } from '../../harness/reference/proxy/hop-by-hop.js'
import { clientSwitchLines, withLines } from '../../harness/reference/proxy/upgrade.js'
import { acceptWithoutGuid } from './parts/websocket-accept-without-guid.js'
import { handRolledTunnel } from './parts/hand-rolled-tunnel.js'
import { rsvClearer } from './parts/websocket-rsv-clearer.js'
import { proxyDefect as defect } from './reference-with.js'
import type { SeededDefect } from './types.js'

const fieldLines = (head: RequestHead | ResponseHead, name: string): string[] =>
  head.headers.filter((f) => f.name.toLowerCase() === name).map((f) => f.raw.toString('latin1'))

/** The upstream upgrade request's lines without the proxy's own Connection. */
const withoutConnection = (lines: readonly string[]): string[] =>
  lines.filter((l) => !/^connection:/i.test(l))

export const upgradeDefects: readonly SeededDefect[] = [
  defect(
    'upgrades-http10',
    'Acts on Upgrade in an HTTP/1.0 request and relays the 101 to the 1.0 client (RFC 9110 §7.8)',
    ['upgrade/http10-upgrade-ignored'],
  ).replacing(() => ({
    // The version is not checked (RFC 9110 §7.8, UPG-02).
    mayUpgradeFrom: () => true,
  })),
  defect(
    'upgrades-without-connection-option',
    'Takes Upgrade alone, without `upgrade` in Connection, as a request to switch and passes it on as it came, still unlisted (HAProxy)',
    ['upgrade/upgrade-without-connection-option-ignored'],
  ).replacing((reference) => ({
    // Upgrade alone is taken as a request to switch (UPG-03), and goes on as it came,
    // still unlisted in Connection (RFC 9110 §7.6.1).
    asksToUpgrade: () => true,
    upstreamUpgradeLines: (head, offer) => {
      const lines = reference.upstreamUpgradeLines(head, offer)
      return connectionOptions(head.headers).has('upgrade') ? lines : withoutConnection(lines)
    },
  })),
  defect(
    'needs-connection-upgrade-alone',
    'Upgrades only when Connection is exactly "Upgrade" (a whole-value comparison), so `Connection: keep-alive, Upgrade` loses its Upgrade',
    ['upgrade/connection-keep-alive-upgrade-upgrades'],
  ).replacing((reference) => ({
    // Only `Connection: Upgrade` exactly counts, as in proxy configs that compare the whole
    // field value, so `keep-alive, Upgrade` (Firefox) is not upgraded.
    asksToUpgrade: (head) => {
      const connection = head.headers.filter((f) => f.name.toLowerCase() === 'connection')
      return (
        reference.asksToUpgrade(head) &&
        connection.length === 1 &&
        /^upgrade$/i.test(connection[0]?.value.trim() ?? '')
      )
    },
  })),
  defect(
    'omits-connection-upgrade-upstream',
    'Sends Upgrade upstream without `Connection: upgrade` (nginx with proxy_set_header Upgrade but not Connection)',
    ['upgrade/unrelayed-upgrade-handled-as-http'],
  ).replacing((reference) => ({
    // The classic nginx misconfiguration: proxy_set_header Upgrade without Connection "upgrade" (UPG-01).
    upstreamUpgradeLines: (head, offer) =>
      withoutConnection(reference.upstreamUpgradeLines(head, offer)),
  })),
  defect(
    'passes-h2c',
    'Relays `Upgrade: h2c` with HTTP2-Settings and tunnels the h2c 101 (h2c smuggling)',
    ['upgrade/h2c-never-passed-through'],
  ).replacing((reference) => ({
    // h2c is relayed like any other protocol (h2c smuggling, UPG-12), and HTTP2-Settings
    // goes on with it, listed as a connection option.
    relaysProtocol: () => true,
    upstreamUpgradeLines: (head, offer) => {
      const lines = reference.upstreamUpgradeLines(head, offer)
      const settings = fieldLines(head, 'http2-settings')
      if (settings.length === 0) return lines
      return [...withoutConnection(lines), 'Connection: upgrade, HTTP2-Settings', ...settings]
    },
  })),
  defect(
    'forwards-bytes-before-101',
    'Tunnels on the client’s intent: the handshake and the bytes after it go upstream at once, before any 101 (CVE-2026-2833 class)',
    ['upgrade/no-client-bytes-before-101', 'upgrade/no-tunnel-without-101'],
  ).replacing(() => ({
    // Tunnels on the client's intent, before any answer (CVE-2026-2833 class, UPG-06): the head
    // and whatever followed it go upstream at once, and from then on it is a blind pipe.
    exchangeUpgrade: ({ client, conn, headBytes, deps }) => {
      const early = client.reader.detach()
      conn.reader.detach()
      conn.socket.write(Buffer.concat([headBytes, early]))
      relay(client.socket, conn.socket, deps.tunnelIdleTimeoutMs)
      return Promise.resolve('tunnel')
    },
  })),
  defect(
    'tunnels-on-any-status',
    'Becomes a tunnel after any answer to an upgrade request, 426 and 200 included (WebSocket smuggling: node-http-proxy #624, kemal #767)',
    ['upgrade/no-tunnel-without-101', 'upgrade/version-refusal-relayed-intact'],
  ).replacing(() => ({
    // A declined upgrade still becomes a tunnel (UPG-04): later client bytes reach the
    // upstream unparsed.
    afterDeclinedUpgrade: ({ client, conn, deps }) => {
      const early = client.reader.detach()
      conn.reader.detach()
      if (early.length > 0) conn.socket.write(early)
      relay(client.socket, conn.socket, deps.tunnelIdleTimeoutMs)
      return 'tunnel'
    },
  })),
  defect(
    'keeps-first-duplicate-field',
    'Keeps only the first of several field lines with one name, so the 426 loses `Sec-WebSocket-Version: 8, 7` (tinyproxy)',
    ['upgrade/version-refusal-relayed-intact'],
  ).replacing((reference) => ({
    // RFC 9110 §5.3: every line is kept; tinyproxy keeps the first of a name (UPG-09).
    keptFields: (head) => {
      const kept = reference.keptFields(head)
      return kept.filter(
        (f, i) => !kept.slice(0, i).some((e) => e.name.toLowerCase() === f.name.toLowerCase()),
      )
    },
  })),
  defect(
    'accepts-any-101',
    'Tunnels on any 101, with no Upgrade or with a protocol the client never offered',
    ['upgrade/invalid-101-is-not-a-switch'],
  ).replacing(() => ({
    // Any 101 is taken as a switch (UPG-05).
    switchProblem: () => undefined,
  })),
  defect(
    'keeps-content-length-on-101',
    'Copies the origin’s Content-Length onto the 101 it relays (RFC 9110 §8.6)',
    ['upgrade/101-has-no-framing-fields'],
  ).replacing((reference) => ({
    // The origin's Content-Length is copied onto the 101 (UPG-11, RFC 9110 §8.6).
    clientSwitchHead: (relayed, response, request) =>
      withLines(
        reference.clientSwitchHead(relayed, response, request),
        fieldLines(response, 'content-length'),
      ),
  })),
  defect(
    'lists-keep-alive-in-101',
    'Lists keep-alive next to upgrade in the Connection of the 101 it relays (Squid before PR #709)',
    ['upgrade/101-lists-only-upgrade-in-connection'],
  ).replacing(() => ({
    // The option of the request's own hop leaks into the 101 (Squid PR #709).
    clientSwitchHead: (relayed, response) =>
      withLines(
        relayed,
        clientSwitchLines(response).map((l) =>
          /^connection:/i.test(l) ? 'Connection: keep-alive, upgrade' : l,
        ),
      ),
  })),
  defect(
    'rewrites-websocket-accept',
    'Writes its own Sec-WebSocket-Accept and forgets the GUID (RFC 6455 §4.2.2 step 5)',
    [
      'upgrade/websocket-accept-matches-client-key',
      'upgrade/websocket-handshake-fields-pass-unchanged',
    ],
  ).replacing((reference) => ({
    clientSwitchHead: (relayed, response, request) =>
      acceptWithoutGuid(reference.clientSwitchHead(relayed, response, request), request),
  })),
  defect(
    'clears-websocket-rsv-bits',
    'Rewrites client frame headers without the RSV bits, breaking permessage-deflate (a frame-inspecting relay)',
    ['upgrade/websocket-frames-pass-byte-for-byte'],
  ).replacing(() => ({
    upgradeTunnel: (client, upstream, idleTimeoutMs) =>
      handRolledTunnel(client, upstream, idleTimeoutMs, {
        rewriteClientBytes: rsvClearer(),
        passesUpstreamEnd: true,
      }),
  })),
  defect(
    'ignores-upstream-close-after-upgrade',
    'Does not pass the upstream’s FIN on after a 101: the client connection is left open',
    ['upgrade/websocket-close-propagates'],
  ).replacing(() => ({
    upgradeTunnel: (client, upstream, idleTimeoutMs) =>
      handRolledTunnel(client, upstream, idleTimeoutMs, { passesUpstreamEnd: false }),
  })),
]
