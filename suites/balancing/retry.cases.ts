import { createHash } from 'node:crypto'
import { LB_ID_FIELD, lbRequest } from '../../harness/backends/lb-id.js'
import type { BackendRequest } from '../../harness/backends/types.js'
import type { CaseContext } from '../../harness/engine/model/case-context.js'
import { defineCase } from '../../harness/engine/model/case.js'
import { conforms, violates, type Outcome } from '../../harness/engine/model/outcome.js'
import { fieldValues } from '../../harness/wire/fields.js'
import { backendsOf, deliveries, describeDeliveries, requestId } from './lb.js'

/** End-to-end fields the client sends, which every delivery must carry unchanged (RFC 9110 §7.6.1). */
const END_TO_END: readonly (readonly [string, string])[] = [
  ['Accept', 'text/plain'],
  ['X-Proxyspec-Echo', 'same-on-every-try'],
  ['Cache-Control', 'no-transform'],
]

/** A body whose every byte depends on its place, so a cut or shifted copy has another hash. */
function patternBody(length: number, seed: string): Buffer {
  const body = Buffer.alloc(length)
  let block = createHash('sha256').update(seed).digest()
  for (let at = 0; at < length; at += block.length) {
    block.copy(body, at)
    block = createHash('sha256').update(block).digest()
  }
  return body
}

