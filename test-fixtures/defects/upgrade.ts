// Seeded defects the upgrade suite must catch (harness/reference/proxy/upgrade*.ts hold the hooks).
import { proxyDefect as defect } from './reference-with.js'
import type { SeededDefect } from './types.js'

export const upgradeDefects: readonly SeededDefect[] = [
  defect(
    'upgrades-http10',
    'Acts on Upgrade in an HTTP/1.0 request and relays the 101 to the 1.0 client (RFC 9110 §7.8)',
    ['upgrade/http10-upgrade-ignored'],
  ),
  defect(
    'upgrades-without-connection-option',
    'Takes Upgrade alone, without `upgrade` in Connection, as a request to switch and passes it on as it came, still unlisted (HAProxy)',
    ['upgrade/upgrade-without-connection-option-ignored'],
  ),
  defect(
    'needs-connection-upgrade-alone',
    'Upgrades only when Connection is exactly "Upgrade" (a whole-value comparison), so `Connection: keep-alive, Upgrade` loses its Upgrade',
    ['upgrade/connection-keep-alive-upgrade-upgrades'],
  ),
  defect(
    'omits-connection-upgrade-upstream',
    'Sends Upgrade upstream without `Connection: upgrade` (nginx with proxy_set_header Upgrade but not Connection)',
    ['upgrade/unrelayed-upgrade-handled-as-http'],
  ),
  defect(
    'passes-h2c',
    'Relays `Upgrade: h2c` with HTTP2-Settings and tunnels the h2c 101 (h2c smuggling)',
    ['upgrade/h2c-never-passed-through'],
  ),
  defect(
    'forwards-bytes-before-101',
    'Tunnels on the client’s intent: the handshake and the bytes after it go upstream at once, before any 101 (CVE-2026-2833 class)',
    ['upgrade/no-client-bytes-before-101', 'upgrade/no-tunnel-without-101'],
  ),
  defect(
    'tunnels-on-any-status',
    'Becomes a tunnel after any answer to an upgrade request, 426 and 200 included (WebSocket smuggling: node-http-proxy #624, kemal #767)',
    ['upgrade/no-tunnel-without-101', 'upgrade/version-refusal-relayed-intact'],
  ),
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
  ),
  defect(
    'keeps-content-length-on-101',
    'Copies the origin’s Content-Length onto the 101 it relays (RFC 9110 §8.6)',
    ['upgrade/101-has-no-framing-fields'],
  ),
  defect(
    'lists-keep-alive-in-101',
    'Lists keep-alive next to upgrade in the Connection of the 101 it relays (Squid before PR #709)',
    ['upgrade/101-lists-only-upgrade-in-connection'],
  ),
  defect(
    'rewrites-websocket-accept',
    'Writes its own Sec-WebSocket-Accept and forgets the GUID (RFC 6455 §4.2.2 step 5)',
    [
      'upgrade/websocket-accept-matches-client-key',
      'upgrade/websocket-handshake-fields-pass-unchanged',
    ],
  ),
  defect(
    'clears-websocket-rsv-bits',
    'Rewrites client frame headers without the RSV bits, breaking permessage-deflate (a frame-inspecting relay)',
    ['upgrade/websocket-frames-pass-byte-for-byte'],
  ),
  defect(
    'ignores-upstream-close-after-upgrade',
    'Does not pass the upstream’s FIN on after a 101: the client connection is left open',
    ['upgrade/websocket-close-propagates'],
  ),
]
