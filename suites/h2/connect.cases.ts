// H2-17 … H2-20 (CONNECT over HTTP/2, RFC 9113 §8.5), for a forward proxy or
// tunnel that accepts h2. The CONNECT targets are the run's leased TCP
// listeners (ctx.leaseTcp: ports the target is configured to allow) and, for
// the unlisted port, a fresh listener (ctx.startTcp). Their connection
// records (bytes, FIN, ECONNRESET) are the evidence of what the tunnel did on
// the TCP side; the client's frames are the evidence on the h2 side.
//
// A peer whose CONNECT does not reach the TCP target named in :authority (a
// forward proxy whose only backend is the origin, as nghttpx --http2-proxy is
// configured here) opens no tunnel to the harness listener: the cases that
// need a working tunnel report that as unsupported, with the answer it gave.
import { randomBytes } from 'node:crypto'
import { defineCase } from '../../harness/engine/model/case.js'
import type { CaseContext } from '../../harness/engine/model/case-context.js'
import {
  conforms,
  endCase,
  timedOut,
  unsupported,
  violates,
  type Outcome,
} from '../../harness/engine/model/outcome.js'
import { ERROR_CODE, errorCodeName } from '../../harness/h2/constants.js'
import type { BlockItem } from '../../harness/h2/hpack-encoder.js'
import type { H2RawClient } from '../../harness/h2/raw-client.js'
import { isTimeout } from '../../harness/net/deadline.js'
import type { StartedTcpServer, TcpConnectionRecord } from '../../harness/tcp/types.js'
import {
  answerOf,
  connectPseudo,
  describeAnswer,
  fieldOf,
  opensTunnel,
  received,
  sendTunnelData,
  sha256,
  waitForTunnelBytes,
  waitForTunnelEnd,
  type TunnelAnswer,
} from './support/tunnel-streams.js'

const ROLES = ['forward', 'tunnel'] as const
const MIB = 1024 * 1024

/** A TLS 1.3 ClientHello's first bytes (record header, handshake type): what a browser sends first. */
const CLIENT_HELLO = Buffer.concat([
  Buffer.from('16030100c4010000c00303', 'hex'),
  randomBytes(32),
  Buffer.from('000213010100009500000010000e00000b6578616d706c652e636f6d', 'hex'),
])

/** The tunnel payload: random bytes, then an HTTP request line and NULs that a relay must not read. */
function tunnelPayload(size: number): Buffer {
  return Buffer.concat([randomBytes(size), Buffer.from('GET / HTTP/1.1\r\n\r\n'), Buffer.alloc(64)])
}

/** A tunnel opened to `server` on `client`, with its target-side connection; ends the case otherwise. */
async function openTunnel(
  ctx: CaseContext,
  client: H2RawClient,
  server: StartedTcpServer,
  options: { readonly early?: Buffer } = {},
): Promise<{ streamId: number; answer: TunnelAnswer; conn: TcpConnectionRecord }> {
  const accepted = server.nextConnection(ctx.remainingMs())
  const streamId = await client.request({
    pseudo: connectPseudo(server.authority),
    endStream: false,
  })
  if (options.early !== undefined) await client.connection.sendData(streamId, options.early)
  const answer = await answerOf(ctx, client, streamId, `an answer to CONNECT ${server.authority}`)
  if (!opensTunnel(answer))
    endCase(
      unsupported(
        `CONNECT ${server.authority} (a port the target is configured to allow) over h2 was answered ${describeAnswer(answer)}: no tunnel to test`,
      ),
    )
  // The 2xx comes once the TCP connection is established (RFC 9113 §8.5): it is accepted by now.
  const conn = await ctx.wait('the tunnel to reach the harness listener', accepted, ctx.quietMs)
  if (isTimeout(conn) || isTimeout(await accepted))
    endCase(
      unsupported(
        `CONNECT ${server.authority} got ${describeAnswer(answer)} but the target never connected to that listener (its CONNECT goes elsewhere)`,
      ),
    )
  const record = (await accepted) as TcpConnectionRecord
  return { streamId, answer, conn: record }
}

