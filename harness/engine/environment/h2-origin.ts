/**
 * The run's h2 origin (catalog §11.1, O2 raw mode): one harness raw h2
 * origin (harness/h2 startH2RawOrigin: every field logged BEFORE validation,
 * scripted answers), cleartext prior knowledge, shared by the cases whose
 * target talks HTTP/2 to its upstream (ConformanceCase.upstream 'h2'). Each
 * request stream belongs to the case whose token is the first segment of
 * its :path, like the HTTP/1.1 origin's requests; a case scripts its own
 * answers (behave) and sees only its own streams. Started only for a run
 * that selected such a case.
 */
import { SETTING } from '../../h2/constants.js'
import type { FrameConnection } from '../../h2/frame-connection.js'
import type { FrameRecord } from '../../h2/records.js'
import {
  startH2RawOrigin,
  type H2RawRequest,
  type H2RawResponder,
  type StartedH2RawOrigin,
} from '../../h2/raw-origin.js'
import { renderFrameTranscript } from '../../h2/transcript.js'
import type { TimeoutValue } from '../../net/deadline.js'
import type { Started } from '../../net/started.js'

/** SETTINGS_MAX_CONCURRENT_STREAMS the run's h2 origin advertises on every connection. */
export const H2_ORIGIN_MAX_STREAMS = 4

export interface RunH2Origin extends Started {
  readonly host: string
  readonly port: number
  /** What it advertises as SETTINGS_MAX_CONCURRENT_STREAMS on every connection. */
  readonly maxConcurrentStreams: number
  /** How the streams of `token` are answered (called when each ends). @default 200 "ok" */
  behave(token: string, responder: H2RawResponder): void
  /** The streams of `token` so far, in arrival order (heads complete; `end` undefined while open). */
  requests(token: string): H2RawRequest[]
  /** The first stream of `token` not handed out before (once ended, unless `ended` is false). */
  nextRequest(
    token: string,
    timeoutMs: number,
    options?: { readonly ended?: boolean },
  ): Promise<H2RawRequest | TimeoutValue>
  /** Resolves with the first non-undefined value of `check`, tried after every frame the origin receives. */
  until<T>(what: string, check: () => T | undefined, timeoutMs: number): Promise<T | TimeoutValue>
  /** The origin side of connection `conn` ("o1"…), to write frames on it directly. */
  connection(conn: string): FrameConnection | undefined
  /** Every frame on `conn`, both ways, in order. */
  records(conn: string): readonly FrameRecord[]
  /** The frames of `token`'s streams, per connection, as text (the case's evidence). */
  transcriptFor(token: string): string
  /** Drops `token`'s responder and what was handed out. */
  forget(token: string): void
}

/** The case token of a stream: the first segment of its :path. */
export function tokenOfPath(path: string | undefined): string | undefined {
  return /^\/([^/?#]+)/.exec(path ?? '')?.[1]
}

export async function startRunH2Origin(): Promise<RunH2Origin> {
  const responders = new Map<string, H2RawResponder>()
  const taken = new Map<string, Set<string>>()
  const key = (r: H2RawRequest): string => `${r.conn}/${r.streamId}`
  const origin: StartedH2RawOrigin = await startH2RawOrigin({
    settings: [[SETTING.MAX_CONCURRENT_STREAMS, H2_ORIGIN_MAX_STREAMS]],
    respond: (request, connection) => {
      const token = tokenOfPath(request.field(':path'))
      const responder = token === undefined ? undefined : responders.get(token)
      return responder === undefined ? { body: 'ok' } : responder(request, connection)
    },
    timeoutMs: 5000,
  })
  const mine = (token: string) => (r: H2RawRequest) => tokenOfPath(r.field(':path')) === token
  return {
    host: origin.host,
    port: origin.port,
    maxConcurrentStreams: H2_ORIGIN_MAX_STREAMS,
    behave: (token, responder) => {
      responders.set(token, responder)
    },
    requests: (token) => origin.requests().filter(mine(token)),
    async nextRequest(token, timeoutMs, options = {}) {
      const seen = taken.get(token) ?? new Set<string>()
      taken.set(token, seen)
      const found = await origin.waitForRequest((r) => mine(token)(r) && !seen.has(key(r)), {
        timeoutMs,
        ended: options.ended ?? true,
      })
      if ('streamId' in found) seen.add(key(found))
      return found
    },
    async until(what, check, timeoutMs) {
      let value: ReturnType<typeof check>
      const found = await origin.waitForRequest(
        () => {
          value = check()
          return value !== undefined
        },
        { timeoutMs, ended: false },
      )
      if (!('streamId' in found)) {
        const last = check()
        return last === undefined ? { ...found, waitingFor: what } : last
      }
      return value!
    },
    connection: (conn) => origin.connections.find((c) => c.id === conn),
    records: (conn) => origin.connections.find((c) => c.id === conn)?.records ?? [],
    transcriptFor(token) {
      const streams = origin.requests().filter(mine(token))
      const conns = [...new Set(streams.map((r) => r.conn))]
      return conns
        .map((conn) => {
          const ids = new Set(streams.filter((r) => r.conn === conn).map((r) => r.streamId))
          const records = (origin.connections.find((c) => c.id === conn)?.records ?? []).filter(
            (r) => ids.has(r.frame.header.streamId),
          )
          return `h2 origin ${conn} frames of this case's streams (decoded):\n${renderFrameTranscript(records, { maxHexBytes: 32 })}`
        })
        .join('\n')
    },
    forget(token) {
      responders.delete(token)
      taken.delete(token)
    },
    close: () => origin.close(),
    [Symbol.asyncDispose]: () => origin.close(),
  }
}
