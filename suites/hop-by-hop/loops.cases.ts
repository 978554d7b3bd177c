// RFC 9110 §7.6: a proxy MUST NOT forward a request to itself unless it is
// protected against an infinite loop; it should recognise its own names and
// addresses and answer directly.
// Black-box evidence of a loop: every pass through the proxy appends a Via
// member (HOP-05), so a response that went round carries one member per
// self-connection, plus perhaps one on the answer the proxy made itself.
// One self-connection is allowed (a proxy that goes round once and then
// recognises its own Via is protected, as Squid and the reference are: that
// also stops a loop through a relay, such as the one-byte relay run), so at
// most two members.
// A forward proxy also gets `CONNECT <itself>`: any answer in time will do
// (a refusal, or one tunnel to itself, which is a single self-connection).
// Not covered here: a reverse proxy whose configured route points back at
// itself (a configuration the case cannot make).
import { defineCase } from '../../harness/engine/model/case.js'
import { conforms, violates } from '../../harness/engine/model/outcome.js'
import { requestBytes } from '../../harness/wire/serialize.js'
import { responseOf, statusLine } from '../support/request.js'
import { viaMembers } from './exchange.js'

/** How long the proxy may take to answer a request for itself (REQUIREMENTS.md HOP-19). */
const ANSWER_WITHIN_MS = 2000
/** One relayed pass and the proxy's own answer (Squid adds Via to its error pages). */
const MAX_VIA_MEMBERS = 2

export const loopCases = [
  defineCase({
    id: 'does-not-forward-to-itself',
    title: 'A request addressed to the proxy itself is answered, not forwarded round and round',
    requirements: ['HOP-19'],
    spec: [{ rfc: 9110, section: '7.6' }],
    requirement:
      'A proxy MUST NOT forward a request to itself unless protected against loops; it should recognise its own names and answer directly.',
    level: 'MUST',
    roles: ['forward', 'reverse'],
    async run(ctx) {
      const self = ctx.target.authority
      const path = ctx.path('self')
      const client = await ctx.connect()
      // Forward: absolute-form naming the proxy. Reverse: the proxy's own name as Host.
      await client.write(
        requestBytes({
          method: 'GET',
          target: ctx.role === 'forward' ? `http://${self}${path}` : path,
          headers: [['Host', self]],
        }),
      )
      const read = responseOf(
        await client.readResponse({ timeoutMs: Math.min(ANSWER_WITHIN_MS, ctx.remainingMs()) }),
        `an answer within ${ANSWER_WITHIN_MS} ms to a request for ${self}`,
      )
      const members = viaMembers(read.head.headers)
      ctx.note(`answered ${statusLine(read)}, Via: ${members.join(', ') || '(none)'}`)
      if (members.length > MAX_VIA_MEMBERS) {
        return violates(
          `an answer after at most one self-connection (at most ${MAX_VIA_MEMBERS} Via members)`,
          `${statusLine(read)} after ${members.length} passes: Via: ${members.join(', ')}`,
        )
      }
      if (ctx.role !== 'forward') return conforms()
      const tunnel = await ctx.connect()
      await tunnel.write(
        requestBytes({ method: 'CONNECT', target: self, headers: [['Host', self]] }),
      )
      const connect = responseOf(
        await tunnel.readResponse({
          requestMethod: 'CONNECT',
          timeoutMs: Math.min(ANSWER_WITHIN_MS, ctx.remainingMs()),
        }),
        `an answer within ${ANSWER_WITHIN_MS} ms to CONNECT ${self}`,
      )
      ctx.note(`CONNECT ${self} answered ${statusLine(connect)}`)
      return conforms()
    },
  }),
]
