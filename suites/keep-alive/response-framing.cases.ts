// RFC 9112 §6.3 rule 8, §6.1, §8: a close-delimited upstream response is
// relayed in full, and an HTTP/1.0 client never receives Transfer-Encoding.
// §6.3 rule 6, §8: an upstream response cut short is never presented to the
// client as complete.
import { http, HttpResponse } from 'msw'
import { defineCase } from '../../harness/engine/model/case.js'
import type { CaseContext } from '../../harness/engine/model/case-context.js'
import { conforms, violates, type Outcome } from '../../harness/engine/model/outcome.js'
import type { OriginBehaviour, OriginFraming } from '../../harness/origin/types.js'
import { chunkedBody, responseBytes } from '../../harness/wire/serialize.js'
import { hasField } from '../../harness/wire/fields.js'
import { closeWithin } from '../support/keep-alive.js'
import { originRequest } from '../support/request.js'
import { provenance } from '../support/provenance.js'

const SIZE = 256 * 1024
/** A body with structure, so a lost or repeated piece shows. */
const BODY = Buffer.from(
  Array.from({ length: SIZE / 16 }, (_, i) => `${i.toString(16).padStart(15, '0')}\n`).join(''),
  'latin1',
)

/**
 * Chunked only when asked in HTTP/1.1: a server MUST NOT send Transfer-Encoding
 * in a response to an HTTP/1.0 request (RFC 9112 §6.1), so a target that forwards
 * the client's 1.0 upstream gets BODY with Content-Length and the connection closed.
 */
const chunkedTo11Only: OriginBehaviour = {
  kind: 'raw',
  respond(request, connection) {
    if (request.message.head.version === 'HTTP/1.1') {
      connection.write(
        responseBytes({
          status: 200,
          headers: [['Transfer-Encoding', 'chunked']],
          body: chunkedBody([BODY]),
        }),
      )
      return
    }
    connection.write(
      responseBytes({ status: 200, headers: [['Content-Length', String(SIZE)]], body: BODY }),
    )
    connection.end()
  },
}

/** The origin answers with BODY framed as `framing`; the client speaks `version`. */
async function relayedWhole(
  ctx: CaseContext,
  framing: OriginFraming,
  version: 'HTTP/1.1' | 'HTTP/1.0',
): Promise<Outcome> {
  if (framing === 'chunked') ctx.origin.behave(chunkedTo11Only)
  else
    ctx.origin.behave({
      kind: 'routes',
      handlers: [http.all('*', () => new HttpResponse(BODY))],
      policy: { framing },
    })
  const client = await ctx.connect()
  await client.write(originRequest(ctx, { version }))
  // Bounded: a body with no visible end must cost little (256 KiB on loopback takes milliseconds).
  const result = await client.readResponse({ timeoutMs: 2 * ctx.quietMs })
  if (result.kind === 'timeout') {
    return violates(
      `all ${SIZE} bytes, ended by the framing or by EOF`,
      `${result.partial.length} bytes, then nothing for ${Math.round(result.afterMs)} ms: the body has no end the client can see`,
    )
  }
  if (result.kind !== 'response')
    return violates(
      `a ${SIZE}-byte response`,
      `${result.kind} after ${result.partial.length} bytes`,
    )
  const { message } = result
  const problems: string[] = []
  if (version === 'HTTP/1.0' && hasField(message.head.headers, 'transfer-encoding'))
    problems.push('Transfer-Encoding sent to an HTTP/1.0 client')
  if (!message.complete) problems.push(`an incomplete message (${message.framing})`)
  if (!message.body.equals(BODY))
    problems.push(`${message.body.length} body bytes that are not the origin's ${SIZE}`)
  if (problems.length > 0)
    return violates(`the whole ${SIZE}-byte body, framed for ${version}`, problems.join('; '))
  const upstream = ctx.origin.requests()[0]?.message.head.version
  if (framing === 'chunked' && upstream === 'HTTP/1.0') {
    // Nothing chunked to de-chunk: what is left to judge (no Transfer-Encoding, the whole body) held.
    return conforms(
      `${message.framing} to the ${version} client; the target asked the origin in HTTP/1.0, so the origin could not answer chunked`,
    )
  }
  if (message.framing === 'close-delimited' || version === 'HTTP/1.0') {
    // Ended by closing: the close has to come, or the client never knows the body ended.
    return conforms(`${message.framing} to the ${version} client`)
  }
  return conforms(`${message.framing} to the ${version} client, connection reusable`)
}

