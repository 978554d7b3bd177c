/**
 * The relay of seeded defect 'merges-trailers' (RFC 9110 §6.5.1, HOP-09): a
 * buffering proxy reads a chunked response whole and sends it on with a
 * Content-Length, the trailer fields moved into the header section. There a
 * trailer `Content-Length: 0` re-frames the body and a trailer Set-Cookie takes
 * effect: what RFC 9110 §6.5.1 forbids ("MUST NOT merge"). It replaces the
 * step relayFinalResponse for chunked responses (test-fixtures/defects/hop-by-hop.ts).
 */
import type { HeaderField, ResponseHead } from '../../../harness/wire/types.js'
import { clientResponseHead, httpDate } from '../../../harness/reference/proxy/message-head.js'
import type { RelayInput, RelayResult } from '../../../harness/reference/proxy/relay-response.js'
import { writeAll } from '../../../harness/reference/proxy/socket-io.js'

const field = (name: string, value: string): HeaderField => ({
  name,
  value,
  raw: Buffer.from(`${name}: ${value}`, 'latin1'),
})

/** Buffers the chunked body, then writes one Content-Length response with the trailers as headers. */
export async function relayMergingTrailers(
  input: RelayInput,
  head: ResponseHead,
): Promise<RelayResult> {
  const parts: Buffer[] = []
  for (;;) {
    const event = await input.conn.reader.next()
    if (event.type === 'body') {
      parts.push(event.data)
      continue
    }
    if (event.type !== 'message' || !event.message.complete)
      return { kind: 'aborted', detail: 'the upstream response broke off' }
    const body = Buffer.concat(parts)
    const headers = [
      ...head.headers.filter((f) => f.name.toLowerCase() !== 'transfer-encoding'),
      ...event.message.trailers,
    ]
    // Our own length goes last: a merged trailer Content-Length comes first and wins.
    headers.push(field('Content-Length', String(body.length)))
    const close = input.mustClose()
    const bytes = clientResponseHead({
      head: { ...head, headers },
      framing: 'content-length',
      close,
      viaName: input.viaName,
      steps: input.steps,
      date: httpDate(),
    })
    if (!(await writeAll(input.client, Buffer.concat([bytes, body]))))
      return { kind: 'aborted', detail: 'the client went away' }
    return {
      kind: 'relayed',
      clientMayPersist: !close,
      upstreamMayPersist: input.steps.upstreamMayPersist(head, false),
      upstreamVersion: head.version,
    }
  }
}
