/**
 * The origin's Upgrade endpoints (issue 4 item 2): a WebSocket endpoint on ws
 * (echo, close handshake, subprotocol choice), a generic Upgrade endpoint (a
 * custom token, echo after the 101), an h2c endpoint that would switch (to
 * catch intermediaries that pass h2c through), and refusals (200, 426...).
 * Each returns the behaviour to register and the sessions it switched.
 */
import { WebSocket } from 'ws'
import { isTimeout, type TimeoutValue } from '../net/deadline.js'
import { ChangeSignal } from '../tcp/wait-until.js'
import { fieldValues, firstFieldValue, listTokens } from '../wire/fields.js'
import { responseBytes } from '../wire/serialize.js'
import type { FieldLine } from '../wire/types.js'
import type { OriginBehaviour, OriginRequest } from './types.js'
import { websocketAccept } from './upgrade-accept.js'
import { SwitchedSession } from './upgrade-session.js'
import type { SwitchedConnection, UpgradeAnswer, UpgradeWaiting } from './upgrade-types.js'

/** A registered endpoint and what it switched, in order. */
export interface UpgradeOrigin {
  readonly behaviour: OriginBehaviour
  readonly sessions: readonly SwitchedSession[]
  /** The next session this method has not returned yet, or a TimeoutValue. */
  nextSession(timeoutMs: number): Promise<SwitchedSession | TimeoutValue>
}

/** What ws needs of its socket and does not declare (WebSocketServer uses it the same way). */
interface ServerSideWebSocket {
  setSocket(
    socket: SwitchedConnection['stream'],
    head: Buffer,
    options: {
      readonly allowSynchronousEvents: boolean
      readonly maxPayload: number
      readonly skipUTF8Validation: boolean
    },
  ): void
}

type Speak = (session: SwitchedSession, switched: SwitchedConnection) => void

function upgradeOrigin(
  answer: (request: OriginRequest, waiting: UpgradeWaiting) => Promise<UpgradeAnswer>,
  speak: Speak,
): UpgradeOrigin {
  const sessions: SwitchedSession[] = []
  const changes = new ChangeSignal()
  let taken = 0
  return {
    behaviour: {
      kind: 'upgrade',
      endpoint: {
        answer,
        switched(switched) {
          const session = new SwitchedSession(switched)
          sessions.push(session)
          // A copy: ws unmasks frames in place in the buffer it is given.
          switched.stream.on('data', (chunk: Buffer) => session.noteBytes(Buffer.from(chunk)))
          switched.stream.on('end', () => session.noteChange((s) => (s.peerEnded = true)))
          switched.stream.on('close', () => session.noteChange((s) => (s.closed = true)))
          switched.stream.on('error', () => undefined)
          speak(session, switched)
          changes.notify()
        },
      },
    },
    sessions,
    async nextSession(timeoutMs) {
      const found = await changes.until(
        'the origin to switch protocols',
        () => sessions[taken],
        timeoutMs,
      )
      if (!isTimeout(found)) taken += 1
      return found
    },
  }
}

/** Echo every byte back; FIN after the peer's. */
const echo: Speak = (_session, { stream }) => {
  stream.on('data', (chunk: Buffer) => stream.write(chunk))
  stream.on('end', () => stream.end())
}

/** Only listen (the case drives what is sent); FIN after the peer's. */
const listen: Speak = (_session, { stream }) => {
  stream.on('end', () => stream.end())
}

/** A ws server-side socket on the stream: echoes every message; ws answers pings and the close handshake. */
const websocketEcho: Speak = (session, { stream }) => {
  // As WebSocketServer does: a server-side socket (no address) with its options (autoPong: answer pings).
  const ServerSocket = WebSocket as unknown as new (
    address: null,
    protocols: undefined,
    options: { readonly autoPong: boolean },
  ) => WebSocket
  const ws = new ServerSocket(null, undefined, { autoPong: true })
  ;(ws as unknown as ServerSideWebSocket).setSocket(stream, Buffer.alloc(0), {
    allowSynchronousEvents: true,
    maxPayload: 16 * 1024 * 1024,
    skipUTF8Validation: false,
  })
  session.attach(ws)
  ws.on('message', (data: Buffer, binary: boolean) => {
    session.noteChange((s) => s.messages.push({ data, binary }))
    ws.send(data, { binary })
  })
  ws.on('close', (code: number, reason: Buffer) => {
    session.noteChange((s) => (s.closeFrame = { code, reason: reason.toString('utf8') }))
  })
  ws.on('error', () => undefined)
}

/** Waits (bounded) for bytes after the request before answering, so early ones show (UPG-06). */
async function hold(waiting: UpgradeWaiting, ms: number | undefined): Promise<void> {
  if (ms !== undefined && ms > 0) await waiting.bytesAfterRequest(ms)
}

const head = (status: number, lines: readonly FieldLine[], version = 'HTTP/1.1'): Buffer =>
  responseBytes({ version, status, headers: lines })

/** A plain response with a Content-Length body: the upgrade is ignored or refused. */
export function refusalBytes(
  status: number,
  lines: readonly FieldLine[] = [],
  body = `proxyspec origin: no upgrade (${status})\n`,
): Buffer {
  return responseBytes({
    status,
    headers: [...lines, ['Content-Length', String(Buffer.byteLength(body, 'latin1'))]],
    body,
  })
}