/** `PUT /lb/<id>/` with a chunked body (4 KiB chunks), as bytes. */
function chunkedPut(id: string, host: string, body: Buffer): Buffer {
  const head = [
    `PUT /lb/${id}/ HTTP/1.1`,
    `Host: ${host}`,
    `${LB_ID_FIELD}: ${id}`,
    ...END_TO_END.map(([name, value]) => `${name}: ${value}`),
    'Transfer-Encoding: chunked',
    '',
    '',
  ].join('\r\n')
  const parts: Buffer[] = [Buffer.from(head, 'latin1')]
  for (let at = 0; at < body.length; at += 4096) {
    const chunk = body.subarray(at, at + 4096)
    parts.push(Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n'))
  }
  parts.push(Buffer.from('0\r\n\r\n'))
  return Buffer.concat(parts)
}

/** How a delivery differs from the request the client sent, or undefined when it is the same request. */
function differences(
  request: BackendRequest,
  first: BackendRequest,
  body: Buffer,
  sha: string,
): string[] {
  const found: string[] = []
  if (request.method !== first.method) found.push(`method ${request.method}, first ${first.method}`)
  if (request.target !== first.target) found.push(`target ${request.target}, first ${first.target}`)
  for (const [name, value] of END_TO_END) {
    const got = fieldValues(request.headers, name).join(', ')
    if (got !== value) found.push(`${name} ${JSON.stringify(got)}, sent ${JSON.stringify(value)}`)
  }
  if (!request.complete) {
    found.push(`the body ended after ${request.bodyLength} of ${body.length} bytes`)
  } else if (request.bodyLength !== body.length || request.bodySha256 !== sha) {
    found.push(`a body of ${request.bodyLength} bytes that is not the one sent (${body.length})`)
  }
  const length = fieldValues(request.headers, 'content-length')
  if (length.length > 0 && length.join(',') !== String(request.bodyLength)) {
    found.push(`Content-Length ${length.join(',')} for ${request.bodyLength} body bytes`)
  }
  return found
}

/** The variants of LB-04: framing and size (256 KiB is beyond the usual request buffers). */
const REPLAY_VARIANTS = [
  { name: 'cl-16k', chunked: false, size: 16 * 1024 },
  { name: 'chunked-16k', chunked: true, size: 16 * 1024 },
  { name: 'cl-256k', chunked: false, size: 256 * 1024 },
] as const

/** Waits for the balancer's answer (a 5xx or a close, after any retry), within `ms`. */
async function answerOf(
  ctx: CaseContext,
  client: Awaited<ReturnType<CaseContext['connect']>>,
  method: string,
  ms: number,
): Promise<string> {
  const started = performance.now()
  const answer = await client.readResponse({
    requestMethod: method,
    timeoutMs: Math.max(0, Math.min(ms, ctx.remainingMs() - 200)),
  })
  const after = Math.round(performance.now() - started)
  if (answer.kind === 'response') return `answered ${answer.message.head.status} after ${after} ms`
  if (answer.kind === 'closed') return `closed (${answer.how}) after ${after} ms`
  if (answer.kind === 'timeout') return `no answer within ${after} ms`
  return `a malformed answer after ${after} ms`
}

export const retryCases = [
  defineCase({
    id: 'retry-is-the-same-request',
    title:
      'An idempotent request the balancer sends again is the same request: method, target, end-to-end fields and the whole body',
    requirements: ['LB-04'],
    spec: [
      { rfc: 9110, section: '9.2.2' },
      { rfc: 9112, section: '6' },
    ],
    // LB-04 (RFC 9110 §9.2.2: an idempotent request may be *repeated*, which means the
    // same request again; RFC 9112 §6: the message body is part of the request): a retry
    // on another backend carries the same method, target, end-to-end fields and body,
    // byte for byte, with framing that matches it. A balancer that streamed the body
    // without keeping it does not retry at all (a 5xx or a close is a correct answer).
    requirement:
      'When the balancer retries an idempotent request on another backend, the retry is the same request, whole body included; if it cannot replay the body, it does not retry',
    level: 'MUST',
    roles: ['balancer'],
    balancer: {
      primaries: 2,
      profile: { policy: 'round-robin', retries: { idempotent: 1, redispatch: true } },
    },
    timeoutMs: 8000,
    async run(ctx): Promise<Outcome> {
      const backends = backendsOf(ctx)
      // Every backend reads the whole request, then resets: the first delivery fails once
      // its bytes are in, and a retry (the only way to a second delivery) meets the same
      // reset after it, its bytes recorded whole.
      for (const backend of backends.all) backend.resetAfter('request')
      const found: string[] = []
      let retried = 0
      for (const variant of REPLAY_VARIANTS) {
        const id = requestId(ctx, variant.name)
        const body = patternBody(variant.size, id)
        const sha = createHash('sha256').update(body).digest('hex')
        const client = await ctx.connect()
        await client.write(
          variant.chunked
            ? chunkedPut(id, ctx.originHost, body)
            : lbRequest(id, { method: 'PUT', body, host: ctx.originHost, headers: END_TO_END }),
        )
        const answer = await answerOf(ctx, client, 'PUT', 2000)
        await client.close()
        const seen = deliveries(backends, id)
        ctx.note(
          `${variant.name}: ${answer}; delivered ${seen.length} time(s)${seen.length > 0 ? `: ${describeDeliveries(seen)}` : ''}`,
        )
        const first = seen[0]?.request
        if (first === undefined) continue
        if (seen.length > 1) retried += 1
        seen.forEach(({ backend, request }, i) => {
          const wrong = differences(request, first, body, sha)
          if (wrong.length > 0) {
            found.push(
              `${variant.name}: ${i === 0 ? 'the first delivery' : `try ${i + 1}`} (${backend.name}) had ${wrong.join(', ')}`,
            )
          }
        })
      }
      if (found.length > 0) {
        return violates(
          'every delivery of a retried request identical to the request sent (method, target, end-to-end fields, body and its length), or no retry',
          found.join('; '),
        )
      }
      return conforms(
        retried === 0
          ? 'no variant was retried (a 5xx or a close instead)'
          : `${retried} of ${REPLAY_VARIANTS.length} variants retried, each try the same request`,
      )
    },
  }),
  defineCase({
    id: 'retries-are-bounded',
    title:
      'A request that kills every backend it reaches is retried at most the declared number of times, each time to another backend',
    requirements: ['LB-14'],
    spec: [{ rfc: 9110, section: '9.2.2' }],
    // LB-14 (RFC 9110 §9.2.2: a client SHOULD NOT automatically retry a failed automatic
    // retry; a "request of death" must not go round every backend without end): at most
    // retries.idempotent automatic retries (Contract), to another backend while one is
    // unused when `redispatch` is declared (Contract); with no retries declared, more than
    // one retry warns (the SHOULD NOT).
    requirement:
      'Automatic retries of an idempotent request whose bytes were sent are bounded by the declared retries.idempotent (one by default), each to another backend when redispatch is declared',
    level: 'CONTRACT',
    roles: ['balancer'],
    balancer: {
      primaries: 4,
      profile: { policy: 'round-robin', retries: { idempotent: 1, redispatch: true } },
    },
    timeoutMs: 6000,
    async run(ctx): Promise<Outcome> {
      const backends = backendsOf(ctx)
      for (const backend of backends.all) backend.resetAfter('request')
      const id = requestId(ctx, 'poison')
      const client = await ctx.connect()
      await client.write(lbRequest(id, { path: '/poison', host: ctx.originHost }))
      const answer = await answerOf(ctx, client, 'GET', 4000)
      await client.close()
      const seen = deliveries(backends, id)
      // INFO (catalog LB-14): how long the client waited for its error.
      ctx.note(
        `GET ${id}: ${answer}; delivered ${seen.length} time(s)${seen.length > 0 ? `: ${describeDeliveries(seen)}` : ''}`,
      )
      const retries = ctx.profile?.retries
      const declared = retries?.idempotent
      if (declared === undefined) {
        if (seen.length > 2) {
          return violates(
            'at most one automatic retry when the profile declares none (RFC 9110 §9.2.2)',
            `${seen.length} deliveries (${seen.length - 1} retries)`,
            'SHOULD',
          )
        }
        return conforms(`${seen.length} deliveries; the profile declares no retries`)
      }
      if (seen.length > declared + 1) {
        return violates(
          `at most ${declared + 1} deliveries (retries.idempotent ${declared})`,
          `${seen.length} deliveries: ${describeDeliveries(seen)}`,
        )
      }
      if (retries?.redispatch === true) {
        const names = seen.map((d) => d.backend.name)
        const repeated = names.find((name, i) => names.indexOf(name) !== i)
        if (repeated !== undefined && new Set(names).size < backends.all.length) {
          return violates(
            'each retry to a backend not tried yet while one is left (redispatch declared)',
            `${repeated} got the request twice while ${backends.all.length - new Set(names).size} backend(s) were never tried: ${names.join(', ')}`,
          )
        }
      }
      return conforms(
        `${seen.length} deliveries, ${declared} retr${declared === 1 ? 'y' : 'ies'} declared`,
      )
    },
  }),
]