/** The record of connection `id` now. */
const recordOf = (server: StartedTcpServer, id: string): TcpConnectionRecord | undefined =>
  server.connections.find((c) => c.id === id)

/** How the target's side of the tunnel ended, as the listener saw it. */
function tcpEnd(record: TcpConnectionRecord | undefined): string {
  if (record === undefined) return 'no connection'
  if (record.error !== undefined) return `a reset (${record.error})`
  if (record.peerEnded) return 'a FIN'
  return record.closed ? 'a close' : 'still open'
}

/** Waits until the listener's connection `id` closed or got a FIN (or the deadline). */
async function tcpSideEnded(
  ctx: CaseContext,
  server: StartedTcpServer,
  id: string,
): Promise<TcpConnectionRecord | undefined> {
  const ended = await server.waitForPeerEnd(id, ctx.remainingMs())
  if (isTimeout(ended)) return undefined
  // A reset shows as an error on close; a FIN may be followed by one: wait for the close too.
  if (!ended.closed && ended.error === undefined) return ended
  return recordOf(server, id)
}

/** A tunnel over a new h2 connection to the run's leased sink listener. */
interface SinkTunnel {
  readonly sink: StartedTcpServer
  readonly client: H2RawClient
  readonly streamId: number
  readonly conn: TcpConnectionRecord
}

/** Opens a SinkTunnel (the lease is shared: waiting for it counts against the deadline). */
async function sinkTunnel(ctx: CaseContext): Promise<SinkTunnel> {
  const sink = await ctx.leaseTcp('sink')
  const client = await ctx.h2()
  const { streamId, conn } = await openTunnel(ctx, client, sink)
  return { sink, client, streamId, conn }
}

/** Sends `${what} <token>` as DATA and waits for it at the target: undefined once there, else the timeout. */
async function probeArrived(
  ctx: CaseContext,
  { sink, client, streamId, conn }: SinkTunnel,
  what: string,
): Promise<Outcome | undefined> {
  const probe = Buffer.from(`${what} ${ctx.token}`)
  await client.connection.sendData(streamId, probe)
  const arrived = await sink.waitForBytes(conn.id, probe.length, ctx.remainingMs())
  if (isTimeout(arrived)) return timedOut('the probe at the target', arrived.afterMs)
  return undefined
}

/** The target's side of the tunnel after an error: it must see a TCP reset (RFC 9113 §8.5). */
async function targetReset(
  ctx: CaseContext,
  { sink, conn }: SinkTunnel,
  expected: string,
): Promise<Outcome> {
  const tcp = await tcpSideEnded(ctx, sink, conn.id)
  if (tcp?.error === undefined)
    return violates(expected, `the harness listener saw ${tcpEnd(tcp ?? recordOf(sink, conn.id))}`)
  return conforms(`the target saw ${tcpEnd(tcp)}`)
}

/** The target writes `down` then closes (FIN); resolves with what the client got on the stream. */
async function targetSendsThenFin(
  ctx: CaseContext,
  { sink, client, streamId, conn }: SinkTunnel,
  down: Buffer,
): ReturnType<typeof waitForTunnelEnd> {
  const driver = targetDriver(sink, conn)
  driver.write(down)
  driver.end()
  return waitForTunnelEnd(ctx, client, streamId, "the target's FIN as END_STREAM")
}

/** The harness side of the target connection, to write, end or reset it. */
function targetDriver(
  sink: StartedTcpServer,
  conn: TcpConnectionRecord,
): NonNullable<ReturnType<StartedTcpServer['drive']>> {
  const driver = sink.drive(conn.id)
  if (driver === undefined) throw new Error(`no driver for ${conn.id}`)
  return driver
}

/** The client sends `up` with END_STREAM; resolves when the target saw the FIN (or the deadline). */
async function clientSendsThenEnd(
  ctx: CaseContext,
  { sink, client, streamId, conn }: SinkTunnel,
  up: Buffer,
): ReturnType<StartedTcpServer['waitForPeerEnd']> {
  await sendTunnelData(ctx, client, streamId, up, { endStream: true })
  return sink.waitForPeerEnd(conn.id, ctx.remainingMs())
}

