// RFC 9110 §10.1.1: a proxy that gets `Expect: 100-continue` on an HTTP/1.1
// request with content either answers with a final status at once or
// forwards the request head promptly; it does not wait for the body, which
// the client is holding back until it sees 100 (Continue).
// A proxy may also send a 100 of its own when the next hop speaks HTTP/1.0
// (which ignores the expectation, RFC 9110 §10.1.1); buffering the body first
// behind such a 100 is reported as INFO, never as a deadlock.
// The variant where the origin answers 417 straight away has a case of its
// own; what the proxy does with the unread body then (drain or close) is
// KA-12, in the keep-alive suite.
import type { RawClient } from '../../harness/client/types.js'
import { defineCase } from '../../harness/engine/model/case.js'
import { conforms, observed, violates } from '../../harness/engine/model/outcome.js'
import { isTimeout } from '../../harness/net/deadline.js'
import { fieldValues } from '../../harness/wire/fields.js'
import { responseBytes } from '../../harness/wire/serialize.js'
import type { RequestHead } from '../../harness/wire/types.js'
import type { CaseContext } from '../../harness/engine/model/case-context.js'
import { originRequest, responseOf, statusLine } from '../support/request.js'

/** The catalog's bound (REQUIREMENTS.md HOP-18); the case waits ctx.quietMs when that is shorter. */
const HEAD_WITHIN_MS = 2000
const BODY = 'x'.repeat(1000)

const CONTINUE = /^HTTP\/1\.[01] 100\b/
const firstLine = (head: string): string =>
  head === '' ? 'nothing' : (head.split('\r\n')[0] ?? '')

/** Whether a request at the origin asks for 100 (Continue): HTTP/1.1 with the expectation. */
function asksForContinue(head: RequestHead): boolean {
  return (
    head.version !== 'HTTP/1.0' &&
    fieldValues(head.headers, 'expect').some((v) => /(?:^|,)\s*100-continue\s*(?:,|$)/i.test(v))
  )
}

/** Sends the head of a PUT with Expect: 100-continue and holds the body back. */
async function sendHead(ctx: CaseContext): Promise<RawClient> {
  const client = await ctx.connect()
  await client.write(
    originRequest(ctx, {
      method: 'PUT',
      headers: [
        ['Expect', '100-continue'],
        ['Content-Length', String(BODY.length)],
      ],
    }),
  )
  return client
}

/** A head longer than harness/wire accepts is no head: stop there rather than read a flood byte by byte. */
const MAX_HEAD = 65536

/** Reads one response head (through its empty line) as text; what came before a close or timeout otherwise. */
async function readHead(client: RawClient, timeoutMs: number): Promise<string> {
  let head = ''
  while (!head.endsWith('\r\n\r\n') && head.length < MAX_HEAD) {
    const { data } = await client.readBytes(1, { timeoutMs })
    if (data.length === 0) break
    head += data.toString('latin1')
  }
  return head
}

