// H2-21 … H2-23 (WebSockets over HTTP/2: extended CONNECT, RFC 8441) for a
// gateway with an h2 front and an HTTP/1.1 WebSocket origin (the harness
// origin): the front advertises SETTINGS_ENABLE_CONNECT_PROTOCOL, takes
// `:protocol websocket` requests, and is the RFC 6455 client on the
// HTTP/1.1 hop. RFC 8441 §7 leaves forward proxies alone (a browser behind
// one uses a plain CONNECT tunnel), so these are reverse (and TLS
// terminator) cases.
//
// A target that does not advertise the setting does not offer extended
// CONNECT: the cases that need it are unsupported then (one line saying so),
// and H2-21's part (a) is graded instead: `:protocol` must then be refused.
import { defineCase } from '../../harness/engine/model/case.js'
import type { CaseContext } from '../../harness/engine/model/case-context.js'
import {
  conforms,
  endCase,
  timedOut,
  unsupported,
  violates,
} from '../../harness/engine/model/outcome.js'
import { SETTING } from '../../harness/h2/constants.js'
import type { BlockItem } from '../../harness/h2/hpack-encoder.js'
import type { H2RawClient } from '../../harness/h2/raw-client.js'
import { isTimeout } from '../../harness/net/deadline.js'
import { websocketAccept } from '../../harness/origin/upgrade-accept.js'
import { websocketEndpoint } from '../../harness/origin/upgrade-endpoints.js'
import { firstFieldValue, listTokens } from '../../harness/wire/fields.js'
import { responseBytes } from '../../harness/wire/serialize.js'
import { closePayload, frameBytes } from '../support/websocket.js'
import {
  answerOf,
  describeAnswer,
  fieldOf,
  opensTunnel,
  received,
  sendTunnelData,
  waitForTunnelBytes,
  waitForTunnelEnd,
  type TunnelAnswer,
} from './support/tunnel-streams.js'

const ROLES = ['reverse'] as const

/** The values of SETTINGS_ENABLE_CONNECT_PROTOCOL in the target's SETTINGS frames so far, in order. */
function connectProtocolValues(client: H2RawClient): number[] {
  return client.records.flatMap((r) =>
    r.dir === 'received' && r.frame.kind === 'SETTINGS' && !r.frame.ack
      ? r.frame.settings.filter(([id]) => id === SETTING.ENABLE_CONNECT_PROTOCOL).map(([, v]) => v)
      : [],
  )
}

/** A connection whose first SETTINGS has arrived; whether it advertised extended CONNECT (= 1). */
async function connectAndRead(
  ctx: CaseContext,
): Promise<{ client: H2RawClient; enabled: boolean }> {
  const client = await ctx.h2()
  const settings = await client.connection.waitForSettings({ timeoutMs: ctx.remainingMs() })
  if (isTimeout(settings)) endCase(timedOut("the target's SETTINGS", settings.afterMs))
  const values = connectProtocolValues(client)
  return { client, enabled: values.at(-1) === 1 }
}

/** Ends the case as unsupported when the target did not advertise extended CONNECT. */
async function extendedConnectClient(ctx: CaseContext): Promise<H2RawClient> {
  const { client, enabled } = await connectAndRead(ctx)
  if (!enabled)
    endCase(
      unsupported(
        'the target does not advertise SETTINGS_ENABLE_CONNECT_PROTOCOL = 1 (RFC 8441 §3): it offers no WebSockets over HTTP/2',
      ),
    )
  return client
}

/** The pseudo-header fields of an extended CONNECT for `suffix` on the origin (RFC 8441 §4). */
function extendedPseudo(
  ctx: CaseContext,
  suffix: string,
  options: { readonly protocol?: string; readonly authority?: string } = {},
): BlockItem[] {
  const target = ctx.h2Target(ctx.path(suffix))
  return [
    { name: ':method', value: 'CONNECT' },
    { name: ':protocol', value: options.protocol ?? 'websocket' },
    { name: ':scheme', value: target.scheme },
    { name: ':path', value: target.path },
    { name: ':authority', value: options.authority ?? target.authority },
  ]
}