export const connectCases = [
  defineCase({
    id: 'connect-malformed-forms-rejected',
    title:
      'A CONNECT with :scheme or :path, without :authority, or with a missing, bad or userinfo-bearing authority opens nothing, while a valid tunnel on the same connection keeps working',
    requirements: ['H2-17'],
    spec: [
      { rfc: 9113, section: '8.5' },
      { rfc: 9113, section: '8.3.1' },
      { rfc: 9113, section: '8.1.1' },
      { rfc: 9112, section: '3.2.3' },
    ],
    requirement:
      'In a CONNECT the ":scheme" and ":path" pseudo-header fields MUST be omitted and ":authority" carries host:port; otherwise the request is malformed: no tunnel and no TCP connection, a stream error only.',
    level: 'MUST',
    roles: ROLES,
    front: 'h2',
    // RFC 9113 §8.5: "The ":scheme" and ":path" pseudo-header fields MUST be
    // omitted. The ":authority" pseudo-header field contains the host and port
    // to connect to (equivalent to the authority-form of the request-target of
    // CONNECT requests; see Section 3.2.3 of [HTTP/1.1]). The CONNECT request is
    // malformed if it does not conform to these restrictions." §8.1.1: a
    // malformed request is a stream error; "Intermediaries that process HTTP
    // requests or responses ... MUST NOT forward a malformed request".
    // Authority-form is uri-host ":" port (RFC 9112 §3.2.3): no userinfo, a port.
    // Leased listeners are shared: waiting for one counts against the deadline.
    timeoutMs: 15_000,
    async run(ctx) {
      const echo = await ctx.leaseTcp('echo')
      const client = await ctx.h2()
      const valid = await openTunnel(ctx, client, echo)
      const host = echo.host
      const variants: { label: string; pseudo: BlockItem[] }[] = [
        {
          label: '+ :scheme https',
          pseudo: [...connectPseudo(echo.authority), { name: ':scheme', value: 'https' }],
        },
        {
          label: '+ :path /',
          pseudo: [...connectPseudo(echo.authority), { name: ':path', value: '/' }],
        },
        {
          label: '+ :scheme and :path',
          pseudo: [
            { name: ':method', value: 'CONNECT' },
            { name: ':scheme', value: 'https' },
            { name: ':authority', value: echo.authority },
            { name: ':path', value: '/' },
          ],
        },
        { label: 'no :authority', pseudo: [{ name: ':method', value: 'CONNECT' }] },
        { label: `:authority ${host} (no port)`, pseudo: connectPseudo(host) },
        { label: `:authority ${host}:99999`, pseudo: connectPseudo(`${host}:99999`) },
        {
          label: `:authority user@${echo.authority}`,
          pseudo: connectPseudo(`user@${echo.authority}`),
        },
      ]
      const answers: { label: string; answer: TunnelAnswer }[] = []
      for (const variant of variants) {
        const id = await client.request({ pseudo: variant.pseudo, endStream: false })
        answers.push({
          label: variant.label,
          answer: await answerOf(ctx, client, id, `an answer to CONNECT ${variant.label}`),
        })
      }
      const opened = answers.filter((a) => opensTunnel(a.answer))
      if (opened.length > 0)
        return violates(
          'every malformed CONNECT rejected (400 or RST_STREAM), no tunnel',
          `the target under test opened a tunnel for: ${opened.map((a) => `${a.label} (${describeAnswer(a.answer)})`).join('; ')}`,
        )
      // The valid tunnel still works after the rejections on its connection.
      const probe = Buffer.from(`still open ${ctx.token}`)
      await client.connection.sendData(valid.streamId, probe)
      const echoed = await waitForTunnelBytes(ctx, client, valid.streamId, probe.length)
      if (!echoed.data.equals(probe))
        return violates(
          'the valid tunnel keeps working while the malformed CONNECTs on its connection are rejected',
          `after the rejections the valid tunnel returned ${echoed.data.length} bytes${echoed.rst === undefined ? '' : `, then RST_STREAM(${errorCodeName(echoed.rst)})`}${echoed.ended ? ', then END_STREAM' : ''} instead of the ${probe.length}-byte echo`,
        )
      // Every rejection is in, and the valid tunnel's echo came after them: a
      // connection for a malformed CONNECT would have been accepted by now.
      const extra = echo.connections.filter((c) => c.id !== valid.conn.id)
      if (extra.length > 0)
        return violates(
          'no TCP connection for a malformed CONNECT',
          `the harness listener accepted ${extra.length} more connection(s) while the target under test rejected the malformed CONNECTs`,
        )
      const codes = answers.map((a) => `${a.label}: ${describeAnswer(a.answer)}`).join('; ')
      const unusual = answers.filter(
        (a) =>
          !(a.answer.kind === 'reset' && a.answer.code === ERROR_CODE.PROTOCOL_ERROR) &&
          !(a.answer.kind === 'head' && a.answer.status.startsWith('4')),
      )
      return conforms(
        `all ${answers.length} malformed CONNECTs rejected with nothing opened (${codes})${unusual.length > 0 ? '; INFO: not 4xx/PROTOCOL_ERROR for some' : ''}; the valid tunnel kept working`,
      )
    },
  }),
  defineCase({
    id: 'connect-unlisted-port-refused',
    title: 'An h2 CONNECT to a port outside the allowed set is refused without a TCP connection',
    requirements: ['H2-17', 'CONNECT-09'],
    spec: [
      { rfc: 9113, section: '8.5' },
      { rfc: 9110, section: '9.3.6' },
    ],
    requirement:
      'The target rules of HTTP/1.1 CONNECT apply over h2: a proxy SHOULD restrict CONNECT to a limited set of known ports or a configurable list.',
    level: 'SHOULD',
    roles: ROLES,
    front: 'h2',
    // RFC 9110 §9.3.6: "Proxies that support CONNECT SHOULD restrict its use to
    // a limited set of known ports or a configurable list of safe request
    // targets." RFC 9113 §8.5 changes the framing of CONNECT, not this rule.
    // Leased listeners are shared: waiting for one counts against the deadline.
    timeoutMs: 15_000,
    async run(ctx) {
      const sink = await ctx.startTcp('sink')
      const client = await ctx.h2()
      const id = await client.request({ pseudo: connectPseudo(sink.authority), endStream: false })
      const accepted = sink.nextConnection(ctx.remainingMs())
      const answer = await answerOf(ctx, client, id, `an answer to CONNECT ${sink.authority}`)
      // A 2xx comes once the TCP connection is up (RFC 9113 §8.5); none: the CONNECT went elsewhere.
      if (
        opensTunnel(answer) &&
        isTimeout(await ctx.wait('a connection to the unlisted port', accepted, ctx.quietMs))
      )
        return unsupported(
          `CONNECT ${sink.authority} got ${describeAnswer(answer)} but the target never connected to that port (its CONNECT goes elsewhere)`,
        )
      if (opensTunnel(answer))
        return violates(
          `a refusal (403 expected) of CONNECT to the unlisted port ${sink.port}`,
          `the target under test answered ${describeAnswer(answer)}: the tunnel was opened`,
        )
      if (sink.connections.length > 0)
        return violates(
          'no connection to the refused port',
          `the target under test connected to port ${sink.port} before answering ${describeAnswer(answer)}`,
        )
      return conforms(`refused with ${describeAnswer(answer)}, no connection to the port`)
    },
  }),
  defineCase({
    id: 'connect-tunnel-relays-bytes-exactly',
    title:
      'DATA sent before the 2xx reaches the target first, the 2xx has no content-length or transfer-encoding, and 1 MiB passes byte for byte both ways',
    requirements: ['H2-18'],
    spec: [
      { rfc: 9113, section: '8.5' },
      { rfc: 9110, section: '9.3.6' },
    ],
    requirement:
      'The payload of every DATA frame is written to the TCP connection and every byte from it comes back as DATA, unchanged; a 2xx to CONNECT carries no Content-Length or Transfer-Encoding.',
    level: 'MUST',
    roles: ROLES,
    front: 'h2',
    // RFC 9113 §8.5: "The frame payload of any DATA frames sent by the client is
    // transmitted by the proxy to the TCP server; data received from the TCP
    // server is assembled into DATA frames by the proxy." RFC 9110 §9.3.6: "A
    // server MUST NOT send any Transfer-Encoding or Content-Length header fields
    // in a 2xx (Successful) response to CONNECT." DATA sent before the 2xx is
    // delivered first when the tunnel opens (CONNECT-07's accept path).
    timeoutMs: 20_000,
    async run(ctx) {
      const echo = await ctx.leaseTcp('echo')
      const client = await ctx.h2()
      const { streamId, answer, conn } = await openTunnel(ctx, client, echo, {
        early: CLIENT_HELLO,
      })
      if (answer.kind !== 'head') throw new Error('unreachable')
      const framing = ['content-length', 'transfer-encoding'].filter(
        (name) => fieldOf(answer.block, name) !== undefined,
      )
      if (framing.length > 0)
        return violates(
          'a 2xx to CONNECT without content-length or transfer-encoding',
          `the target under test answered :status ${answer.status} with ${framing.map((n) => `${n}: ${fieldOf(answer.block, n)}`).join(', ')}`,
        )
      const first = await echo.waitForBytes(conn.id, CLIENT_HELLO.length, ctx.remainingMs())
      if (isTimeout(first)) return timedOut('the early ClientHello at the target', first.afterMs)
      if (!first.received.subarray(0, CLIENT_HELLO.length).equals(CLIENT_HELLO))
        return violates(
          'the DATA sent before the 2xx delivered to the target first, intact',
          `the target received ${first.received.length} bytes starting ${first.received.subarray(0, 8).toString('hex')} instead of the ${CLIENT_HELLO.length}-byte ClientHello`,
        )
      const payload = tunnelPayload(MIB)
      await sendTunnelData(ctx, client, streamId, payload)
      const total = CLIENT_HELLO.length + payload.length
      const atTarget = await echo.waitForBytes(conn.id, total, ctx.remainingMs())
      if (isTimeout(atTarget)) return timedOut(`${total} bytes at the target`, atTarget.afterMs)
      const sentAll = Buffer.concat([CLIENT_HELLO, payload])
      if (!atTarget.received.equals(sentAll))
        return violates(
          `the target receives the ${total} bytes the client sent in DATA (SHA-256 ${sha256(sentAll)})`,
          `the target received ${atTarget.received.length} bytes (SHA-256 ${sha256(atTarget.received)})`,
        )
      const back = await waitForTunnelBytes(ctx, client, streamId, total)
      if (!back.data.equals(sentAll))
        return violates(
          `the client receives the ${total} bytes the target sent, as DATA (SHA-256 ${sha256(sentAll)})`,
          `the client received ${back.data.length} bytes (SHA-256 ${sha256(back.data)})${back.rst === undefined ? '' : `, then RST_STREAM(${errorCodeName(back.rst)})`}`,
        )
      return conforms(
        `:status ${answer.status} without framing fields; the early ClientHello first, then ${total} bytes both ways, SHA-256 ${sha256(sentAll)}`,
      )
    },
  }),
  defineCase({
    id: 'connect-non-data-frame-resets-tunnel',
    title:
      'A HEADERS frame on an open tunnel stream ends it with RST_STREAM, and the target sees a reset, not a FIN',
    requirements: ['H2-18', 'H2-20'],
    spec: [
      { rfc: 9113, section: '8.5' },
      { rfc: 9113, section: '5.4.2' },
    ],
    requirement:
      'A frame other than DATA, RST_STREAM, WINDOW_UPDATE or PRIORITY on a connected stream MUST be treated as a stream error, and a proxy MUST send a TCP RST when it detects an error with the stream.',
    level: 'MUST',
    roles: ROLES,
    front: 'h2',
    // RFC 9113 §8.5: "Frame types other than DATA or stream management frames
    // (RST_STREAM, WINDOW_UPDATE, and PRIORITY) MUST NOT be sent on a connected
    // stream and MUST be treated as a stream error (Section 5.4.2) if
    // received." and "a proxy MUST send a TCP segment with the RST bit set if
    // it detects an error with the stream or the HTTP/2 connection."
    // Leased listeners are shared: waiting for one counts against the deadline.
    timeoutMs: 15_000,
    async run(ctx) {
      const tunnel = await sinkTunnel(ctx)
      const { sink, client, streamId, conn } = tunnel
      const notThere = await probeArrived(ctx, tunnel, 'before the HEADERS')
      if (notThere !== undefined) return notThere
      await client.connection.sendHeaders(streamId, [{ name: 'x-a', value: '1' }])
      const end = await waitForTunnelEnd(ctx, client, streamId, 'the tunnel stream to be reset')
      if (end.rst === undefined)
        return violates(
          'RST_STREAM on the tunnel stream after a HEADERS frame on it',
          end.ended
            ? 'the target under test ended the stream with END_STREAM instead of a stream error'
            : 'the target under test closed the connection without resetting the stream',
        )
      const tcp = await tcpSideEnded(ctx, sink, conn.id)
      if (tcp?.error === undefined)
        return violates(
          'the target side of the tunnel reset (TCP RST) after the stream error',
          `the harness listener saw ${tcpEnd(tcp ?? recordOf(sink, conn.id))} instead of a reset`,
        )
      return conforms(
        `RST_STREAM(${errorCodeName(end.rst)})${end.rst === ERROR_CODE.PROTOCOL_ERROR ? '' : ' (INFO: PROTOCOL_ERROR expected)'}, and the target saw ${tcpEnd(tcp)}`,
      )
    },
  }),
  defineCase({
    id: 'connect-client-end-stream-is-fin',
    title:
      "The client's END_STREAM reaches the target as a FIN after all its data, and the target's bytes still flow back until its own FIN becomes END_STREAM",
    requirements: ['H2-19'],
    spec: [
      { rfc: 9113, section: '8.5' },
      { rfc: 9110, section: '9.3.6' },
    ],
    requirement:
      'END_STREAM on a DATA frame is the TCP FIN (sent after that frame\u2019s data, even when the frame is empty), and a FIN from the target is DATA with END_STREAM; each direction closes by itself.',
    level: 'MUST',
    roles: ROLES,
    front: 'h2',
    // RFC 9113 §8.5: "The END_STREAM flag on a DATA frame is treated as being
    // equivalent to the TCP FIN bit. ... A proxy that receives a DATA frame
    // with the END_STREAM flag set sends the attached data with the FIN bit set
    // on the last TCP segment. A proxy that receives a TCP segment with the FIN
    // bit set sends a DATA frame with the END_STREAM flag set. Note that the
    // final TCP segment or DATA frame could be empty." The client's END_STREAM
    // here rides on an empty DATA frame (the row's part c).
    timeoutMs: 20_000,
    async run(ctx) {
      const tunnel = await sinkTunnel(ctx)
      const { sink, client, streamId, conn } = tunnel
      const up = randomBytes(MIB)
      const ended = await clientSendsThenEnd(ctx, tunnel, up)
      if (isTimeout(ended)) {
        const got = recordOf(sink, conn.id)?.received.length ?? 0
        return violates(
          `the target gets all ${up.length} bytes, then a FIN`,
          `the target received ${got} bytes and no FIN within ${Math.round(ended.afterMs)} ms after the client's END_STREAM`,
        )
      }
      if (!ended.received.equals(up))
        return violates(
          `the target gets all ${up.length} bytes before the FIN`,
          `the target received ${ended.received.length} bytes (SHA-256 ${sha256(ended.received)}, sent ${sha256(up)}) before ${tcpEnd(ended)}`,
        )
      if (ended.error !== undefined)
        return violates(
          "the client's END_STREAM passed on as a FIN",
          `the target saw a reset (${ended.error})`,
        )
      const before = received(client, streamId)
      if (before.ended || before.rst !== undefined)
        return violates(
          "the target's direction kept open after the client's END_STREAM",
          `the target under test ended the client's side (${before.rst === undefined ? 'END_STREAM' : `RST_STREAM(${errorCodeName(before.rst)})`}) before the target closed`,
        )
      const down = randomBytes(256 * 1024)
      const back = await targetSendsThenFin(ctx, tunnel, down)
      if (!back.data.equals(down) || !back.ended || back.rst !== undefined)
        return violates(
          `after the client's END_STREAM, the target's ${down.length} bytes, then END_STREAM`,
          `the client received ${back.data.length} bytes${back.data.equals(down) ? '' : ` (SHA-256 ${sha256(back.data)}, sent ${sha256(down)})`}, then ${back.rst === undefined ? (back.ended ? 'END_STREAM' : 'a closed connection') : `RST_STREAM(${errorCodeName(back.rst)})`}`,
        )
      return conforms(
        `${up.length} bytes then a FIN at the target (END_STREAM on an empty DATA frame); then ${down.length} bytes and END_STREAM back`,
      )
    },
  }),
  defineCase({
    id: 'connect-target-fin-is-end-stream',
    title:
      "The target's FIN reaches the client as END_STREAM after all its bytes, and the client's bytes still reach the target until its END_STREAM",
    requirements: ['H2-19'],
    spec: [
      { rfc: 9113, section: '8.5' },
      { rfc: 9110, section: '9.3.6' },
    ],
    requirement:
      'A FIN from the target is DATA with END_STREAM, and the client\u2019s direction keeps flowing until the client sends END_STREAM, which becomes the FIN.',
    level: 'MUST',
    roles: ROLES,
    front: 'h2',
    // RFC 9113 §8.5: "A proxy that receives a TCP segment with the FIN bit set
    // sends a DATA frame with the END_STREAM flag set." and "A client is
    // expected to send a DATA frame with the END_STREAM flag set after
    // receiving a frame with the END_STREAM flag set": the stream is half
    // closed, not over, so the client's data still goes through.
    timeoutMs: 20_000,
    async run(ctx) {
      const tunnel = await sinkTunnel(ctx)
      const { sink, conn } = tunnel
      const down = randomBytes(256 * 1024)
      const back = await targetSendsThenFin(ctx, tunnel, down)
      if (!back.data.equals(down) || !back.ended || back.rst !== undefined)
        return violates(
          `the target's ${down.length} bytes, then END_STREAM`,
          `the client received ${back.data.length} bytes, then ${back.rst === undefined ? (back.ended ? 'END_STREAM' : 'a closed connection') : `RST_STREAM(${errorCodeName(back.rst)}): a reset replaced the orderly close`}`,
        )
      const up = randomBytes(MIB)
      const ended = await clientSendsThenEnd(ctx, tunnel, up)
      const got = isTimeout(ended) ? recordOf(sink, conn.id) : ended
      if (isTimeout(ended) || !ended.received.equals(up) || ended.error !== undefined)
        return violates(
          `after the target's FIN, the client's ${up.length} bytes at the target, then a FIN`,
          `the target received ${got?.received.length ?? 0} bytes, then ${isTimeout(ended) ? 'nothing' : tcpEnd(ended)}`,
        )
      return conforms(
        `${down.length} bytes then END_STREAM at the client; then ${up.length} bytes and a FIN at the target`,
      )
    },
  }),
  defineCase({
    id: 'connect-target-reset-is-connect-error',
    title:
      "A reset of the target's connection reaches the client as RST_STREAM(CONNECT_ERROR) after the bytes already sent, never as END_STREAM",
    requirements: ['H2-20'],
    spec: [
      { rfc: 9113, section: '8.5' },
      { rfc: 9113, section: '7' },
    ],
    requirement:
      'A proxy treats any error in the TCP connection, including a TCP RST, as a stream error of type CONNECT_ERROR.',
    level: 'MUST',
    roles: ROLES,
    front: 'h2',
    // RFC 9113 §8.5: "A TCP connection error is signaled with RST_STREAM. A
    // proxy treats any error in the TCP connection, which includes receiving a
    // TCP segment with the RST bit set, as a stream error of type CONNECT_ERROR
    // (Section 5.4.2)." An END_STREAM would present the failure as an orderly
    // close (FAIL); RST_STREAM with another code is still a reset (the row: WARN).
    // Leased listeners are shared: waiting for one counts against the deadline.
    timeoutMs: 15_000,
    async run(ctx): Promise<Outcome> {
      const { sink, client, streamId, conn } = await sinkTunnel(ctx)
      const down = randomBytes(10_000)
      const driver = targetDriver(sink, conn)
      driver.write(down)
      const first = await waitForTunnelBytes(ctx, client, streamId, down.length)
      if (!first.data.equals(down))
        return violates(
          `the target's ${down.length} bytes at the client before the reset`,
          `the client received ${first.data.length} bytes`,
        )
      driver.reset()
      const end = await waitForTunnelEnd(ctx, client, streamId, "the target's reset at the client")
      if (end.rst === undefined)
        return violates(
          'RST_STREAM(CONNECT_ERROR) after the target reset its connection',
          end.ended
            ? 'the target under test ended the stream with END_STREAM: the reset looks like an orderly close'
            : 'the target under test closed the whole connection instead of resetting the stream',
        )
      if (end.rst !== ERROR_CODE.CONNECT_ERROR)
        return violates(
          'RST_STREAM with CONNECT_ERROR',
          `RST_STREAM(${errorCodeName(end.rst)})`,
          'SHOULD',
        )
      return conforms(`${down.length} bytes, then RST_STREAM(CONNECT_ERROR)`)
    },
  }),
  defineCase({
    id: 'connect-client-reset-resets-target',
    title: "The client's RST_STREAM on a tunnel reaches the target as a TCP reset, not a FIN",
    requirements: ['H2-20'],
    spec: [
      { rfc: 9113, section: '8.5' },
      { rfc: 9113, section: '6.4' },
    ],
    requirement:
      'A proxy MUST send a TCP segment with the RST bit set if it detects an error with the stream: a reset stream is not an orderly close.',
    level: 'MUST',
    roles: ROLES,
    front: 'h2',
    // RFC 9113 §8.5: "Correspondingly, a proxy MUST send a TCP segment with the
    // RST bit set if it detects an error with the stream or the HTTP/2
    // connection." A FIN would tell the target that the client finished
    // cleanly, so it could act on a truncated upload.
    // Leased listeners are shared: waiting for one counts against the deadline.
    timeoutMs: 15_000,
    async run(ctx) {
      const tunnel = await sinkTunnel(ctx)
      const notThere = await probeArrived(ctx, tunnel, 'before the reset')
      if (notThere !== undefined) return notThere
      await tunnel.client.connection.sendRst(tunnel.streamId, ERROR_CODE.CANCEL)
      return targetReset(
        ctx,
        tunnel,
        "a TCP reset toward the target after the client's RST_STREAM(CANCEL)",
      )
    },
  }),
  defineCase({
    id: 'connect-connection-error-resets-target',
    title: 'An HTTP/2 connection error with a tunnel open resets the target connection, not a FIN',
    requirements: ['H2-20'],
    spec: [
      { rfc: 9113, section: '8.5' },
      { rfc: 9113, section: '6.9' },
    ],
    requirement:
      'A proxy MUST send a TCP RST to the tunnel target when it detects an error with the HTTP/2 connection.',
    level: 'MUST',
    roles: ROLES,
    front: 'h2',
    // RFC 9113 §8.5: "a proxy MUST send a TCP segment with the RST bit set if it
    // detects an error with the stream or the HTTP/2 connection." §6.9: "A
    // receiver MUST treat the receipt of a WINDOW_UPDATE frame with a
    // flow-control window increment of 0 as ... a connection error" on stream 0.
    // Leased listeners are shared: waiting for one counts against the deadline.
    timeoutMs: 15_000,
    async run(ctx) {
      const tunnel = await sinkTunnel(ctx)
      const { client } = tunnel
      const notThere = await probeArrived(ctx, tunnel, 'before the error')
      if (notThere !== undefined) return notThere
      await client.connection.sendWindowUpdate(0, 0)
      const goaway = await client.waitForGoaway({ timeoutMs: ctx.remainingMs() })
      if (isTimeout(goaway)) return timedOut('a GOAWAY for the connection error', goaway.afterMs)
      return targetReset(
        ctx,
        tunnel,
        'a TCP reset toward the target after the HTTP/2 connection error',
      )
    },
  }),
]