/** The origin sends `bytes` and closes; the client must not see a complete message. */
async function cutShort(ctx: CaseContext, bytes: Buffer, what: string): Promise<Outcome> {
  ctx.origin.behave({
    kind: 'raw',
    respond(_request, connection) {
      connection.write(bytes)
      connection.end()
    },
  })
  const client = await ctx.connect()
  await client.write(originRequest(ctx))
  const result = await client.readResponse({ timeoutMs: ctx.quietMs })
  // Without the cut at the origin there is nothing to judge: a target that never forwards passes nothing.
  if (ctx.origin.requests().length === 0)
    return violates(
      `the request forwarded, so the origin can cut its response short (${what})`,
      provenance(result, []),
    )
  // A 5xx of the target's own (the origin sent 200): the cut-short response was discarded, not
  // presented as complete (Varnish answers 503 when its fetch fails before delivery); which
  // 5xx is informational, 502 being the one for an invalid upstream response (RFC 9110 §15.6.3).
  const status = result.kind === 'response' ? result.message.head.status : 0
  if (result.kind === 'response' && result.message.complete && status >= 500 && status <= 599) {
    const who = `the target answered ${status} itself: the cut-short response was discarded`
    if (status === 502) return conforms(who)
    return violates(
      `502 for the response cut short (${what})`,
      `${who} (a refusal; which 5xx is informational)`,
      'INFO',
    )
  }
  if (result.kind === 'response' && result.message.complete) {
    return violates(
      `an incomplete message, then the connection closed (the origin sent ${what})`,
      `a complete ${result.message.framing} message of ${result.message.body.length} bytes`,
    )
  }
  if (result.kind === 'timeout') {
    return violates(
      `the client connection closed after the cut (the origin sent ${what})`,
      `${result.partial.length} bytes, then the connection stayed open ${Math.round(result.afterMs)} ms`,
    )
  }
  // An incomplete message at EOF, or a close before any response: both tell the truth.
  if (result.kind === 'response' && (await closeWithin(client, ctx.quietMs)) === 'open')
    return violates('the client connection closed', 'it stayed open')
  return conforms(result.kind === 'response' ? 'an incomplete message, then EOF' : result.kind)
}

const DECLARED = 1000

export const responseFramingCases = [
  defineCase({
    id: 'close-delimited-response-to-http11-client',
    title:
      'A 256 KiB close-delimited upstream response reaches an HTTP/1.1 client whole, chunked or ended by EOF',
    requirements: ['KA-07'],
    spec: [
      { rfc: 9112, section: '6.3' },
      { rfc: 9112, section: '8' },
    ],
    requirement:
      'An intermediary MUST relay a close-delimited response completely: re-framed (chunked) or itself ended by closing the client connection.',
    level: 'MUST',
    roles: ['forward', 'reverse'],
    run: (ctx) => relayedWhole(ctx, 'close-delimited', 'HTTP/1.1'),
  }),
  defineCase({
    id: 'close-delimited-response-to-http10-client',
    title:
      'A 256 KiB close-delimited upstream response reaches an HTTP/1.0 client whole, without Transfer-Encoding',
    requirements: ['KA-07'],
    spec: [
      { rfc: 9112, section: '6.3' },
      { rfc: 9112, section: '6.1' },
    ],
    requirement:
      'A server MUST NOT send Transfer-Encoding to an HTTP/1.0 client; the close-delimited body is relayed whole and ended by closing.',
    level: 'MUST',
    roles: ['forward', 'reverse'],
    run: (ctx) => relayedWhole(ctx, 'close-delimited', 'HTTP/1.0'),
  }),
  defineCase({
    id: 'chunked-response-to-http10-client',
    title:
      'A chunked upstream response reaches an HTTP/1.0 client de-chunked, without Transfer-Encoding',
    requirements: ['KA-07'],
    spec: [
      { rfc: 9112, section: '6.1' },
      { rfc: 9112, section: '7.1' },
    ],
    requirement:
      'A server MUST NOT send a response containing Transfer-Encoding to a client that sent an HTTP/1.0 request.',
    level: 'MUST',
    roles: ['forward', 'reverse'],
    run: (ctx) => relayedWhole(ctx, 'chunked', 'HTTP/1.0'),
  }),
  defineCase({
    id: 'short-content-length-response-not-completed',
    title: `An upstream response that declares ${DECLARED} bytes and closes after 500 is not presented as complete, and the client connection closes`,
    requirements: ['KA-09'],
    spec: [
      { rfc: 9112, section: '6.3' },
      { rfc: 9112, section: '8' },
    ],
    requirement:
      'A message with a valid Content-Length that closes before that many octets is incomplete; an intermediary MUST NOT forward it as complete and closes the connections involved.',
    level: 'MUST',
    roles: ['forward', 'reverse'],
    run: (ctx) =>
      cutShort(
        ctx,
        Buffer.concat([
          Buffer.from(`HTTP/1.1 200 OK\r\nContent-Length: ${DECLARED}\r\n\r\n`, 'latin1'),
          Buffer.alloc(500, 'a'),
        ]),
        `Content-Length: ${DECLARED}, 500 bytes, FIN`,
      ),
  }),
  defineCase({
    id: 'unterminated-chunked-response-not-completed',
    title:
      'An upstream chunked response that closes without its last chunk is not presented as complete, and the client connection closes',
    requirements: ['KA-09'],
    spec: [
      { rfc: 9112, section: '7.1' },
      { rfc: 9112, section: '8' },
    ],
    requirement:
      'A chunked message that closes before the zero-size chunk is incomplete; an intermediary MUST NOT make up the terminator.',
    level: 'MUST',
    roles: ['forward', 'reverse'],
    run: (ctx) =>
      cutShort(
        ctx,
        Buffer.from(
          'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n',
          'latin1',
        ),
        'two chunks and FIN, no last chunk',
      ),
  }),
]