const WS_FIELDS: BlockItem[] = [
  { name: 'sec-websocket-version', value: '13' },
  { name: 'origin', value: 'https://app.test' },
]

/** Whether an answer refuses: RST_STREAM, a closed connection, or a non-2xx that is not a 101. */
const refuses = (answer: TunnelAnswer): boolean =>
  answer.kind !== 'head' || !(answer.status.startsWith('2') || answer.status === '101')

/**
 * After the refusals, a GET `/after` (on `client` if it is still open, else
 * a new connection) reaches the origin: the requests sent before it have
 * arrived by then, or never will. The origin's requests for `suffixes`.
 */
async function forwardedAmong(
  ctx: CaseContext,
  client: H2RawClient,
  suffixes: readonly string[],
): Promise<string[]> {
  const open = client.connection.peerState === 'open' && !client.records.some(isGoaway)
  const via = open ? client : await ctx.h2()
  await via.request({ ...ctx.h2Target(ctx.path('after')) })
  for (;;) {
    const next = await ctx.origin.nextRequest(ctx.remainingMs())
    if (isTimeout(next))
      endCase(timedOut('the follow-up request /after at the origin', next.afterMs))
    if (next.message.head.target.endsWith('/after')) break
  }
  const paths = suffixes.map((s) => ctx.path(s))
  return ctx.origin
    .requests()
    .map((r) => r.message.head.target)
    .filter((target) => paths.some((p) => target.endsWith(p)))
}

const isGoaway = (r: {
  readonly dir: string
  readonly frame: { readonly kind: string }
}): boolean => r.dir === 'received' && r.frame.kind === 'GOAWAY'

