/**
 * WebSocket on a raw client, for the upgrade suite: the opening handshake as
 * exact bytes (RFC 6455 §4.1), frames built and read byte for byte (§5.2),
 * and the handshake run against an origin endpoint with its evidence.
 */
import { randomBytes } from 'node:crypto'
import type { RawClient } from '../../harness/client/types.js'
import type { CaseContext } from '../../harness/engine/model/case-context.js'
import { endCase, timedOut, violates, type Outcome } from '../../harness/engine/model/outcome.js'
import { isTimeout } from '../../harness/net/deadline.js'
import type { UpgradeOrigin } from '../../harness/origin/upgrade-endpoints.js'
import type { SwitchedSession } from '../../harness/origin/upgrade-session.js'
import type { FieldLine, HttpMessage, ResponseHead } from '../../harness/wire/types.js'
import { TERMINATOR_NAME } from '../../harness/tls/certificate-plan.js'
import { originRequest } from './request.js'
import { provenance } from './provenance.js'

/**
 * A raw client to the target in the case's role: for a tls-terminator, TLS
 * (wss) to the name it serves, trusting only the run CA; plain TCP otherwise.
 */
export async function connectClient(ctx: CaseContext): Promise<RawClient> {
  if (ctx.role !== 'tls-terminator') return ctx.connect()
  const corpus = await ctx.tlsCorpus()
  return ctx.connect({ tls: { servername: TERMINATOR_NAME, ca: corpus.ca.cert } })
}

/** The sample key of RFC 6455 §1.3 and §4.2.2; its Accept is s3pPLMBiTxaQ9kYGzzhZRbK+xOo=. */
export const SAMPLE_KEY = 'dGhlIHNhbXBsZSBub25jZQ=='
export const SAMPLE_ACCEPT = 's3pPLMBiTxaQ9kYGzzhZRbK+xOo='

export interface HandshakeSpec {
  readonly suffix?: string
  readonly version?: string
  readonly key?: string
  /** @default 'Upgrade' */
  readonly connection?: string
  /** @default 'websocket' */
  readonly upgrade?: string
  /** @default '13' */
  readonly wsVersion?: string
  /** Lines after the handshake's own. */
  readonly headers?: readonly FieldLine[]
}

/** A client opening handshake for this case's slice of the origin, in the role's request form. */
export function handshakeBytes(ctx: CaseContext, spec: HandshakeSpec = {}): Buffer {
  return originRequest(ctx, {
    suffix: spec.suffix ?? 'ws',
    ...(spec.version === undefined ? {} : { version: spec.version }),
    headers: [
      ['Upgrade', spec.upgrade ?? 'websocket'],
      ['Connection', spec.connection ?? 'Upgrade'],
      ['Sec-WebSocket-Key', spec.key ?? SAMPLE_KEY],
      ['Sec-WebSocket-Version', spec.wsVersion ?? '13'],
      ...(spec.headers ?? []),
    ],
  })
}

export interface FrameSpec {
  readonly fin?: boolean
  readonly rsv1?: boolean
  /** 0 continuation, 1 text, 2 binary, 8 close, 9 ping, 10 pong. */
  readonly opcode: number
  readonly payload?: Buffer | string
  /** A client frame is masked (§5.3); true picks a random key. @default true */
  readonly masked?: boolean
}

/** One frame's bytes (RFC 6455 §5.2). */
export function frameBytes(spec: FrameSpec): Buffer {
  const payload =
    typeof spec.payload === 'string'
      ? Buffer.from(spec.payload, 'utf8')
      : (spec.payload ?? Buffer.alloc(0))
  const masked = spec.masked ?? true
  const first = ((spec.fin ?? true) ? 0x80 : 0) | (spec.rsv1 === true ? 0x40 : 0) | spec.opcode
  const maskBit = masked ? 0x80 : 0
  let length: Buffer
  if (payload.length < 126) length = Buffer.from([maskBit | payload.length])
  else if (payload.length < 65_536) {
    length = Buffer.alloc(3)
    length[0] = maskBit | 126
    length.writeUInt16BE(payload.length, 1)
  } else {
    length = Buffer.alloc(9)
    length[0] = maskBit | 127
    length.writeBigUInt64BE(BigInt(payload.length), 1)
  }
  if (!masked) return Buffer.concat([Buffer.from([first]), length, payload])
  const key = randomBytes(4)
  const body = Buffer.from(payload.map((byte, i) => byte ^ (key[i % 4] ?? 0)))
  return Buffer.concat([Buffer.from([first]), length, key, body])
}

