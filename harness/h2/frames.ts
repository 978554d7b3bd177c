/**
 * HTTP/2 frames (RFC 9113 §4.1, §6) as data: encodeFrame() writes any frame
 * byte-exact, including ones a conformant endpoint never sends (flags,
 * stream ids, lengths and padding are the caller's to choose);
 * decodeFrame() reads one without judging it beyond what is needed to split
 * its payload (a payload too short for its type is 'MALFORMED', not thrown).
 * PUSH_PROMISE is decoded only; a RAW spec sends it or anything else.
 */
import {
  CLIENT_PREFACE,
  FLAG,
  FRAME_HEADER_LENGTH,
  FRAME_TYPE,
  frameTypeName,
} from './constants.js'

export interface FrameHeader {
  /** The 24-bit length field as sent (it can disagree with the payload only on our send side). */
  readonly length: number
  readonly type: number
  readonly flags: number
  readonly streamId: number
  /** The reserved bit before the stream id (RFC 9113 §4.1: must be ignored on receipt). */
  readonly reserved: boolean
}

export interface Priority {
  readonly exclusive: boolean
  readonly dependsOn: number
  /** The weight field as sent (0–255); the weight is this plus one. */
  readonly weight: number
}

interface Base {
  readonly header: FrameHeader
  readonly payload: Buffer
}

/** A received frame, decoded as far as its type allows. */
export type Frame = Base &
  (
    | { readonly kind: 'DATA'; readonly data: Buffer; readonly padLength?: number }
    | {
        readonly kind: 'HEADERS'
        readonly fragment: Buffer
        readonly padLength?: number
        readonly priority?: Priority
      }
    | { readonly kind: 'PRIORITY'; readonly priority: Priority }
    | { readonly kind: 'RST_STREAM'; readonly errorCode: number }
    | {
        readonly kind: 'SETTINGS'
        readonly ack: boolean
        readonly settings: readonly (readonly [id: number, value: number])[]
      }
    | {
        readonly kind: 'PUSH_PROMISE'
        readonly promisedStreamId: number
        readonly fragment: Buffer
        readonly padLength?: number
      }
    | { readonly kind: 'PING'; readonly ack: boolean; readonly opaque: Buffer }
    | {
        readonly kind: 'GOAWAY'
        readonly lastStreamId: number
        readonly errorCode: number
        readonly debug: Buffer
      }
    | { readonly kind: 'WINDOW_UPDATE'; readonly increment: number }
    | { readonly kind: 'CONTINUATION'; readonly fragment: Buffer }
    | { readonly kind: 'UNKNOWN' }
    | { readonly kind: 'MALFORMED'; readonly problem: string }
  )

/** Overrides every spec accepts, to send what a conformant endpoint never would. */
interface Overrides {
  /** Replaces the flags computed from the spec. */
  readonly flags?: number
  /** Sets the reserved bit. */
  readonly reserved?: boolean
  /** Writes this in the length field instead of the payload's true length. */
  readonly length?: number
}

type Bytes = Buffer | string

/** A frame to send. Strings are latin1: one char, one octet. */
export type FrameSpec = Overrides &
  (
    | {
        readonly kind: 'DATA'
        readonly streamId: number
        readonly data?: Bytes
        readonly endStream?: boolean
        /** PADDED with this many padding octets (zeros). */
        readonly padLength?: number
      }
    | {
        readonly kind: 'HEADERS'
        readonly streamId: number
        readonly fragment: Buffer
        readonly endStream?: boolean
        /** @default true */
        readonly endHeaders?: boolean
        readonly padLength?: number
        readonly priority?: Priority
      }
    | { readonly kind: 'PRIORITY'; readonly streamId: number; readonly priority: Priority }
    | { readonly kind: 'RST_STREAM'; readonly streamId: number; readonly errorCode: number }
    | {
        readonly kind: 'SETTINGS'
        readonly ack?: boolean
        readonly settings?: readonly (readonly [id: number, value: number])[]
        readonly streamId?: number
      }
    | {
        readonly kind: 'PING'
        readonly ack?: boolean
        /** @default eight zero octets */
        readonly opaque?: Buffer
        readonly streamId?: number
      }
    | {
        readonly kind: 'GOAWAY'
        readonly lastStreamId: number
        readonly errorCode: number
        readonly debug?: Bytes
        readonly streamId?: number
      }
    | { readonly kind: 'WINDOW_UPDATE'; readonly streamId: number; readonly increment: number }
    | {
        readonly kind: 'CONTINUATION'
        readonly streamId: number
        readonly fragment: Buffer
        /** @default true */
        readonly endHeaders?: boolean
      }
    | {
        readonly kind: 'RAW'
        readonly type: number
        readonly flags: number
        readonly streamId: number
        readonly payload?: Bytes
      }
  )

