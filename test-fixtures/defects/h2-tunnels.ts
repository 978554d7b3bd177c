// Seeded defects of the reference h2 front (harness/reference/h2-front) that
// the h2 tunnel cases (H2-17 … H2-23) must catch: one replaced step each
// (parts/h2-defect.ts), or for the port allow-list, which the HTTP/1.1 proxy
// behind the front applies, one replaced proxy step.
import { ERROR_CODE, SETTING } from '../../harness/h2/constants.js'
import { h2Defect } from './parts/h2-defect.js'
import { proxyDefect } from './reference-with.js'
import type { SeededDefect } from './types.js'

const TUNNEL_ROLES = ['forward', 'tunnel'] as const

export const h2TunnelDefects: readonly SeededDefect[] = [
  h2Defect(
    'h2-connect-accepts-scheme-and-path',
    'Opens a tunnel for an h2 CONNECT that carries :scheme and :path (Tempesta #1883, Netty #17421) [B86]',
    ['h2/connect-malformed-forms-rejected'],
    [...TUNNEL_ROLES],
  ).replacing((reference) => ({
    // Checks the authority only: :scheme and :path ride along unnoticed.
    connectRequest: (head) => {
      const { method, authority } = head.pseudo
      return reference.connectRequest({
        ...head,
        pseudo: { method, ...(authority === undefined ? {} : { authority }) },
      })
    },
  })),
  proxyDefect(
    'h2-connect-tunnels-to-any-port',
    'No CONNECT port allow-list behind the h2 front: any port is tunnelled to (tinyproxy without ConnectPort) [B86]',
    ['h2/connect-unlisted-port-refused'],
    [...TUNNEL_ROLES],
  ).replacing(() => ({ connectForbidden: () => undefined })),
  h2Defect(
    'h2-connect-2xx-with-content-length',
    'Answers an h2 CONNECT with a 2xx carrying content-length: 0, which a client may take for the end of the tunnel (Mint PR #497, nghttp2 #2853) [B87]',
    ['h2/connect-tunnel-relays-bytes-exactly'],
    [...TUNNEL_ROLES],
  ).replacing((reference) => ({
    tunnelResponse: (head, fields, kind) => [
      ...reference.tunnelResponse(head, fields, kind),
      ...(kind === 'connect' ? [{ name: 'content-length', value: '0' }] : []),
    ],
  })),
  h2Defect(
    'h2-tunnel-fins-target-on-h2-error',
    'After a stream or connection error on the h2 side it closes the tunnel target with a FIN instead of a reset (nghttp2 #2866) [B89]',
    ['h2/connect-non-data-frame-resets-tunnel', 'h2/connect-connection-error-resets-target'],
    [...TUNNEL_ROLES],
  ).replacing((reference) => ({
    tunnelClose: (event) =>
      event === 'stream-error' || event === 'connection-error'
        ? { kind: 'fin' }
        : reference.tunnelClose(event),
  })),
  h2Defect(
    'h2-tunnel-ends-both-on-client-end-stream',
    "Takes the client's END_STREAM on a tunnel for the end of both directions: it ends the stream toward the client and never sends the FIN (nghttp2 #2868, Envoy PR #45361) [B88]",
    ['h2/connect-client-end-stream-is-fin'],
    [...TUNNEL_ROLES],
  ).replacing((reference) => ({
    tunnelClose: (event) =>
      event === 'client-end' ? { kind: 'end-stream' } : reference.tunnelClose(event),
  })),
  h2Defect(
    'h2-tunnel-resets-on-target-fin',
    "Turns the target's orderly FIN into RST_STREAM, so the client's direction is torn down with it (Envoy PR #13293) [B88]",
    ['h2/connect-target-fin-is-end-stream'],
    [...TUNNEL_ROLES],
  ).replacing((reference) => ({
    tunnelClose: (event) =>
      event === 'target-end'
        ? { kind: 'rst-stream', code: ERROR_CODE.CONNECT_ERROR }
        : reference.tunnelClose(event),
  })),
  h2Defect(
    'h2-tunnel-ends-stream-on-target-reset',
    "Reports the target's TCP reset as END_STREAM, an orderly close that hides the failure (nghttp2 #2869) [B89]",
    ['h2/connect-target-reset-is-connect-error'],
    [...TUNNEL_ROLES],
  ).replacing((reference) => ({
    tunnelClose: (event) =>
      event === 'target-reset' ? { kind: 'end-stream' } : reference.tunnelClose(event),
  })),
  h2Defect(
    'h2-tunnel-resets-with-no-error',
    "Resets the stream with NO_ERROR instead of CONNECT_ERROR when the target's connection is reset (Envoy #13055, PR #13519) [B89]",
    ['h2/connect-target-reset-is-connect-error'],
    [...TUNNEL_ROLES],
  ).replacing((reference) => ({
    tunnelClose: (event) =>
      event === 'target-reset'
        ? { kind: 'rst-stream', code: ERROR_CODE.NO_ERROR }
        : reference.tunnelClose(event),
  })),
  h2Defect(
    'h2-tunnel-fins-target-on-client-reset',
    "Passes the client's RST_STREAM on to the tunnel target as a FIN, so the target takes a cancelled upload for a complete one (nghttp2 #2866) [B89]",
    ['h2/connect-client-reset-resets-target'],
    [...TUNNEL_ROLES],
  ).replacing((reference) => ({
    tunnelClose: (event) =>
      event === 'client-reset' ? { kind: 'fin' } : reference.tunnelClose(event),
  })),
  h2Defect(
    'h2-accepts-protocol-without-setting',
    'Takes :protocol requests without advertising SETTINGS_ENABLE_CONNECT_PROTOCOL, so a client cannot tell whether extended CONNECT is on (HAProxy #3355) [B90]',
    ['h2/extended-connect-setting-honoured'],
    ['reverse'],
  ).replacing((reference) => ({
    serverSettings: () =>
      reference.serverSettings().filter(([id]) => id !== SETTING.ENABLE_CONNECT_PROTOCOL),
    validatePseudoHeaders: (fields) =>
      reference.validatePseudoHeaders(fields, { connectProtocol: true }),
  })),
  h2Defect(
    'h2-ignores-protocol-on-non-connect',
    'Drops :protocol from a request that is not a CONNECT and forwards the rest, instead of rejecting it as malformed (HAProxy #3355) [B90]',
    ['h2/protocol-pseudo-header-misuse-rejected'],
    ['reverse'],
  ).replacing((reference) => ({
    validatePseudoHeaders: (fields, options) => {
      const method = fields.find((f) => f.name === ':method')?.value
      const kept = method === 'CONNECT' ? fields : fields.filter((f) => f.name !== ':protocol')
      return reference.validatePseudoHeaders(kept, options)
    },
  })),
  h2Defect(
    'h2-extended-connect-answers-101',
    "Relays the origin's 101 with its Upgrade, Connection and Sec-WebSocket-Accept to an extended CONNECT, which HTTP/2 clients treat as a failed handshake (nginx PR #1643 had to map 101 to 200) [B91]",
    ['h2/extended-connect-answered-200'],
    ['reverse'],
  ).replacing((reference) => ({
    tunnelResponse: (head, fields, kind) =>
      kind === 'websocket'
        ? [{ name: ':status', value: String(head.status) }, ...fields]
        : reference.tunnelResponse(head, fields, kind),
  })),
  h2Defect(
    'h2-bridges-any-protocol',
    'Bridges every :protocol as if it were websocket, so :protocol foo gets a tunnel to a WebSocket origin (Caddy PR #6740) [B91]',
    ['h2/extended-connect-malformed-rejected'],
    ['reverse'],
  ).replacing((reference) => ({
    extendedConnect: (head) =>
      reference.extendedConnect({ ...head, pseudo: { ...head.pseudo, protocol: 'websocket' } }),
  })),
  h2Defect(
    'h2-constant-websocket-key',
    "Sends the same Sec-WebSocket-Key on every bridged handshake (lighttpd mod_proxy's RFC 8441 bridge) [B92]",
    ['h2/websocket-bridge-fresh-key'],
    ['reverse'],
  ).replacing((reference) => ({
    extendedConnect: (head) => {
      const handshake = reference.extendedConnect(head)
      if (handshake === undefined) return undefined
      const key = 'AAAAAAAAAAAAAAAAAAAAAA=='
      return {
        key,
        lines: handshake.lines.map((line) =>
          line.startsWith('Sec-WebSocket-Key:') ? `Sec-WebSocket-Key: ${key}` : line,
        ),
      }
    },
  })),
  h2Defect(
    'h2-ignores-websocket-accept',
    'Opens the tunnel on any 101 from the origin without checking Upgrade or Sec-WebSocket-Accept (Envoy PR #46959, portless PR #363) [B92]',
    ['h2/websocket-bridge-checks-origin-answer'],
    ['reverse'],
  ).replacing(() => ({
    websocketHandshakeCheck: (head) =>
      head.status === 101 ? undefined : `the origin answered ${head.status}, not 101`,
  })),
]