/** A close frame's payload: the status code, then a UTF-8 reason (§5.5.1). */
export function closePayload(code: number, reason = ''): Buffer {
  const payload = Buffer.alloc(2 + Buffer.byteLength(reason))
  payload.writeUInt16BE(code, 0)
  payload.write(reason, 2)
  return payload
}

/** A handshake that went through: the 101 the client got and the origin's side of the tunnel. */
export interface OpenWebSocket {
  readonly client: RawClient
  readonly response: HttpMessage<ResponseHead>
  readonly session: SwitchedSession
}

/** What a handshake came to: open, answered without a switch, or an Outcome (timeout, broken). */
export type HandshakeResult =
  | { readonly kind: 'open'; readonly ws: OpenWebSocket }
  | {
      readonly kind: 'refused'
      readonly client: RawClient
      readonly response: HttpMessage<ResponseHead>
      /** Who produced it: "the target relayed the origin's 426 Upgrade Required"… (support/provenance.ts). */
      readonly provenance: string
    }
  | { readonly kind: 'outcome'; readonly outcome: Outcome }

/**
 * Registers `endpoint`, sends `request` (plus `after`, in the same write), reads the answer and,
 * after a 101, waits for the origin's side of the switch.
 */
export async function openWebSocket(
  ctx: CaseContext,
  endpoint: UpgradeOrigin,
  request: Buffer,
  after: Buffer = Buffer.alloc(0),
): Promise<HandshakeResult> {
  ctx.origin.behave(endpoint.behaviour)
  const client = await connectClient(ctx)
  await client.write(Buffer.concat([request, after]))
  const read = await client.readResponse()
  switch (read.kind) {
    case 'timeout':
      return {
        kind: 'outcome',
        outcome: timedOut('an answer to the upgrade request', read.afterMs),
      }
    case 'closed':
      return {
        kind: 'outcome',
        outcome: violates(
          'an answer to the upgrade request',
          provenance(read, ctx.origin.requests()),
        ),
      }
    case 'malformed':
      return {
        kind: 'outcome',
        outcome: violates('a well-formed answer to the upgrade request', read.error.message),
      }
    case 'response':
      break
  }
  if (read.message.head.status !== 101) {
    const who = provenance(read, ctx.origin.requests())
    return { kind: 'refused', client, response: read.message, provenance: who }
  }
  const session = await endpoint.nextSession(ctx.remainingMs())
  if (isTimeout(session)) {
    return {
      kind: 'outcome',
      outcome: violates(
        'a 101 only after the origin switched protocols',
        'the client got a 101 but the origin never switched',
      ),
    }
  }
  return { kind: 'open', ws: { client, response: read.message, session } }
}

/** Reads exactly `expected` from the client; the case ends (endCase) if it does not arrive intact. */
export { expectBytes as expectFromTarget } from './tunnel.js'

/**
 * The bytes the switched stream delivered to the origin's endpoint, in order.
 * SwitchedSession.received begins with `early` (bytes already buffered when
 * the origin answered) as handed over, and the stream delivers those same
 * bytes again, copied as they pass; the handed-over buffer is the one a ws
 * endpoint unmasks in place, so it may no longer hold what the target sent
 * (a masked frame read back unmasked: "differ from offset 6"). Only the copies
 * are evidence.
 */
function delivered(session: SwitchedSession): Buffer {
  return session.received.subarray(session.early.length)
}

/**
 * Waits until the stream has delivered `expected.length` bytes to the origin
 * after the 101 (or the connection closed): the event that proves they are all
 * there. The case ends (endCase) if not, or not intact.
 */
export async function expectAtOrigin(
  ctx: CaseContext,
  session: SwitchedSession,
  expected: Buffer,
  what: string,
): Promise<void> {
  const got = await session.until(
    what,
    () => (delivered(session).length >= expected.length || session.closed ? true : undefined),
    ctx.remainingMs(),
  )
  if (isTimeout(got))
    endCase(
      timedOut(
        `${what} (${delivered(session).length} of ${expected.length} bytes so far)`,
        got.afterMs,
      ),
    )
  const received = delivered(session)
  if (!received.subarray(0, expected.length).equals(expected)) {
    const at = received.findIndex((byte, i) => byte !== expected[i])
    endCase(
      violates(
        what,
        received.length < expected.length
          ? `${received.length} of ${expected.length} bytes, then the connection closed`
          : `the bytes differ from offset ${at}: ${received.subarray(at, at + 16).toString('hex')} instead of ${expected.subarray(at, at + 16).toString('hex')}`,
      ),
    )
  }
}