const bytes = (data: Bytes | undefined): Buffer =>
  data === undefined
    ? Buffer.alloc(0)
    : typeof data === 'string'
      ? Buffer.from(data, 'latin1')
      : data

function u32(value: number): Buffer {
  const b = Buffer.alloc(4)
  b.writeUInt32BE(value >>> 0)
  return b
}

function priorityBytes(p: Priority): Buffer {
  const b = Buffer.alloc(5)
  b.writeUInt32BE(((p.exclusive ? 0x80000000 : 0) | (p.dependsOn & 0x7fffffff)) >>> 0)
  b[4] = p.weight & 0xff
  return b
}

/** Pad length octet + content + padding, when padLength is given. */
function padded(content: Buffer, padLength: number | undefined): Buffer {
  if (padLength === undefined) return content
  return Buffer.concat([Buffer.from([padLength & 0xff]), content, Buffer.alloc(padLength)])
}

const flagIf = (on: boolean | undefined, flag: number): number => (on === true ? flag : 0)

function typeFlagsPayload(spec: FrameSpec): [type: number, flags: number, payload: Buffer] {
  switch (spec.kind) {
    case 'DATA':
      return [
        FRAME_TYPE.DATA,
        flagIf(spec.endStream, FLAG.END_STREAM) | flagIf(spec.padLength !== undefined, FLAG.PADDED),
        padded(bytes(spec.data), spec.padLength),
      ]
    case 'HEADERS': {
      const body =
        spec.priority === undefined
          ? spec.fragment
          : Buffer.concat([priorityBytes(spec.priority), spec.fragment])
      return [
        FRAME_TYPE.HEADERS,
        flagIf(spec.endStream, FLAG.END_STREAM) |
          flagIf(spec.endHeaders ?? true, FLAG.END_HEADERS) |
          flagIf(spec.padLength !== undefined, FLAG.PADDED) |
          flagIf(spec.priority !== undefined, FLAG.PRIORITY),
        padded(body, spec.padLength),
      ]
    }
    case 'PRIORITY':
      return [FRAME_TYPE.PRIORITY, 0, priorityBytes(spec.priority)]
    case 'RST_STREAM':
      return [FRAME_TYPE.RST_STREAM, 0, u32(spec.errorCode)]
    case 'SETTINGS': {
      const list = spec.settings ?? []
      const payload = Buffer.alloc(list.length * 6)
      list.forEach(([id, value], i) => {
        payload.writeUInt16BE(id & 0xffff, i * 6)
        payload.writeUInt32BE(value >>> 0, i * 6 + 2)
      })
      return [FRAME_TYPE.SETTINGS, flagIf(spec.ack, FLAG.ACK), payload]
    }
    case 'PING':
      return [FRAME_TYPE.PING, flagIf(spec.ack, FLAG.ACK), spec.opaque ?? Buffer.alloc(8)]
    case 'GOAWAY':
      return [
        FRAME_TYPE.GOAWAY,
        0,
        Buffer.concat([
          u32(spec.lastStreamId & 0x7fffffff),
          u32(spec.errorCode),
          bytes(spec.debug),
        ]),
      ]
    case 'WINDOW_UPDATE':
      return [FRAME_TYPE.WINDOW_UPDATE, 0, u32(spec.increment)]
    case 'CONTINUATION':
      return [
        FRAME_TYPE.CONTINUATION,
        flagIf(spec.endHeaders ?? true, FLAG.END_HEADERS),
        spec.fragment,
      ]
    case 'RAW':
      return [spec.type, spec.flags, bytes(spec.payload)]
  }
}

/** One frame's bytes: the 9-octet header (RFC 9113 §4.1) and the payload. */
export function encodeFrame(spec: FrameSpec): Buffer {
  const [type, computedFlags, payload] = typeFlagsPayload(spec)
  const streamId = 'streamId' in spec ? (spec.streamId ?? 0) : 0
  const head = Buffer.alloc(FRAME_HEADER_LENGTH)
  head.writeUIntBE((spec.length ?? payload.length) & 0xffffff, 0, 3)
  head[3] = type & 0xff
  head[4] = (spec.flags ?? computedFlags) & 0xff
  head.writeUInt32BE(((spec.reserved === true ? 0x80000000 : 0) | (streamId & 0x7fffffff)) >>> 0, 5)
  return Buffer.concat([head, payload])
}

