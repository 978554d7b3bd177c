/**
 * Reads one response from the upstream and streams it to the client, framed
 * for the client (RFC 9112 §6, §8).
 */
import type { ProxySteps } from './steps/index.js'
import type { Socket } from 'node:net'
import type { HeaderField, ResponseHead } from '../../wire/types.js'
import { encodeChunk, lastChunk } from './chunked.js'
import { clientFraming, type BodyFraming } from './framing.js'
import { clientResponseHead, httpDate } from './message-head.js'
import type { ReadEvent } from './socket-reader.js'
import type { UpstreamConnection } from './upstream-pool.js'
import { writeAll } from './socket-io.js'

/** One response to relay: from `conn` to `client`. */
export interface RelayInput {
  readonly client: Socket
  readonly conn: UpstreamConnection
  readonly method: string
  readonly clientMinor: 0 | 1
  readonly viaName: string
  /** The pipeline's steps (steps/index.ts). */
  readonly steps: ProxySteps
  /** Asked when the final head is written: must the client connection close after this response? */
  readonly mustClose: () => boolean
  /** The final response's head as this hop sends it on (a balancer's own Set-Cookie, LB-21); as received when absent. */
  readonly finalHead?: (head: ResponseHead) => ResponseHead
  /** Takes a 101 when the request offered an upgrade this proxy relays (harness/reference/proxy/upgrade-exchange.ts). */
  readonly switchProtocols?: (head: ResponseHead) => Promise<RelayResult>
}

/** How a relay ended. */
export type RelayResult =
  /** Nothing of a final response reached the client: the caller may retry or answer 502/504. */
  | {
      readonly kind: 'no-response'
      readonly why: 'eof' | 'reset' | 'invalid' | 'timeout'
      readonly bytesSeen: boolean
      readonly detail: string
    }
  /** A complete response was forwarded. */
  | {
      readonly kind: 'relayed'
      readonly clientMayPersist: boolean
      readonly upstreamMayPersist: boolean
      /** The version the upstream answered in. */
      readonly upstreamVersion: string
    }
  /** The response was cut short after its head went out: the client connection must be closed. */
  | { readonly kind: 'aborted'; readonly detail: string }

/**
 * Relays 1xx (to HTTP/1.1 clients only) and then the final response, framed
 * for the client; never rejects.
 */
export async function relayResponse(input: RelayInput): Promise<RelayResult> {
  const { conn, client } = input
  const startBytes = conn.reader.bytesReceived
  const noResponse = (
    why: 'eof' | 'reset' | 'invalid' | 'timeout',
    detail: string,
  ): RelayResult => ({
    kind: 'no-response',
    why,
    bytesSeen: conn.reader.bytesReceived > startBytes,
    detail,
  })
  for (;;) {
    const event = await conn.reader.next()
    switch (event.type) {
      case 'head':
        break
      case 'eof':
        return noResponse('eof', 'the upstream closed the connection before a response')
      case 'reset':
        return noResponse('reset', `the upstream connection failed: ${event.error.message}`)
      case 'invalid':
        return noResponse(
          'invalid',
          `the upstream sent an invalid response: ${event.error.message}`,
        )
      case 'timeout':
        return noResponse('timeout', 'the upstream did not answer in time')
      case 'body':
      case 'message':
      case 'tunnel':
      case 'aborted':
        return noResponse('invalid', `unexpected ${event.type} before a response head`)
    }
    const { head } = event
    // No Upgrade is forwarded, so a 101 is a broken upstream; this proxy cannot relay it.
    if (head.status === 101 && input.switchProtocols !== undefined)
      return input.switchProtocols(head)
    if (head.status === 101) return noResponse('invalid', 'the upstream switched protocols unasked')
    if (head.status >= 200) {
      // A coding this proxy cannot decode is a 502, never relabelled (RFC 9112 §6.1).
      const coding = input.steps.responseCodingProblem(input.method, head)
      return coding === undefined ? streamFinal(input, head) : noResponse('invalid', coding)
    }
    // 1xx (RFC 9110 §15.2): forwarded to an HTTP/1.1 client, never to an HTTP/1.0 one.
    const end = await conn.reader.next()
    if (end.type !== 'message') return noResponse('invalid', 'an interim response did not end')
    if (input.steps.forwardsInterim(input.clientMinor)) {
      const interim = clientResponseHead({
        head,
        framing: 'none',
        close: false,
        viaName: input.viaName,
        steps: input.steps,
      })
      if (!(await writeAll(client, interim)))
        return { kind: 'aborted', detail: 'the client went away' }
    }
  }
}

