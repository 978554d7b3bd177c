/**
 * Reads one response from the upstream and streams it to the client, framed
 * for the client (RFC 9112 §6, §8).
 */
import type { ProxyDefect } from './defects.js'
import type { ProxySteps } from './steps/index.js'
import type { Socket } from 'node:net'
import type { ResponseHead } from '../../wire/types.js'
import { encodeChunk, lastChunk } from './chunked.js'
import { clientFraming, responseCodingProblem, responseFraming } from './framing.js'
import { clientResponseHead, httpDate } from './message-head.js'
import { relayMergingTrailers } from './merge-trailers.js'
import { connectionOptions } from './hop-by-hop.js'
import { upstreamMayPersist } from './persistence.js'
import type { UpstreamConnection } from './upstream-pool.js'
import { writeAll } from './socket-io.js'

/** One response to relay: from `conn` to `client`. */
export interface RelayInput {
  readonly client: Socket
  readonly conn: UpstreamConnection
  readonly method: string
  readonly clientMinor: 0 | 1
  readonly viaName: string
  readonly steps: ProxySteps
  readonly defect?: ProxyDefect | undefined
  /** Asked when the final head is written: must the client connection close after this response? */
  readonly mustClose: () => boolean
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
      const coding = responseCodingProblem(input.method, head, input.defect)
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

async function streamFinal(input: RelayInput, head: ResponseHead): Promise<RelayResult> {
  const { conn, client } = input
  const upstream = responseFraming(input.method, head, input.defect)
  if (input.defect === 'merges-trailers' && upstream === 'chunked')
    return relayMergingTrailers(input, head)
  const { defect } = input
  // Seeded defects: 'chunks-to-http10-clients' re-chunks for every client (KA-07);
  // 'keeps-client-open-after-close-delimited-body' passes a close-delimited body on as it came.
  const framing =
    defect === 'keeps-client-open-after-close-delimited-body' && upstream === 'close-delimited'
      ? upstream
      : // Seeded defect 'reverse-forwards-connect': the origin's 200 to CONNECT re-framed as chunked.
        defect === 'reverse-forwards-connect' && input.method === 'CONNECT'
        ? 'chunked'
        : clientFraming(upstream, defect === 'chunks-to-http10-clients' ? 1 : input.clientMinor)
  // A close-delimited body toward the client can only end by closing (RFC 9112 §6.3 rule 8).
  const close =
    input.mustClose() ||
    (framing === 'close-delimited' && defect !== 'keeps-client-open-after-close-delimited-body')
  // Seeded defects: 'advertises-origin-close-but-persists' copies the origin's close to the
  // client and keeps the connection anyway (KA-02); 'omits-close-on-final-response' closes
  // without saying so (KA-03).
  const advertised =
    (close && defect !== 'omits-close-on-final-response') ||
    (defect === 'advertises-origin-close-but-persists' &&
      connectionOptions(head.headers).has('close'))
  const bytes = clientResponseHead({
    head,
    framing,
    close: advertised,
    viaName: input.viaName,
    steps: input.steps,
    date: httpDate(),
    clientMinor: input.clientMinor,
  })
  if (!(await writeAll(client, bytes))) return { kind: 'aborted', detail: 'the client went away' }
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
    // Seeded defect 'completes-truncated-responses': a cut is taken for the end (KA-09).
    const cutTakenForEnd = defect === 'completes-truncated-responses'
    if (event.type !== 'message' && !cutTakenForEnd)
      return { kind: 'aborted', detail: `the upstream response broke off (${event.type})` }
    // RFC 9112 §6.3 rule 6, §8: an incomplete response is never completed with a made-up terminator.
    if (event.type === 'message' && !event.message.complete && !cutTakenForEnd)
      return { kind: 'aborted', detail: 'the upstream response was incomplete' }
    const trailers = event.type === 'message' ? event.message.trailers : []
    if (framing === 'chunked' && !(await writeAll(client, lastChunk(trailers)))) {
      return { kind: 'aborted', detail: 'the client went away' }
    }
    return {
      kind: 'relayed',
      clientMayPersist: !close,
      upstreamMayPersist: upstreamMayPersist(head, upstream === 'close-delimited', defect),
      upstreamVersion: head.version,
    }
  }
}
