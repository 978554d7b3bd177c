/**
 * One forwarded exchange of a balancing reverse proxy: the balance steps
 * choose each attempt's backend, and a failed attempt goes to another backend
 * only as they allow (a connect failure always may; a request whose bytes
 * went out only when idempotent and kept whole, a bounded number of times;
 * never once a response has started toward the client). The request, the
 * head rewrite and the relay are the proxy's own (forward-request.ts).
 */
import type { Balancer, Choice } from '../balancer/index.js'
import type { Backend } from '../balancer/index.js'
import type { RequestHead } from '../../wire/types.js'
import { requestFraming } from './framing.js'
import type { ClientSide, ExchangeDeps, ExchangeEnd, ForwardRoute } from './forward-request.js'
import { upstreamRequestHead } from './message-head.js'
import { minorVersion } from './persistence.js'
import { relayResponse } from './relay-response.js'
import { openExchange } from './request-exchange.js'
import { upstreamOf } from './route-request.js'

/**
 * Forwards one request through the balancer and relays one response.
 * Resolves like forwardRequest: 'persist' or 'close'; never rejects.
 */
export async function forwardBalanced(
  client: ClientSide,
  head: RequestHead,
  route: ForwardRoute,
  deps: ExchangeDeps,
  balancer: Balancer,
  maxForwards?: string,
): Promise<ExchangeEnd> {
  const { steps } = deps
  const framing = requestFraming(head)
  const persist = steps.clientMayPersist(head)
  // Indirect persistence: the balancer's own cookie stops here (LB-21).
  const forwarded = { ...head, headers: steps.forwardedCookie(balancer.profile, head.headers) }
  const headBytes = upstreamRequestHead({
    head: forwarded,
    target: route.target,
    host: route.host,
    framing,
    viaName: deps.viaName,
    steps,
    ...(maxForwards === undefined ? {} : { maxForwards }),
  })
  // Every request is kept while it is small, so a retry elsewhere is the same request (LB-04).
  const exchange = await openExchange({
    client,
    head,
    headBytes,
    chunked: framing === 'chunked',
    bodiless: framing === 'none',
    persist,
    keep: true,
    steps,
  })
  const { sink, body, answer, stopPump } = exchange

  const refusal = steps.transferCodingRefusal(head)
  if (refusal !== undefined) return answer(refusal.status, refusal.text, true)

  const request = { head, clientAddress: client.socket.remoteAddress ?? '' }
  const tried = new Set<Backend>()
  let retries = 0
  /** Tries on a fresh connection after a stale keep-alive one (retryOnFreshConnection). */
  let freshTries = 0
  /** The backend whose stale connection failed: the next try goes there, on a fresh connection. */
  let again: Choice | undefined
  let failure: { readonly status: number; readonly text: string } | undefined
  for (;;) {
    let choice: Choice = again ?? steps.chooseUpstream(balancer, request, tried)
    const fresh = again !== undefined
    again = undefined
    // Every backend at its declared limit: the declared queue, or a 503 at once (LB-23).
    if (choice.kind === 'none' && choice.saturated === true)
      choice = await balancer.queue(request, tried)
    if (choice.kind === 'none') {
      // Known down (fail-closed): a framed 503 at once; after failed attempts, the last failure (LB-06).
      await stopPump()
      return failure === undefined
        ? answer(choice.status, choice.text)
        : answer(failure.status, failure.text, steps.failureEndsPipeline(head.method))
    }
    const { backend } = choice
    tried.add(backend)
    const upstream = upstreamOf(backend.address, backend.port)
    if (framing === 'chunked' && !steps.mayChunkRequest(deps.pool.knownHttp10(upstream.key))) {
      balancer.finished(choice)
      return answer(411, `proxyspec: ${upstream.key} speaks HTTP/1.0; send Content-Length`, true)
    }
    const conn = fresh ? await deps.pool.connectFresh(upstream) : await deps.pool.acquire(upstream)
    if ('kind' in conn) {
      balancer.finished(choice)
      steps.noteUpstreamResult(balancer, backend, 'failed')
      failure = {
        status: conn.timeout ? 504 : 502,
        text: `proxyspec could not connect to ${upstream.key}: ${conn.message}`,
      }
      const attempt = {
        method: head.method,
        written: false,
        responseStarted: false,
        replayable: sink.replayable,
        retries,
        profile: balancer.profile,
      }
      if (steps.mayRetryElsewhere(attempt)) continue
      await stopPump()
      return answer(failure.status, failure.text)
    }
    exchange.sendOn(conn)
    // Taken out of rotation mid-response: finish it, or cut it when sessions are shut down (LB-27).
    const stopWatching =
      steps.onMarkedDown(balancer.profile) === 'shutdown-sessions'
        ? balancer.whenMarkedDown(backend, () => conn.socket.destroy())
        : undefined
    // Persistence: the response names its backend in a Set-Cookie line of the balancer's own (LB-21).
    const setCookie = steps.stickyCookieFor(balancer.profile, request, backend)
    const result = await relayResponse({
      ...(setCookie === undefined
        ? {}
        : {
            finalHead: (h) => ({ ...h, headers: steps.withStickyCookie(h.headers, setCookie) }),
          }),
      client: client.socket,
      conn,
      method: head.method,
      clientMinor: minorVersion(head.version),
      viaName: deps.viaName,
      steps,
      mustClose: () => !persist || body.state !== 'done',
    })
    stopWatching?.()
    if (result.kind === 'no-response') {
      // The stale keep-alive race: the same backend again, on a fresh connection (LB-07).
      const stale = {
        method: head.method,
        reused: conn.reused,
        why: result.why,
        bytesSeen: result.bytesSeen,
        replayable: sink.replayable && body.state !== 'invalid' && body.state !== 'gone',
        freshTries,
        profile: balancer.profile,
      }
      if (steps.retryOnFreshConnection(stale)) {
        // Still a failed attempt for passive checks (as nginx counts it), though not a retry.
        steps.noteUpstreamResult(balancer, backend, 'failed')
        conn.socket.destroy()
        freshTries += 1
        again = choice
        continue
      }
    }
    balancer.finished(choice)
    if (result.kind === 'relayed') {
      steps.noteUpstreamResult(balancer, backend, 'answered')
      deps.pool.noteVersion(upstream.key, result.upstreamVersion)
      if (result.upstreamMayPersist && steps.mayReuseUpstream(body.state)) {
        if (body.state === 'running') sink.detach()
        deps.pool.release(conn)
      } else conn.socket.destroy()
      await stopPump()
      return result.clientMayPersist && body.state === 'done' ? 'persist' : 'close'
    }
    if (result.kind === 'aborted') {
      conn.socket.destroy()
      const clientGone = client.socket.destroyed || result.detail === 'the client went away'
      if (clientGone) {
        await stopPump()
        return 'close'
      }
      // The backend broke off a response already on its way to the client.
      steps.noteUpstreamResult(balancer, backend, 'failed')
      const attempt = {
        method: head.method,
        written: true,
        responseStarted: true,
        replayable: sink.replayable,
        retries,
        profile: balancer.profile,
      }
      if (steps.mayRetryElsewhere(attempt)) {
        retries += 1
        continue
      }
      await stopPump()
      return 'close'
    }
    steps.noteUpstreamResult(balancer, backend, 'failed')
    // A connection given up on is closed, never pooled: its late bytes would answer another request (LB-05).
    if (steps.mayPoolAbandoned(result.why)) deps.pool.release(conn)
    else conn.socket.destroy()
    failure = {
      status: result.why === 'timeout' ? 504 : 502,
      text: `proxyspec: ${result.detail}`,
    }
    const attempt = {
      method: head.method,
      written: true,
      responseStarted: false,
      replayable: sink.replayable && body.state !== 'invalid' && body.state !== 'gone',
      retries,
      profile: balancer.profile,
    }
    if (steps.mayRetryElsewhere(attempt)) {
      retries += 1
      continue
    }
    await stopPump()
    if (body.state === 'invalid') return answer(400, 'proxyspec could not parse the request body')
    if (body.state === 'gone') return 'close'
    return answer(failure.status, failure.text, steps.failureEndsPipeline(head.method))
  }
}