function streamFinal(input: RelayInput, received: ResponseHead): Promise<RelayResult> {
  const head = input.finalHead?.(received) ?? received
  return input.steps.relayFinalResponse(
    input,
    head,
    input.steps.responseFraming(input.method, head),
  )
}

/**
 * The framing of the final response toward the client (RFC 9112 §6.1, §6.3
 * rule 8; KA-07): a length or no body as it came; a chunked or close-delimited
 * body chunked for an HTTP/1.1 client and close-delimited for an HTTP/1.0 one,
 * which cannot read chunked.
 */
export function responseFramingForClient(upstream: BodyFraming, clientMinor: 0 | 1): BodyFraming {
  return clientFraming(upstream, clientMinor)
}

/** Whether the client connection closes after a final response, and whether the response says so. */
export interface ResponseClose {
  readonly closes: boolean
  readonly saysClose: boolean
}

/**
 * Whether the client connection closes after this final response: when the
 * exchange requires it, and after a close-delimited body, which can only end
 * by closing (RFC 9112 §6.3 rule 8). A response after which the proxy closes
 * says `Connection: close` (RFC 9112 §9.6, KA-03), and only such a one: the
 * origin's close was for the other hop (KA-02).
 */
export function finalResponseClose(framing: BodyFraming, mustClose: boolean): ResponseClose {
  const closes = mustClose || framing === 'close-delimited'
  return { closes, saysClose: closes }
}

/** How an upstream response body ended: complete, with its trailers, or cut short. */
export type ResponseEnd =
  | { readonly complete: true; readonly trailers: readonly HeaderField[] }
  | { readonly complete: false; readonly detail: string }

/**
 * How the end of an upstream response body is taken: only a complete message
 * ends it; a cut (FIN, reset, timeout, a short length, a chunked body without
 * its last chunk) aborts the relay, never completed with a made-up terminator
 * (RFC 9112 §6.3 rule 6, §8; KA-09).
 */
export function upstreamResponseEnd(event: ReadEvent<ResponseHead>): ResponseEnd {
  if (event.type !== 'message')
    return { complete: false, detail: `the upstream response broke off (${event.type})` }
  if (!event.message.complete)
    return { complete: false, detail: 'the upstream response was incomplete' }
  return { complete: true, trailers: event.message.trailers }
}

/**
 * Relays the final response (its head rewritten, its body streamed and framed
 * for the client, RFC 9112 §6, §7; RFC 9110 §6.5.1: trailers stay trailers)
 * and says how both connections may go on. `upstream` is how the upstream
 * framed it.
 */
export async function relayFinalResponse(
  input: RelayInput,
  head: ResponseHead,
  upstream: BodyFraming,
): Promise<RelayResult> {
  const { conn, client, steps } = input
  const framing = steps.responseFramingForClient(upstream, input.clientMinor, input.method)
  const { closes: close, saysClose } = steps.finalResponseClose(framing, input.mustClose(), head)
  const bytes = clientResponseHead({
    head,
    framing,
    close: saysClose,
    viaName: input.viaName,
    steps: input.steps,
    date: httpDate(),
    clientMinor: input.clientMinor,
  })
  if (!(await writeAll(client, bytes))) return { kind: 'aborted', detail: 'the client went away' }
  // A client gone mid-body (reset or destroyed; a FIN alone does not close a half-open
  // socket) ends the upstream exchange at once, not after the upstream's next bytes
  // or its timeout (RFC 9112 §9.6; H2-25 through the h2 front's internal connections).
  const onClientGone = (): void => {
    conn.socket.destroy()
  }
  client.once('close', onClientGone)
  try {
    return await relayBody(input, head, upstream, framing, close)
  } finally {
    client.off('close', onClientGone)
  }
}

async function relayBody(
  input: RelayInput,
  head: ResponseHead,
  upstream: BodyFraming,
  framing: ReturnType<RelayInput['steps']['responseFramingForClient']>,
  close: boolean,
): Promise<RelayResult> {
  const { conn, client, steps } = input
  for (;;) {
    const event = await conn.reader.next()
    if (event.type === 'body') {
      const ok = await writeAll(
        client,
        framing === 'chunked' ? encodeChunk(event.data) : event.data,
      )
      if (!ok) return { kind: 'aborted', detail: 'the client went away' }
      continue
    }
    const end = steps.upstreamResponseEnd(event)
    if (!end.complete) return { kind: 'aborted', detail: end.detail }
    if (framing === 'chunked' && !(await writeAll(client, lastChunk(end.trailers)))) {
      return { kind: 'aborted', detail: 'the client went away' }
    }
    return {
      kind: 'relayed',
      clientMayPersist: !close,
      upstreamMayPersist: steps.upstreamMayPersist(head, upstream === 'close-delimited'),
      upstreamVersion: head.version,
    }
  }
}
