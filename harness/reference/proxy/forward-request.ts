/**
 * One forwarded exchange: the request goes upstream while the response comes
 * back (so Expect: 100-continue and early answers work), with one retry of an
 * idempotent request whose reused connection turned out stale.
 */
import type { ProxySteps } from './steps/index.js'
import type { Socket } from 'node:net'
import type { RequestHead } from '../../wire/types.js'
import { requestFraming } from './framing.js'
import { upstreamRequestHead } from './message-head.js'
import { minorVersion } from './persistence.js'
import { relayResponse } from './relay-response.js'
import type { PumpResult } from './request-body.js'
import { openExchange } from './request-exchange.js'
import type { Route } from './route-request.js'
import type { SocketReader } from './socket-reader.js'
import type { UpstreamPool } from './upstream-pool.js'

/** The client connection and its strict request reader. */
export interface ClientSide {
  readonly socket: Socket
  readonly reader: SocketReader<RequestHead>
}

/** What an exchange needs from the proxy server. */
export interface ExchangeDeps {
  readonly pool: UpstreamPool
  readonly viaName: string
  /** The pipeline's steps (steps/index.ts). */
  readonly steps: ProxySteps
}

/** A route that forwards (not a refusal, not a CONNECT). */
export type ForwardRoute = Extract<Route, { readonly kind: 'forward' }>

/** How the exchange left the client connection: open for the next request, or to be closed. */
export type ExchangeEnd = 'persist' | 'close'

/** How far the request body got: still being read, or how reading it ended. */
export type RequestBodyState = PumpResult | 'running'

/**
 * Whether a chunked request may go to this upstream: not when it is known to
 * speak HTTP/1.0 (RFC 9112 §6.1, KA-08); the client gets a 411 instead.
 */
export function mayChunkRequest(upstreamKnownHttp10: boolean): boolean {
  return !upstreamKnownHttp10
}

/**
 * Whether the request body streams upstream as it arrives, while the response
 * comes back: always, so a client waiting for 100 (Continue) and an early
 * final response both work (RFC 9110 §10.1.1, §15.2.1; HOP-18).
 */
export function streamsRequestBody(): boolean {
  return true
}

/** The method whose response the upstream parser expects: the request's own (RFC 9112 §6.3 rules 1-2). */
export function responseMethod(method: string): string {
  return method
}

/**
 * Whether the upstream connection may be pooled as far as the request goes:
 * only once the whole request body went out on it; a connection still owing
 * body bytes would carry the next request as that body (RFC 9112 §9.3, KA-12).
 */
export function mayReuseUpstream(requestBody: RequestBodyState): boolean {
  return requestBody === 'done'
}

/**
 * Forwards one request and relays its response. Resolves with whether the
 * client connection may carry the next request ('persist') or must be closed
 * gracefully by the caller ('close'); never rejects.
 */
export async function forwardRequest(
  client: ClientSide,
  head: RequestHead,
  route: ForwardRoute,
  deps: ExchangeDeps,
  maxForwards?: string,
): Promise<ExchangeEnd> {
  const { steps } = deps
  const framing = requestFraming(head)
  const persist = steps.clientMayPersist(head)
  const headBytes = upstreamRequestHead({
    head,
    target: route.target,
    host: route.host,
    framing,
    viaName: deps.viaName,
    steps: deps.steps,
    ...(maxForwards === undefined ? {} : { maxForwards }),
  })
  // A request that may be retried on a fresh connection is kept while it is small.
  const exchange = await openExchange({
    client,
    head,
    headBytes,
    chunked: framing === 'chunked',
    bodiless: framing === 'none',
    persist,
    keep: steps.mayRetry(head.method, true),
    steps,
  })
  const { sink, body, answer, stopPump } = exchange

  // RFC 9112 §6.1: a transfer coding this proxy would have to relabel is refused, unread (SMUG-05).
  const refusal = deps.steps.transferCodingRefusal(head)
  if (refusal !== undefined) return answer(refusal.status, refusal.text, true)

  // RFC 9112 §6.1: no chunked request to an upstream known to speak HTTP/1.0 (KA-08); the body is not read.
  if (framing === 'chunked' && !steps.mayChunkRequest(deps.pool.knownHttp10(route.upstream.key))) {
    return answer(
      411,
      `proxyspec: ${route.upstream.key} speaks HTTP/1.0; send Content-Length`,
      true,
    )
  }

  // A body that does not stream is read whole before anything goes upstream.
  if (!steps.streamsRequestBody(head)) await exchange.readWhole()

  for (let attempt = 0; ; attempt += 1) {
    const conn =
      attempt === 0
        ? await deps.pool.acquire(route.upstream)
        : await deps.pool.connectFresh(route.upstream)
    if ('kind' in conn) {
      await stopPump()
      return answer(
        conn.timeout ? 504 : 502,
        `proxyspec could not connect to ${route.upstream.key}: ${conn.message}`,
      )
    }
    exchange.sendOn(conn)
    const result = await relayResponse({
      client: client.socket,
      conn,
      method: head.method,
      clientMinor: minorVersion(head.version),
      viaName: deps.viaName,
      steps,
      mustClose: () => !persist || body.state !== 'done',
    })
    if (result.kind === 'relayed') {
      deps.pool.noteVersion(route.upstream.key, result.upstreamVersion)
      if (result.upstreamMayPersist && steps.mayReuseUpstream(body.state)) {
        // Pooled with body bytes still owed: the rest of the body no longer goes there.
        if (body.state === 'running') sink.detach()
        deps.pool.release(conn)
      } else conn.socket.destroy()
      await stopPump()
      return result.clientMayPersist && body.state === 'done' ? 'persist' : 'close'
    }
    conn.socket.destroy()
    if (result.kind === 'aborted') {
      await stopPump()
      return 'close'
    }
    // The stale keep-alive race: a reused connection that failed before any
    // response byte is retried once on a fresh one, for idempotent methods
    // only (RFC 9112 §9.3.1; never a POST, KA-11).
    const stale =
      steps.mayRetry(head.method, conn.reused) &&
      !result.bytesSeen &&
      (result.why === 'eof' || result.why === 'reset')
    if (
      attempt === 0 &&
      stale &&
      sink.replayable &&
      body.state !== 'invalid' &&
      body.state !== 'gone'
    )
      continue
    await stopPump()
    if (body.state === 'invalid') return answer(400, 'proxyspec could not parse the request body')
    if (body.state === 'gone') return 'close'
    // A non-idempotent request that may have been processed ends the pipeline:
    // answer what we have, then close (RFC 9112 §9.3.2, KA-10).
    const status = result.why === 'timeout' ? 504 : 502
    return answer(status, `proxyspec: ${result.detail}`, steps.failureEndsPipeline(head.method))
  }
}