export const websocketCases = [
  defineCase({
    id: 'extended-connect-setting-honoured',
    title:
      'SETTINGS_ENABLE_CONNECT_PROTOCOL is 0 or 1 and never withdrawn, and a :protocol request is refused when it was not advertised',
    requirements: ['H2-21'],
    spec: [
      { rfc: 8441, section: '3' },
      { rfc: 9113, section: '8.3' },
      { rfc: 9113, section: '5.5' },
    ],
    requirement:
      'A sender MUST NOT send SETTINGS_ENABLE_CONNECT_PROTOCOL = 0 after 1; without the setting, :protocol is an unknown pseudo-header field and the request is malformed.',
    level: 'MUST',
    roles: ROLES,
    front: 'h2',
    // RFC 8441 §3: "A sender MUST NOT send a SETTINGS_ENABLE_CONNECT_PROTOCOL
    // parameter with the value of 0 after previously sending a value of 1."
    // and "If a client were to use the provisions of the extended CONNECT
    // method defined in this document without first receiving a
    // SETTINGS_ENABLE_CONNECT_PROTOCOL parameter, a non-supporting peer would
    // detect a malformed request". RFC 9113 §8.3: "Endpoints MUST treat a
    // request or response that contains undefined or invalid pseudo-header
    // fields as malformed"; §8.1.1: an intermediary MUST NOT forward it.
    async run(ctx) {
      const { client, enabled } = await connectAndRead(ctx)
      let part = ''
      if (!enabled) {
        const id = await client.request({
          pseudo: extendedPseudo(ctx, 'ws-unadvertised'),
          fields: WS_FIELDS,
          endStream: false,
        })
        const answer = await answerOf(
          ctx,
          client,
          id,
          'an answer to the unadvertised extended CONNECT',
        )
        const forwarded = await forwardedAmong(ctx, client, ['ws-unadvertised'])
        if (!refuses(answer) || forwarded.length > 0)
          return violates(
            'an extended CONNECT refused when SETTINGS_ENABLE_CONNECT_PROTOCOL was not advertised',
            `the target under test answered ${describeAnswer(answer)}${forwarded.length > 0 ? ' and forwarded it to the origin' : ''}`,
          )
        part = `not advertised; the extended CONNECT was refused (${describeAnswer(answer)}, nothing forwarded)`
      } else {
        // A request and its answer on the connection: later SETTINGS, if any, have had their chance.
        const id = await client.request({ ...ctx.h2Target(ctx.path('plain')) })
        const end = await client.waitForStreamEnd(id, { timeoutMs: ctx.remainingMs() })
        if (isTimeout(end)) return timedOut('the answer to a GET', end.afterMs)
        part = 'advertised as 1'
      }
      const values = connectProtocolValues(client)
      const bad = values.filter((v) => v !== 0 && v !== 1)
      if (bad.length > 0)
        return violates(
          'SETTINGS_ENABLE_CONNECT_PROTOCOL of 0 or 1',
          `the target under test sent the value ${bad.join(', ')}`,
        )
      const first = values.indexOf(1)
      if (first >= 0 && values.slice(first).includes(0))
        return violates(
          'SETTINGS_ENABLE_CONNECT_PROTOCOL never goes from 1 back to 0',
          `the target under test sent ${values.join(' then ')}`,
        )
      return conforms(`${part}; values seen: ${values.length === 0 ? 'none' : values.join(', ')}`)
    },
  }),
  defineCase({
    id: 'protocol-pseudo-header-misuse-rejected',
    title: ':protocol on a GET, or twice on a CONNECT, is rejected and never reaches the origin',
    requirements: ['H2-21'],
    spec: [
      { rfc: 8441, section: '4' },
      { rfc: 9113, section: '8.3' },
      { rfc: 9113, section: '8.1.1' },
    ],
    requirement:
      ':protocol is defined for CONNECT only and is single-valued: on another method, or duplicated, the request is malformed and is not forwarded.',
    level: 'MUST',
    roles: ROLES,
    front: 'h2',
    // RFC 8441 §4: "A new pseudo-header field :protocol MAY be included on
    // request HEADERS indicating the desired protocol to be spoken on the
    // tunnel created by CONNECT. The pseudo-header field is single valued".
    // Outside CONNECT it is an undefined pseudo-header field, and RFC 9113
    // §8.3: "The same pseudo-header field name MUST NOT appear more than once
    // in a field block"; both are malformed (MUST treat as malformed), and
    // §8.1.1: "Intermediaries ... MUST NOT forward a malformed request".
    async run(ctx) {
      const { client } = await connectAndRead(ctx)
      const target = ctx.h2Target(ctx.path('ws-get'))
      const get = await client.request({
        pseudo: [
          { name: ':method', value: 'GET' },
          { name: ':protocol', value: 'websocket' },
          { name: ':scheme', value: target.scheme },
          { name: ':path', value: target.path },
          { name: ':authority', value: target.authority },
        ],
      })
      const getAnswer = await answerOf(ctx, client, get, 'an answer to GET with :protocol')
      const twice = extendedPseudo(ctx, 'ws-twice')
      const usable = client.connection.peerState === 'open' && !client.records.some(isGoaway)
      const second = usable ? client : await ctx.h2()
      const dup = await second.request({
        pseudo: [
          ...twice.slice(0, 2),
          { name: ':protocol', value: 'websocket' },
          ...twice.slice(2),
        ],
        fields: WS_FIELDS,
        endStream: false,
      })
      const dupAnswer = await answerOf(ctx, second, dup, 'an answer to :protocol twice')
      const forwarded = await forwardedAmong(ctx, second, ['ws-get', 'ws-twice'])
      const wrong = [
        ...(refuses(getAnswer) ? [] : [`GET with :protocol: ${describeAnswer(getAnswer)}`]),
        ...(refuses(dupAnswer) ? [] : [`:protocol twice: ${describeAnswer(dupAnswer)}`]),
        ...forwarded.map((t) => `${t} reached the origin`),
      ]
      if (wrong.length > 0)
        return violates(
          'both malformed requests rejected, nothing forwarded',
          `the target under test accepted: ${wrong.join('; ')}`,
        )
      return conforms(
        `GET with :protocol: ${describeAnswer(getAnswer)}; :protocol twice: ${describeAnswer(dupAnswer)}; nothing reached the origin`,
      )
    },
  }),
  defineCase({
    id: 'extended-connect-answered-200',
    title:
      'An extended CONNECT for websocket is answered 200 without accept, upgrade or connection, with the chosen subprotocol, and relays frames byte for byte to the routed origin, never to :authority',
    requirements: ['H2-22'],
    spec: [
      { rfc: 8441, section: '4' },
      { rfc: 8441, section: '5' },
      { rfc: 9113, section: '8.6' },
      { rfc: 9113, section: '8.2.2' },
    ],
    requirement:
      'Success is a 2xx (never 101) without Upgrade or Connection; the server MUST NOT open a tunnel to the host in :authority; the WebSocket frames pass unchanged.',
    level: 'MUST',
    roles: ROLES,
    front: 'h2',
    // RFC 8441 §4: "the server MUST NOT create a tunnel to the host indicated
    // by the :authority as it would with a CONNECT method request that was not
    // modified by this extension." §5: "Implementations using this extended
    // CONNECT to bootstrap WebSockets do not do the processing of the
    // Sec-WebSocket-Key and Sec-WebSocket-Accept header fields", and
    // Sec-WebSocket-Protocol is used "as defined in [RFC6455]". RFC 9113 §8.6:
    // "HTTP/2 removes support for the 101 (Switching Protocols) informational
    // status code"; §8.2.2: no connection-specific fields (Upgrade, Connection).
    timeoutMs: 10_000,
    async run(ctx) {
      const client = await extendedConnectClient(ctx)
      const listener = await ctx.startTcp('sink')
      const fromOrigin = Buffer.concat([
        frameBytes({ opcode: 1, payload: `hello ${ctx.token}`, masked: false }),
        frameBytes({ opcode: 2, payload: Buffer.alloc(300, 0xa5), masked: false }),
      ])
      const endpoint = websocketEndpoint({ mode: 'listen' })
      ctx.origin.behave(endpoint.behaviour)
      const id = await client.request({
        pseudo: extendedPseudo(ctx, 'ws', { authority: listener.authority }),
        fields: [
          ...WS_FIELDS,
          { name: 'sec-websocket-protocol', value: 'chat, superchat' },
          { name: 'sec-websocket-extensions', value: 'permessage-deflate' },
        ],
        endStream: false,
      })
      const answer = await answerOf(ctx, client, id, 'an answer to the extended CONNECT')
      if (answer.kind !== 'head' || !answer.status.startsWith('2') || answer.saw101) {
        if (answer.saw101)
          return violates(
            'a 2xx (200) to the extended CONNECT',
            `the target under test sent :status 101, which HTTP/2 does not have (${describeAnswer(answer)})`,
          )
        return violates(
          'a 2xx to a valid extended CONNECT the target advertised',
          `the target under test answered ${describeAnswer(answer)}`,
        )
      }
      // Upgrade and Connection are connection-specific (RFC 9113 §8.2.2: MUST NOT
      // be generated). A stray sec-websocket-accept is not: RFC 8441 §5 only says
      // nobody processes it, so it is noted (INFO), never failed.
      const forbidden = ['upgrade', 'connection'].filter(
        (n) => fieldOf(answer.block, n) !== undefined,
      )
      if (forbidden.length > 0)
        return violates(
          `:status ${answer.status} without the connection-specific upgrade or connection fields`,
          `the target under test sent ${forbidden.join(', ')}`,
        )
      const stray =
        fieldOf(answer.block, 'sec-websocket-accept') === undefined
          ? ''
          : ' (INFO: a sec-websocket-accept field rode along, which RFC 8441 §5 makes meaningless)'
      const protocol = fieldOf(answer.block, 'sec-websocket-protocol')
      const session = await endpoint.nextSession(ctx.remainingMs())
      if (isTimeout(session))
        return timedOut('the WebSocket handshake at the origin', session.afterMs)
      const fromClient = Buffer.concat([
        frameBytes({ opcode: 1, payload: `client ${ctx.token}` }),
        frameBytes({ opcode: 9, payload: 'ping' }),
        frameBytes({ opcode: 8, payload: closePayload(1000, 'bye') }),
      ])
      await sendTunnelData(ctx, client, id, fromClient)
      const atOrigin = await session.until(
        'the client frames at the origin',
        () => (session.received.length >= fromClient.length || session.closed ? true : undefined),
        ctx.remainingMs(),
      )
      if (isTimeout(atOrigin)) return timedOut('the client frames at the origin', atOrigin.afterMs)
      if (!session.received.subarray(0, fromClient.length).equals(fromClient))
        return violates(
          'the masked client frames at the origin byte for byte',
          `the origin received ${session.received.length} bytes that differ (${session.received.subarray(0, 16).toString('hex')}…)`,
        )
      session.send(fromOrigin)
      session.close()
      const down = await waitForTunnelBytes(ctx, client, id, fromOrigin.length)
      if (!down.data.subarray(0, fromOrigin.length).equals(fromOrigin))
        return violates(
          "the origin's frames at the client byte for byte",
          `the client received ${down.data.length} of ${fromOrigin.length} bytes${down.data.length >= fromOrigin.length ? ' (differing)' : ''}, then ${down.rst === undefined ? (down.ended ? 'END_STREAM' : 'nothing') : 'RST_STREAM'}`,
        )
      // RFC 8441 §5: "Orderly TCP-level closures are represented as END_STREAM
      // flags"; RFC 9110 §9.3.6: a tunnel intermediary that sees one side close
      // MUST close the other after delivering what it has. The origin sent FIN.
      const end = await client.waitForStreamEnd(id, { timeoutMs: ctx.remainingMs() - 500 })
      if (isTimeout(end))
        return violates(
          "the origin's FIN passed on as END_STREAM (the tunnel closed toward the client)",
          `the target under test neither ended nor reset the stream within ${Math.round(end.afterMs)} ms after the origin's FIN`,
        )
      const closing = received(client, id)
      const closeNote =
        closing.rst === undefined
          ? "END_STREAM after the origin's FIN"
          : `RST_STREAM after the origin's FIN (INFO: END_STREAM expected)`
      if (listener.connections.length > 0)
        return violates(
          `no connection to the :authority ${listener.authority}`,
          `the target under test opened ${listener.connections.length} raw connection(s) to it`,
        )
      if (protocol !== 'chat')
        return violates(
          'sec-websocket-protocol: chat (the origin chose it) in the 200',
          protocol === undefined
            ? 'no sec-websocket-protocol'
            : `sec-websocket-protocol: ${protocol}`,
        )
      return conforms(
        `:status ${answer.status}, sec-websocket-protocol: chat, no upgrade or connection; ${fromClient.length} bytes up and ${fromOrigin.length} down unchanged, ${closeNote}; no connection to :authority${stray}`,
      )
    },
  }),
  defineCase({
    id: 'extended-connect-malformed-rejected',
    title:
      'An extended CONNECT without :path or :scheme, or with connection and upgrade fields, is rejected unforwarded, and :protocol foo is refused',
    requirements: ['H2-22'],
    spec: [
      { rfc: 8441, section: '4' },
      { rfc: 9113, section: '8.2.2' },
      { rfc: 9113, section: '8.1.1' },
    ],
    requirement:
      'On requests with :protocol, :scheme and :path MUST be included; connection-specific fields make a request malformed; only the protocols the server bridges are accepted.',
    level: 'MUST',
    roles: ROLES,
    front: 'h2',
    // RFC 8441 §4: "On requests that contain the :protocol pseudo-header field,
    // the :scheme and :path pseudo-header fields of the target URI (see Section
    // 5) MUST also be included." RFC 9113 §8.2.2: "Any message containing
    // connection-specific header fields MUST be treated as malformed". §8.1.1:
    // not forwarded. `:protocol foo` names a protocol the gateway does not
    // bridge: any refusal passes (501 is only RFC 9220's h3 advice: INFO).
    async run(ctx) {
      await extendedConnectClient(ctx)
      const variants: {
        suffix: string
        label: string
        pseudo: BlockItem[]
        fields: BlockItem[]
      }[] = [
        {
          suffix: 'ws-no-path',
          label: 'without :path',
          pseudo: extendedPseudo(ctx, 'ws-no-path').filter(
            (f) => !('name' in f) || f.name !== ':path',
          ),
          fields: WS_FIELDS,
        },
        {
          suffix: 'ws-no-scheme',
          label: 'without :scheme',
          pseudo: extendedPseudo(ctx, 'ws-no-scheme').filter(
            (f) => !('name' in f) || f.name !== ':scheme',
          ),
          fields: WS_FIELDS,
        },
        {
          suffix: 'ws-upgrade',
          label: 'with connection: upgrade and upgrade: websocket',
          pseudo: extendedPseudo(ctx, 'ws-upgrade'),
          fields: [
            ...WS_FIELDS,
            { name: 'connection', value: 'upgrade' },
            { name: 'upgrade', value: 'websocket' },
          ],
        },
        {
          suffix: 'ws-foo',
          label: ':protocol foo',
          pseudo: extendedPseudo(ctx, 'ws-foo', { protocol: 'foo' }),
          fields: WS_FIELDS,
        },
      ]
      ctx.origin.behave(websocketEndpoint({ mode: 'listen' }).behaviour)
      const answers: { label: string; answer: TunnelAnswer }[] = []
      let last: H2RawClient | undefined
      for (const variant of variants) {
        const client = await ctx.h2()
        last = client
        const id = await client.request({
          pseudo: variant.pseudo,
          fields: variant.fields,
          endStream: false,
        })
        answers.push({
          label: variant.label,
          answer: await answerOf(
            ctx,
            client,
            id,
            `an answer to the extended CONNECT ${variant.label}`,
          ),
        })
      }
      if (last === undefined) throw new Error('no variant')
      const forwarded = await forwardedAmong(
        ctx,
        last,
        variants.filter((v) => v.suffix !== 'ws-foo').map((v) => v.suffix),
      )
      const accepted = answers.filter((a) => !refuses(a.answer))
      if (accepted.length > 0 || forwarded.length > 0)
        return violates(
          'every malformed extended CONNECT rejected and not forwarded, and :protocol foo refused',
          `the target under test accepted ${accepted.map((a) => `${a.label} (${describeAnswer(a.answer)})`).join('; ') || 'none'}${forwarded.length > 0 ? `; forwarded ${forwarded.join(', ')}` : ''}`,
        )
      const foo = answers.at(-1)?.answer
      const info =
        foo !== undefined && !(foo.kind === 'head' && foo.status === '501')
          ? ` (INFO: :protocol foo got ${describeAnswer(foo)}, 501 suggested)`
          : ''
      return conforms(
        `${answers.map((a) => `${a.label}: ${describeAnswer(a.answer)}`).join('; ')}; nothing forwarded${info}`,
      )
    },
  }),
  defineCase({
    id: 'websocket-bridge-fresh-key',
    title:
      'Bridging to an HTTP/1.1 origin, the gateway sends a complete RFC 6455 handshake with a fresh random 16-byte key on each of five connections',
    requirements: ['H2-23'],
    spec: [
      { rfc: 8441, section: '5' },
      { rfc: 6455, section: '4.1' },
    ],
    requirement:
      'As the RFC 6455 client on the HTTP/1.1 hop, the gateway sends Upgrade: websocket, Connection: Upgrade, version 13 and a Sec-WebSocket-Key nonce selected randomly for each connection.',
    level: 'MUST',
    roles: ROLES,
    front: 'h2',
    // RFC 6455 §4.1: "The request MUST include a header field with the name
    // |Sec-WebSocket-Key|. The value of this header field MUST be a nonce
    // consisting of a randomly selected 16-byte value that has been
    // base64-encoded ... The nonce MUST be selected randomly for each
    // connection." A gateway bridging RFC 8441 to an HTTP/1.1 origin is that
    // client (RFC 8441 §5 leaves the key to the HTTP/1.1 hop). A constant key
    // (lighttpd's mod_proxy, B92) lets a cache or a replay answer for it.
    timeoutMs: 15_000,
    async run(ctx) {
      const endpoint = websocketEndpoint({ mode: 'listen' })
      ctx.origin.behave(endpoint.behaviour)
      const keys: string[] = []
      const problems: string[] = []
      for (let i = 1; i <= 5; i++) {
        const client = await extendedConnectClient(ctx)
        const id = await client.request({
          pseudo: extendedPseudo(ctx, `ws-${i}`),
          fields: WS_FIELDS,
          endStream: false,
        })
        const answer = await answerOf(ctx, client, id, `an answer to extended CONNECT ${i}`)
        if (!opensTunnel(answer))
          return violates(
            'a 200 and a tunnel for a valid extended CONNECT to a conformant WebSocket origin',
            `connection ${i}: the target under test answered ${describeAnswer(answer)}`,
          )
        const session = await endpoint.nextSession(ctx.remainingMs())
        if (isTimeout(session)) return timedOut(`handshake ${i} at the origin`, session.afterMs)
        const headers = session.request.message.head.headers
        const key = firstFieldValue(headers, 'sec-websocket-key') ?? ''
        keys.push(key)
        if (
          Buffer.from(key, 'base64').length !== 16 ||
          Buffer.from(key, 'base64').toString('base64') !== key
        )
          problems.push(`key ${i} "${key}" is not 16 bytes in base64`)
        if (!listTokens(headers, 'upgrade').includes('websocket'))
          problems.push(`handshake ${i} without Upgrade: websocket`)
        if (!listTokens(headers, 'connection').includes('upgrade'))
          problems.push(`handshake ${i} without the upgrade connection option`)
        if (firstFieldValue(headers, 'sec-websocket-version') !== '13')
          problems.push(`handshake ${i} without Sec-WebSocket-Version: 13`)
        // The tunnel works: a frame from the origin reaches the client.
        const hello = frameBytes({ opcode: 1, payload: `conn ${i}`, masked: false })
        session.send(hello)
        const got = await waitForTunnelBytes(ctx, client, id, hello.length)
        if (!got.data.equals(hello)) problems.push(`tunnel ${i} did not relay the origin's frame`)
      }
      const distinct = new Set(keys)
      if (distinct.size !== keys.length)
        problems.unshift(
          `${keys.length} handshakes used only ${distinct.size} distinct key(s): ${[...distinct].join(', ')}`,
        )
      if (problems.length > 0)
        return violates(
          'five complete handshakes, each with its own random 16-byte Sec-WebSocket-Key',
          `the target under test: ${problems.join('; ')}`,
        )
      return conforms(`five handshakes, five distinct 16-byte keys; each tunnel relayed`)
    },
  }),
  defineCase({
    id: 'websocket-bridge-checks-origin-answer',
    title:
      'A 101 with a wrong or missing Accept or without Upgrade, a 200, or a 426 from the origin gives the client a non-2xx or RST_STREAM and no tunnel',
    requirements: ['H2-23'],
    spec: [
      { rfc: 8441, section: '5' },
      { rfc: 6455, section: '4.1' },
      { rfc: 6455, section: '4.2.2' },
    ],
    requirement:
      'The gateway, as the RFC 6455 client, MUST fail the connection when the answer is not a 101 with Upgrade: websocket and the Sec-WebSocket-Accept of its key.',
    level: 'MUST',
    roles: ROLES,
    front: 'h2',
    // RFC 6455 §4.1 (the client's checks): "If the status code received from
    // the server is not 101, the client handles the response per HTTP
    // procedures"; "If the response lacks an |Upgrade| header field or the
    // |Upgrade| header field contains a value that is not an ASCII
    // case-insensitive match for the value "websocket", the client MUST _Fail
    // the WebSocket Connection_"; "If the response lacks a
    // |Sec-WebSocket-Accept| header field or the |Sec-WebSocket-Accept|
    // contains a value other than the base64-encoded SHA-1 of the
    // concatenation of the |Sec-WebSocket-Key| (as a string, not base64-decoded)
    // with the string "258EAFA5-E914-47DA-95CA-C5AB0DC85B11" ... the client MUST
    // _Fail the WebSocket Connection_." Only the gateway sees the key and the
    // Accept (RFC 8441 §5), so only it can check them (portless PR #363, B92).
    // A 2xx to the extended CONNECT tells the client the WebSocket is up (RFC
    // 9110 §9.3.6: "Any 2xx (Successful) response indicates that the sender (and
    // all inbound proxies) will switch to tunnel mode"), so relaying the
    // origin's plain 200 opens a tunnel onto an origin that never switched.
    timeoutMs: 15_000,
    async run(ctx) {
      const answers: Record<string, (key: string) => Buffer> = {
        'wrong-accept': (key) =>
          responseBytes({
            status: 101,
            headers: [
              ['Upgrade', 'websocket'],
              ['Connection', 'Upgrade'],
              ['Sec-WebSocket-Accept', websocketAccept(`${key}x`)],
            ],
          }),
        'no-accept': () =>
          responseBytes({
            status: 101,
            headers: [
              ['Upgrade', 'websocket'],
              ['Connection', 'Upgrade'],
            ],
          }),
        'no-upgrade': (key) =>
          responseBytes({
            status: 101,
            headers: [
              ['Connection', 'Upgrade'],
              ['Sec-WebSocket-Accept', websocketAccept(key)],
            ],
          }),
        'status-200': () =>
          responseBytes({
            status: 200,
            headers: [['Content-Length', '2']],
            body: 'ok',
          }),
        'status-426': () =>
          responseBytes({
            status: 426,
            headers: [
              ['Upgrade', 'websocket'],
              ['Connection', 'Upgrade'],
              ['Sec-WebSocket-Version', '13'],
              ['Content-Length', '0'],
            ],
          }),
      }
      ctx.origin.behave({
        kind: 'raw',
        on: 'head',
        respond(request, connection) {
          const variant = request.message.head.target.split('/').at(-1) ?? ''
          const key = firstFieldValue(request.message.head.headers, 'sec-websocket-key') ?? ''
          const answer = answers[variant]
          if (answer === undefined) connection.reset()
          else connection.write(answer(key))
        },
      })
      const results: string[] = []
      const opened: string[] = []
      for (const variant of Object.keys(answers)) {
        const client = await extendedConnectClient(ctx)
        const id = await client.request({
          pseudo: extendedPseudo(ctx, variant),
          fields: WS_FIELDS,
          endStream: false,
        })
        const answer = await answerOf(ctx, client, id, `an answer with the origin's ${variant}`)
        results.push(`${variant}: ${describeAnswer(answer)}`)
        if (!refuses(answer)) opened.push(`${variant} (${describeAnswer(answer)})`)
        const got = received(client, id)
        if (answer.kind === 'head' && !got.ended && got.rst === undefined && refuses(answer)) {
          // A relayed refusal (the 426) ends with its body; wait for it so nothing is left open.
          await waitForTunnelEnd(ctx, client, id, `the end of the ${variant} answer`)
        }
      }
      if (opened.length > 0)
        return violates(
          'a non-2xx (502 expected) or RST_STREAM, and no tunnel, for every bad handshake answer',
          `the target under test opened a tunnel after: ${opened.join('; ')}`,
        )
      return conforms(results.join('; '))
    },
  }),
]
