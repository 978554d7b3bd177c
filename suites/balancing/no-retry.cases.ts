import { lbRequest } from '../../harness/backends/lb-id.js'
import { defineCase } from '../../harness/engine/model/case.js'
import { conforms, violates, type Outcome } from '../../harness/engine/model/outcome.js'
import { backendsOf, deliveries, describeDeliveries, requestId } from './lb.js'

/** Methods no balancer may take for idempotent (RFC 9110 §9.2.2): POST, PATCH and an unknown one. */
const METHODS = ['POST', 'PATCH', 'FROB'] as const

export const noRetryCases = [
  defineCase({
    id: 'no-retry-of-non-idempotent-request',
    title:
      'A POST (PATCH, unknown method) a backend reset after reading it reaches the backends at most once',
    requirements: ['LB-01'],
    spec: [
      { rfc: 9112, section: '9.3.1' },
      { rfc: 9110, section: '9.2.2' },
    ],
    // RFC 9112 §9.3.1: "A proxy MUST NOT automatically retry non-idempotent requests."
    // A load balancer is a proxy; the requests here are non-idempotent (RFC 9110 §9.2.2:
    // POST, PATCH, and a method the proxy does not know to be idempotent).
    requirement:
      'After a non-idempotent request was written to a backend, the balancer does not send it again on its own, to that backend or another',
    level: 'MUST',
    roles: ['balancer'],
    balancer: { primaries: 3, profile: { policy: 'round-robin' } },
    async run(ctx): Promise<Outcome> {
      const backends = backendsOf(ctx)
      // Every backend reads the whole request, then resets: whichever the balancer picks
      // first (the catalog's O1), the bytes have reached a backend and the request failed.
      // A second delivery anywhere is a retry; it can only meet another reset.
      for (const backend of backends.all) backend.resetAfter('request')
      const found: string[] = []
      for (const method of METHODS) {
        const id = requestId(ctx, method.toLowerCase())
        const client = await ctx.connect()
        const body = method === 'POST' ? Buffer.alloc(4096, 'p') : `${method.toLowerCase()} body`
        await client.write(lbRequest(id, { method, body, host: ctx.originHost }))
        // The balancer's answer (a 5xx or a close) comes after any retry it makes.
        const answer = await client.readResponse({ requestMethod: method })
        ctx.note(
          `${method} ${id}: ${answer.kind === 'response' ? `answered ${answer.message.head.status}` : answer.kind}`,
        )
        await client.close()
        const seen = deliveries(backends, id)
        if (seen.length === 0) ctx.note(`${method} ${id} never reached a backend`)
        if (seen.length > 1)
          found.push(
            `${method} ${id} reached the backends ${seen.length} times: ${describeDeliveries(seen)}`,
          )
      }
      if (found.length > 0) {
        return violates(
          'each non-idempotent request delivered at most once across all backends (a 5xx or a close to the client instead)',
          found.join('; '),
        )
      }
      return conforms()
    },
  }),
]