export function decodeFrameHeader(head: Buffer): FrameHeader {
  const word = head.readUInt32BE(5)
  return {
    length: head.readUIntBE(0, 3),
    type: head[3] ?? 0,
    flags: head[4] ?? 0,
    streamId: word & 0x7fffffff,
    reserved: (word & 0x80000000) !== 0,
  }
}

function readPriority(b: Buffer, at: number): Priority {
  const word = b.readUInt32BE(at)
  return {
    exclusive: (word & 0x80000000) !== 0,
    dependsOn: word & 0x7fffffff,
    weight: b[at + 4] ?? 0,
  }
}

/** Splits off the Pad Length octet and the padding; a problem string when they do not fit. */
function unpad(
  header: FrameHeader,
  payload: Buffer,
): { content: Buffer; padLength?: number } | string {
  if ((header.flags & FLAG.PADDED) === 0) return { content: payload }
  if (payload.length < 1) return 'PADDED without a Pad Length octet'
  const padLength = payload[0] ?? 0
  if (padLength > payload.length - 1) return `Pad Length ${padLength} exceeds the payload`
  return { content: payload.subarray(1, payload.length - padLength), padLength }
}

/** Decodes one frame from its header and payload. Never throws. */
export function decodeFrame(header: FrameHeader, payload: Buffer): Frame {
  const base = { header, payload }
  const malformed = (problem: string): Frame => ({ ...base, kind: 'MALFORMED', problem })
  const fixed = (n: number): boolean => payload.length === n
  switch (header.type) {
    case FRAME_TYPE.DATA: {
      const p = unpad(header, payload)
      if (typeof p === 'string') return malformed(p)
      return p.padLength === undefined
        ? { ...base, kind: 'DATA', data: p.content }
        : { ...base, kind: 'DATA', data: p.content, padLength: p.padLength }
    }
    case FRAME_TYPE.HEADERS: {
      const p = unpad(header, payload)
      if (typeof p === 'string') return malformed(p)
      const withPriority = (header.flags & FLAG.PRIORITY) !== 0
      if (withPriority && p.content.length < 5) return malformed('PRIORITY flag without 5 octets')
      const fragment = withPriority ? p.content.subarray(5) : p.content
      return {
        ...base,
        kind: 'HEADERS',
        fragment,
        ...(p.padLength === undefined ? {} : { padLength: p.padLength }),
        ...(withPriority ? { priority: readPriority(p.content, 0) } : {}),
      }
    }
    case FRAME_TYPE.PRIORITY:
      if (!fixed(5)) return malformed(`PRIORITY of ${payload.length} octets`)
      return { ...base, kind: 'PRIORITY', priority: readPriority(payload, 0) }
    case FRAME_TYPE.RST_STREAM:
      if (!fixed(4)) return malformed(`RST_STREAM of ${payload.length} octets`)
      return { ...base, kind: 'RST_STREAM', errorCode: payload.readUInt32BE(0) }
    case FRAME_TYPE.SETTINGS: {
      if (payload.length % 6 !== 0) return malformed(`SETTINGS of ${payload.length} octets`)
      const settings: [number, number][] = []
      for (let at = 0; at < payload.length; at += 6) {
        settings.push([payload.readUInt16BE(at), payload.readUInt32BE(at + 2)])
      }
      return { ...base, kind: 'SETTINGS', ack: (header.flags & FLAG.ACK) !== 0, settings }
    }
    case FRAME_TYPE.PUSH_PROMISE: {
      const p = unpad(header, payload)
      if (typeof p === 'string') return malformed(p)
      if (p.content.length < 4) return malformed('PUSH_PROMISE without a promised stream id')
      return {
        ...base,
        kind: 'PUSH_PROMISE',
        promisedStreamId: p.content.readUInt32BE(0) & 0x7fffffff,
        fragment: p.content.subarray(4),
        ...(p.padLength === undefined ? {} : { padLength: p.padLength }),
      }
    }
    case FRAME_TYPE.PING:
      if (!fixed(8)) return malformed(`PING of ${payload.length} octets`)
      return { ...base, kind: 'PING', ack: (header.flags & FLAG.ACK) !== 0, opaque: payload }
    case FRAME_TYPE.GOAWAY:
      if (payload.length < 8) return malformed(`GOAWAY of ${payload.length} octets`)
      return {
        ...base,
        kind: 'GOAWAY',
        lastStreamId: payload.readUInt32BE(0) & 0x7fffffff,
        errorCode: payload.readUInt32BE(4),
        debug: payload.subarray(8),
      }
    case FRAME_TYPE.WINDOW_UPDATE:
      if (!fixed(4)) return malformed(`WINDOW_UPDATE of ${payload.length} octets`)
      return { ...base, kind: 'WINDOW_UPDATE', increment: payload.readUInt32BE(0) & 0x7fffffff }
    case FRAME_TYPE.CONTINUATION:
      return { ...base, kind: 'CONTINUATION', fragment: payload }
    default:
      return { ...base, kind: 'UNKNOWN' }
  }
}

