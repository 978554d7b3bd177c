import type { Direction, Hop, WireEvent, WireEventType } from '../model/evidence.js'

/** An event as recorded, with an absolute clock; turned into evidence when a case ends. */
export interface RecordedWireEvent {
  /** performance.now() when the harness observed it. */
  readonly at: number
  readonly hop: Hop
  readonly conn: string
  readonly type: WireEventType
  readonly dir?: Direction
  readonly data?: Buffer
  readonly detail?: string
}

/**
 * Collects wire events from every socket a case (or a shared server) touches.
 * Data is capped per connection, so an endless body or a long run cannot grow
 * evidence without bound; the cap is noted once in that connection's events.
 */
export class TranscriptRecorder {
  readonly #events: RecordedWireEvent[] = []
  readonly #byConn = new Map<string, RecordedWireEvent[]>()
  readonly #bytesByConn = new Map<string, number>()
  readonly #maxBytesPerConn: number

  constructor(maxBytesPerConn = 64 * 1024) {
    this.#maxBytesPerConn = maxBytesPerConn
  }

  record(event: Omit<RecordedWireEvent, 'at'> & { at?: number }): void {
    const at = event.at ?? performance.now()
    let data = event.data
    if (data !== undefined) {
      const used = this.#bytesByConn.get(event.conn) ?? 0
      const room = this.#maxBytesPerConn - used
      if (room <= 0) return
      if (data.length >= room) {
        data = data.subarray(0, room)
        this.#push({ ...event, at, data: Buffer.from(data) })
        this.#push({
          at,
          hop: event.hop,
          conn: event.conn,
          type: 'error',
          detail: `transcript capped at ${this.#maxBytesPerConn} bytes for this connection`,
        })
        this.#bytesByConn.set(event.conn, this.#maxBytesPerConn)
        return
      }
      this.#bytesByConn.set(event.conn, used + data.length)
      this.#push({ ...event, at, data: Buffer.from(data) })
      return
    }
    this.#push({ ...event, at })
  }

  #push(event: RecordedWireEvent): void {
    this.#events.push(event)
    let list = this.#byConn.get(event.conn)
    if (list === undefined) {
      list = []
      this.#byConn.set(event.conn, list)
    }
    list.push(event)
  }

  data(hop: Hop, conn: string, dir: Direction, data: Buffer): void {
    if (data.length > 0) this.record({ hop, conn, type: 'data', dir, data })
  }

  events(): readonly RecordedWireEvent[] {
    return this.#events
  }

  /** The events of the given connections only (for the evidence of one case on a shared server). */
  eventsFor(conns: Iterable<string>): RecordedWireEvent[] {
    const out: RecordedWireEvent[] = []
    for (const conn of new Set(conns)) out.push(...(this.#byConn.get(conn) ?? []))
    return out
  }
}

const CREDENTIAL_FIELD = /^((?:proxy-)?authorization[ \t]*:[ \t]*)(\S+)?([ \t]*)([^\r\n]*)/gim

/** Hides credentials but keeps the scheme, so the evidence still shows what kind was sent. */
export function redactCredentials(text: string): string {
  return text.replace(
    CREDENTIAL_FIELD,
    (_all, prefix: string, scheme: string | undefined, space: string, rest: string) =>
      rest.length > 0
        ? `${prefix}${scheme ?? ''}${space}[redacted ${rest.length} bytes]`
        : `${prefix}[redacted ${(scheme ?? '').length} bytes]`,
  )
}

/**
 * Orders events by time, joins consecutive data of one connection and direction
 * (so a one-byte-fragmented head reads as one), redacts credentials, and numbers
 * them from 1 relative to `startedAt`.
 */
export function toWireEvents(events: readonly RecordedWireEvent[], startedAt: number): WireEvent[] {
  const sorted = [...events].sort((a, b) => a.at - b.at)
  const merged: RecordedWireEvent[] = []
  for (const event of sorted) {
    const last = merged[merged.length - 1]
    if (
      last !== undefined &&
      event.type === 'data' &&
      last.type === 'data' &&
      last.conn === event.conn &&
      last.hop === event.hop &&
      last.dir === event.dir &&
      last.data !== undefined &&
      event.data !== undefined
    ) {
      merged[merged.length - 1] = { ...last, data: Buffer.concat([last.data, event.data]) }
    } else {
      merged.push(event)
    }
  }
  return merged.map((event, index) => {
    const out: { -readonly [K in keyof WireEvent]: WireEvent[K] } = {
      seq: index + 1,
      t: Math.max(0, Math.round((event.at - startedAt) * 10) / 10),
      hop: event.hop,
      conn: event.conn,
      type: event.type,
    }
    if (event.dir !== undefined) out.dir = event.dir
    if (event.data !== undefined) {
      out.base64 = Buffer.from(redactCredentials(event.data.toString('latin1')), 'latin1').toString(
        'base64',
      )
    }
    if (event.detail !== undefined) out.detail = event.detail
    return out
  })
}