export const expectContinueCases = [
  defineCase({
    id: 'forwards-expect-continue-without-the-body',
    title:
      'A request with Expect: 100-continue reaches the origin before its body, and the 100 reaches the client',
    requirements: ['HOP-18'],
    spec: [{ rfc: 9110, section: '10.1.1' }],
    requirement:
      'A proxy receiving Expect: 100-continue MUST either answer with a final status at once or forward the request head without waiting for the content.',
    level: 'MUST',
    roles: ['forward', 'reverse'],
    async run(ctx) {
      let release = (): void => undefined
      const bodySent = new Promise<void>((resolve) => {
        release = resolve
      })
      // The origin answers 100 as soon as a head with the expectation is in (not to
      // HTTP/1.0, which ignores it, RFC 9110 §10.1.1), and 201 once the client sent the body.
      ctx.origin.behave({
        kind: 'raw',
        on: 'head',
        async respond(request, connection) {
          if (asksForContinue(request.message.head))
            connection.write(responseBytes({ status: 100 }))
          await bodySent
          connection.write(responseBytes({ status: 201, headers: [['Content-Length', '0']] }))
        },
      })
      try {
        const client = await sendHead(ctx)
        // A conformant proxy forwards the head at once; only a deadlock waits this long.
        const seen = await ctx.origin.nextRequest(Math.min(HEAD_WITHIN_MS, ctx.quietMs))
        const interim = await readHead(client, ctx.quietMs)
        const continued = CONTINUE.test(interim)
        // Bytes that never end in an empty line are no answer at all (a trickle, a flood).
        if (interim !== '' && !interim.endsWith('\r\n\r\n'))
          return violates(
            'a complete response head: 100 (Continue) or a final status',
            `${interim.length} bytes of a head that never ended: ${firstLine(interim)}`,
          )
        if (interim !== '' && !continued) {
          // Answering at once means refusing (417, 4xx, 5xx): a success for a PUT it never forwarded is made up.
          const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(interim)?.[1] ?? 0)
          if (status >= 400 || !isTimeout(seen))
            return conforms(`the proxy answered at once: ${firstLine(interim)}`)
          return violates(
            'a refusal at once, or the request head forwarded to the origin',
            `the target answered ${firstLine(interim)} itself; nothing had reached the origin`,
          )
        }
        if (isTimeout(seen) && !continued) {
          return violates(
            'the request head at the origin promptly, or an answer to the client',
            `neither after ${Math.round(seen.afterMs)} ms: both wait for the body the client holds back`,
          )
        }
        const expected = !isTimeout(seen) && asksForContinue(seen.message.head)
        if (expected && !continued)
          return violates('100 (Continue) from the origin relayed to the client', 'nothing')
        await client.write(BODY)
        release()
        const read = responseOf(await client.readResponse(), 'the final response after the body')
        if (read.head.status !== 201)
          return violates('201 from the origin after the body', statusLine(read))
        if (isTimeout(seen)) {
          return observed(
            'the proxy sent a 100 of its own and forwarded the request only with its body (allowed toward an HTTP/1.0 next hop, RFC 9110 §10.1.1)',
          )
        }
        if (expected || continued) return conforms()
        // The origin was not asked for a 100: HTTP/1.0 toward it is allowed, dropping Expect is not.
        return seen.message.head.version === 'HTTP/1.0'
          ? conforms('the origin got HTTP/1.0, which ignores the expectation')
          : observed(
              'the proxy forwarded the head without Expect: 100-continue, so no 100 came and the client had to send the body unasked',
            )
      } finally {
        release()
      }
    },
  }),
  defineCase({
    id: 'relays-early-final-response-to-expect-continue',
    title:
      'When the origin refuses an Expect: 100-continue request at once, the client gets the refusal without sending the body',
    requirements: ['HOP-18'],
    spec: [{ rfc: 9110, section: '10.1.1' }],
    requirement:
      'A proxy MUST NOT wait for the content of an Expect: 100-continue request before forwarding it, so a final answer of the origin reaches the client at once.',
    level: 'MUST',
    roles: ['forward', 'reverse'],
    async run(ctx) {
      ctx.origin.behave({
        kind: 'raw',
        on: 'head',
        respond(_request, connection) {
          connection.write(
            responseBytes({
              status: 417,
              headers: [
                ['Content-Length', '0'],
                ['Connection', 'close'],
              ],
            }),
          )
          connection.end()
        },
      })
      const client = await sendHead(ctx)
      // Silence here is the deadlock: the body is never sent.
      const first = await readHead(client, ctx.quietMs)
      if (first === '') {
        // The MUST is about forwarding the head without waiting for the body.
        // A proxy that did forward it met it; no sentence requires relaying
        // the origin's early final response before the body arrives, so its
        // silence is reported (a client that waits for it deadlocks), not failed.
        if (ctx.origin.requests().length === 0)
          return violates(
            "the request head forwarded at once, and the origin's 417 relayed while the body is held back",
            `nothing reached the origin and nothing came back within ${ctx.quietMs} ms: the proxy waited for the body`,
          )
        return observed(
          `the proxy forwarded the head at once (the MUST is met) and the origin answered 417 and closed, but nothing reached the client within ${ctx.quietMs} ms while it held the body back: a client that waits for the answer deadlocks (no sentence requires relaying it before the body)`,
        )
      }
      if (!CONTINUE.test(first)) {
        return /^HTTP\/1\.[01] 417\b/.test(first)
          ? conforms()
          : violates("the origin's 417", firstLine(first))
      }
      // A 100 before the refusal can only be the proxy's own: send the body, as a client would.
      await client.write(BODY)
      const read = responseOf(await client.readResponse(), 'the 417 after the body')
      return observed(
        `the proxy sent a 100 of its own and read the body before the origin's answer: ${statusLine(read)} came only after it`,
      )
    },
  }),
]
