/**
 * What a forwarded exchange and a balanced one share once the upstream head is
 * built: the request sink (the head, then the body as it is read), the body's
 * progress, answering the client ourselves, stopping a body nobody will read,
 * and pointing the request at an upstream connection. forward-request.ts and
 * balanced-exchange.ts differ only in how they pick that connection and what
 * they do when it fails.
 */
import type { UpstreamConnection } from './upstream-pool.js'
import type { RequestHead } from '../../wire/types.js'
import type { ClientSide, ExchangeEnd, RequestBodyState } from './forward-request.js'
import { pumpRequestBody, RequestSink, type PumpResult } from './request-body.js'
import { simpleResponse } from './simple-response.js'
import { writeAll } from './socket-io.js'
import type { ProxySteps } from './steps/index.js'
import { withHeadLines } from './persistence.js'

export interface RequestExchange {
  readonly sink: RequestSink
  /** An object, not a value: the pump's callback updates it while the exchange awaits. */
  readonly body: { state: RequestBodyState }
  /** Answers the client ourselves (a refusal, a gateway error); 'close' unless it may persist. */
  readonly answer: (status: number, text: string, mustClose?: boolean) => Promise<ExchangeEnd>
  /** The rest of a request body nobody will read: stop reading, the connection closes. */
  readonly stopPump: () => Promise<void>
  /** Reads the whole body before anything goes upstream. */
  readonly readWhole: () => Promise<void>
  /** The request goes out on `conn`: the head and the body so far, the rest as it is read. */
  readonly sendOn: (conn: UpstreamConnection) => void
}

/**
 * Starts an exchange for `head` whose upstream head is `headBytes`; `keep`:
 * the sink keeps the request while it is small, so it can be sent again.
 * A bodiless request's end is taken at once, so the next read is the next request.
 */
export async function openExchange(parts: {
  readonly client: ClientSide
  readonly head: RequestHead
  readonly headBytes: Buffer
  readonly chunked: boolean
  readonly bodiless: boolean
  readonly persist: boolean
  readonly keep: boolean
  readonly steps: ProxySteps
}): Promise<RequestExchange> {
  const { client, head, steps, chunked, persist } = parts
  const sink = new RequestSink(
    withHeadLines(parts.headBytes, steps.inboundPersistenceLines(head)),
    parts.keep,
  )
  const body: { state: RequestBodyState } = { state: 'running' }
  let pump: Promise<PumpResult> | undefined
  if (parts.bodiless) body.state = await pumpRequestBody(client.reader, sink, false)
  return {
    sink,
    body,
    answer: async (status, text, mustClose = false) => {
      const close = mustClose || !persist || body.state !== 'done'
      await writeAll(client.socket, simpleResponse({ status, text, close }))
      return close ? 'close' : 'persist'
    },
    stopPump: async () => {
      if (pump === undefined || body.state !== 'running') return
      client.reader.detach()
      await pump
    },
    readWhole: async () => {
      if (body.state === 'running')
        body.state = await (pump = pumpRequestBody(client.reader, sink, chunked))
    },
    sendOn: (conn) => {
      conn.parser.expectResponseTo(steps.responseMethod(head.method))
      sink.attach(conn.socket)
      if (body.state === 'running' && pump === undefined) {
        pump = pumpRequestBody(client.reader, sink, chunked).then((result) => {
          body.state = result
          // A request that cannot be completed must not look complete upstream.
          if (result !== 'done') sink.abort()
          return result
        })
      }
    },
  }
}
