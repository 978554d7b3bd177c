import { lbRequest, parseLbResponse } from '../../harness/backends/lb-id.js'
import { defineCase } from '../../harness/engine/model/case.js'
import { conforms, violates, type Outcome } from '../../harness/engine/model/outcome.js'
import { backendsOf, requestId } from './lb.js'

/** Body bytes each backend sends of a response that declares more. */
const CUT_AT = 2000

/** A status line at the start of the bytes or after a partial body: "HTTP/1.1 200". */
const STATUS_LINE = /HTTP\/1\.[01] \d{3} /g

/** What went wrong with the bytes the client got for a response every backend cut, if anything. */
function spliceOrCompletion(
  bytes: Buffer,
  how: string,
  names: readonly string[],
): string | undefined {
  const text = bytes.toString('latin1')
  const statusLines = text.match(STATUS_LINE)?.length ?? 0
  if (statusLines > 1) return `${statusLines} status lines: a second response after the partial one`
  // Each backend names itself at the start of its body ("O1 GET /lb/…"): two names, two bodies.
  const bodies = names.filter((name) => text.includes(`\n${name} GET /lb/`))
  if (bodies.length > 1) return `body bytes of ${bodies.join(' and ')} in one response`
  const response = parseLbResponse(bytes, { eof: how !== 'timeout' })
  if (response.complete && response.status !== undefined && response.status < 300) {
    return `a complete ${response.status} although the backend cut the body at byte ${CUT_AT}`
  }
  if (how === 'timeout' && !response.complete) {
    return 'the message stayed incomplete on an open connection: never ended by a close'
  }
  return undefined
}

export const cutResponseCases = [
  defineCase({
    id: 'cut-response-stays-incomplete',
    title:
      'A response its backend cut mid-body reaches the client visibly incomplete, never completed or spliced',
    requirements: ['LB-03'],
    spec: [
      { rfc: 9112, section: '8' },
      { rfc: 9112, section: '6.3' },
    ],
    // RFC 9112 §8: "A message that uses a valid Content-Length is incomplete if the size
    // of the message body it contains is less than the stated length" (the same for a
    // chunked body without its last-chunk); a proxy forwarding one must leave it
    // recognisably incomplete: close the connection, never complete it (LB-03: never
    // append a second backend's bytes, never a second status line).
    requirement:
      'When the backend dies part-way through a response, the client sees it incomplete (a close before the declared end), never a completed or spliced message',
    level: 'MUST',
    roles: ['balancer'],
    balancer: { primaries: 2, profile: { policy: 'round-robin' } },
    async run(ctx): Promise<Outcome> {
      const backends = backendsOf(ctx)
      const names = backends.all.map((b) => b.name)
      const found: string[] = []
      // Every backend cuts: whichever the balancer picks first, the response it starts is
      // cut, and a retry can only bring a second backend's bytes, never a whole response.
      for (const framing of ['content-length', 'chunked'] as const) {
        for (const backend of backends.all) backend.cutBody(CUT_AT, 'rst', framing)
        const id = requestId(ctx, framing)
        const client = await ctx.connect()
        await client.write(lbRequest(id, { host: ctx.originHost }))
        const { data, how } = await client.readUntilClose({
          timeoutMs: Math.max(0, ctx.remainingMs() / 2 - 50),
        })
        await client.close()
        const head = data.toString('latin1').split('\r\n', 1)[0] ?? ''
        ctx.note(
          `${framing}: ${data.length} bytes (${head === '' ? 'no response' : head}), then ${how}`,
        )
        const wrong = spliceOrCompletion(data, how, names)
        if (wrong !== undefined) found.push(`${framing}: ${wrong}`)
      }
      if (found.length > 0) {
        return violates(
          'one response, visibly incomplete (a close before its declared end) or a whole error response, with the bytes of one backend only',
          found.join('; '),
        )
      }
      return conforms()
    },
  }),
]