export interface WebSocketEndpointOptions {
  /** Chooses the subprotocol from those offered (RFC 6455 §4.2.2 /subprotocol/). @default the first offered */
  readonly protocol?: (offered: readonly string[]) => string | undefined
  /** A fixed Sec-WebSocket-Accept (a broken origin). @default computed from the request's key */
  readonly accept?: (key: string) => string
  /** The 101's Upgrade value; null leaves the field out (UPG-05). @default 'websocket' */
  readonly upgrade?: string | null
  /** Field lines after Upgrade, Connection, Accept and Protocol (e.g. Sec-WebSocket-Extensions, Content-Length: 0). */
  readonly headers?: readonly FieldLine[]
  /** 'echo' (default): ws echoes messages; 'listen': raw, the case sends with session.send. */
  readonly mode?: 'echo' | 'listen'
  /** Bytes written right after the 101, in the same write (UPG-11). */
  readonly first?: Buffer
  /** Wait up to this long for bytes after the request before the 101 (UPG-06). @default 0 */
  readonly holdMs?: number
}

/**
 * A WebSocket endpoint (RFC 6455 §4.2.2): a request with `Upgrade: websocket`
 * and a key gets a 101 with the Accept for that key and the chosen
 * subprotocol; anything else gets a 426 with `Upgrade: websocket` (§4.2.2, RFC 9110 §15.5.22).
 */
export function websocketEndpoint(options: WebSocketEndpointOptions = {}): UpgradeOrigin {
  return upgradeOrigin(
    async (request, waiting) => {
      const headers = request.message.head.headers
      const key = firstFieldValue(headers, 'sec-websocket-key')
      if (!listTokens(headers, 'upgrade').includes('websocket') || key === undefined) {
        return {
          kind: 'refuse',
          bytes: refusalBytes(426, [
            ['Upgrade', 'websocket'],
            ['Connection', 'Upgrade'],
          ]),
        }
      }
      await hold(waiting, options.holdMs)
      const offered = fieldValues(headers, 'sec-websocket-protocol')
        .flatMap((v) => v.split(','))
        .map((p) => p.trim())
        .filter((p) => p !== '')
      const protocol = (options.protocol ?? ((list) => list[0]))(offered)
      const upgrade = options.upgrade === undefined ? 'websocket' : options.upgrade
      const lines: FieldLine[] = [
        ...(upgrade === null ? [] : [['Upgrade', upgrade] as const]),
        ['Connection', 'Upgrade'],
        ['Sec-WebSocket-Accept', (options.accept ?? websocketAccept)(key)],
        ...(protocol === undefined ? [] : [['Sec-WebSocket-Protocol', protocol] as const]),
        ...(options.headers ?? []),
      ]
      const bytes = head(101, lines)
      return {
        kind: 'switch',
        head: options.first === undefined ? bytes : Buffer.concat([bytes, options.first]),
      }
    },
    options.mode === 'listen' ? listen : websocketEcho,
  )
}

export interface ByteUpgradeOptions {
  /** The protocol token this endpoint switches to (RFC 9110 §7.8), e.g. 'foo/1' or 'h2c'. */
  readonly protocol: string
  /** 'echo' (default) or 'listen'. */
  readonly mode?: 'echo' | 'listen'
  /** Bytes right after the 101 (h2c: the server's SETTINGS). */
  readonly first?: Buffer
  /** Field lines after Upgrade and Connection. */
  readonly headers?: readonly FieldLine[]
}

/**
 * A generic Upgrade endpoint: switches to `protocol` when the request offers
 * it (case-insensitively, RFC 9110 §7.8), then echoes (or listens to) raw
 * bytes; otherwise answers 200 as if no upgrade was asked.
 */
export function byteUpgradeEndpoint(options: ByteUpgradeOptions): UpgradeOrigin {
  const wanted = options.protocol.toLowerCase()
  return upgradeOrigin(
    (request) => {
      const offered = listTokens(request.message.head.headers, 'upgrade')
      if (!offered.includes(wanted))
        return Promise.resolve({ kind: 'refuse', bytes: refusalBytes(200) })
      const bytes = head(101, [
        ['Connection', 'Upgrade'],
        ['Upgrade', options.protocol],
        ...(options.headers ?? []),
      ])
      return Promise.resolve({
        kind: 'switch',
        head: options.first === undefined ? bytes : Buffer.concat([bytes, options.first]),
      })
    },
    options.mode === 'listen' ? listen : echo,
  )
}

/** An empty HTTP/2 SETTINGS frame (RFC 9113 §6.5): what an h2c server sends first after its 101. */
export const H2_EMPTY_SETTINGS = Buffer.from([0, 0, 0, 4, 0, 0, 0, 0, 0])

/**
 * An h2c-capable origin (RFC 7540 §3.2): it answers 101 to `Upgrade: h2c` and
 * sends SETTINGS, then records what follows. An intermediary must never let a
 * client reach it (UPG-12).
 */
export function h2cEndpoint(): UpgradeOrigin {
  return byteUpgradeEndpoint({ protocol: 'h2c', mode: 'listen', first: H2_EMPTY_SETTINGS })
}

/**
 * An endpoint that refuses every upgrade with these bytes and stays HTTP
 * (UPG-04, UPG-09); `close` closes after them.
 */
export function refusingEndpoint(bytes: Buffer, close = false): UpgradeOrigin {
  return upgradeOrigin(() => Promise.resolve({ kind: 'refuse', bytes, close }), listen)
}