/** A frame as it came off the wire. */
export interface ParsedFrame {
  readonly frame: Frame
  /** The frame's bytes, header included. */
  readonly bytes: Buffer
}

/**
 * Cuts a byte stream into frames, whatever the chunking. With
 * `expectPreface` (the server side) the first 24 octets must be the client
 * preface; anything else sets `prefaceError` and stops parsing.
 */
export class FrameParser {
  #buffer: Buffer = Buffer.alloc(0)
  #awaitingPreface: boolean
  #prefaceError: Buffer | undefined

  constructor(options: { readonly expectPreface?: boolean } = {}) {
    this.#awaitingPreface = options.expectPreface === true
  }

  /** The bytes that came instead of the preface, once they differ from it. */
  get prefaceError(): Buffer | undefined {
    return this.#prefaceError
  }

  /** Octets received and not yet part of a whole frame. */
  get pending(): number {
    return this.#buffer.length
  }

  push(chunk: Buffer): ParsedFrame[] {
    if (this.#prefaceError !== undefined) return []
    this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk])
    if (this.#awaitingPreface) {
      const seen = this.#buffer.subarray(0, CLIENT_PREFACE.length)
      if (!seen.equals(CLIENT_PREFACE.subarray(0, seen.length))) {
        this.#prefaceError = Buffer.from(this.#buffer)
        return []
      }
      if (seen.length < CLIENT_PREFACE.length) return []
      this.#awaitingPreface = false
      this.#buffer = this.#buffer.subarray(CLIENT_PREFACE.length)
    }
    const out: ParsedFrame[] = []
    while (this.#buffer.length >= FRAME_HEADER_LENGTH) {
      const header = decodeFrameHeader(this.#buffer)
      const total = FRAME_HEADER_LENGTH + header.length
      if (this.#buffer.length < total) break
      const frameBytes = Buffer.from(this.#buffer.subarray(0, total))
      this.#buffer = this.#buffer.subarray(total)
      out.push({
        frame: decodeFrame(header, frameBytes.subarray(FRAME_HEADER_LENGTH)),
        bytes: frameBytes,
      })
    }
    return out
  }
}

/** "HEADERS stream=1 flags=END_STREAM|END_HEADERS len=12": one line per frame header. */
export function describeFrameHeader(header: FrameHeader): string {
  const names: string[] = []
  const f = header.flags
  const type = header.type
  if ((type === FRAME_TYPE.SETTINGS || type === FRAME_TYPE.PING) && (f & FLAG.ACK) !== 0)
    names.push('ACK')
  if ((type === FRAME_TYPE.DATA || type === FRAME_TYPE.HEADERS) && (f & FLAG.END_STREAM) !== 0)
    names.push('END_STREAM')
  if (
    (type === FRAME_TYPE.HEADERS ||
      type === FRAME_TYPE.CONTINUATION ||
      type === FRAME_TYPE.PUSH_PROMISE) &&
    (f & FLAG.END_HEADERS) !== 0
  )
    names.push('END_HEADERS')
  if (
    (type === FRAME_TYPE.DATA || type === FRAME_TYPE.HEADERS || type === FRAME_TYPE.PUSH_PROMISE) &&
    (f & FLAG.PADDED) !== 0
  )
    names.push('PADDED')
  if (type === FRAME_TYPE.HEADERS && (f & FLAG.PRIORITY) !== 0) names.push('PRIORITY')
  const flags = names.length > 0 ? names.join('|') : '0'
  const raw = `0x${f.toString(16).padStart(2, '0')}`
  return `${frameTypeName(type)} stream=${header.streamId} flags=${flags} (${raw}) len=${header.length}${header.reserved ? ' R' : ''}`
}
