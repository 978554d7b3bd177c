// RFC 9112 §9.3: HTTP/1.1 connections persist by default; the intermediary
// keeps the client connection open after a response of self-defined length.
import { defineCase } from '../../harness/engine/model/case.js'
import { conforms, violates } from '../../harness/engine/model/outcome.js'
import { listTokens } from '../../harness/wire/fields.js'
import { originRequest, responseOf } from '../support/request.js'

export const persistenceCases = [
  defineCase({
    id: 'persists-http11-client-connections',
    title: 'Two sequential HTTP/1.1 requests are answered on one client connection',
    requirements: ['KA-01'],
    spec: [{ rfc: 9112, section: '9.3' }],
    requirement:
      'HTTP/1.1 connections persist by default: unless close is signalled, the intermediary SHOULD keep the connection open after a response with self-defined length.',
    level: 'SHOULD',
    roles: ['forward', 'reverse'],
    async run(ctx) {
      const client = await ctx.connect()
      for (const suffix of ['first', 'second']) {
        await client.write(originRequest(ctx, { suffix }))
        const read = responseOf(
          await client.readResponse(),
          `the ${suffix} response on the same connection`,
        )
        if (listTokens(read.head.headers, 'connection').includes('close')) {
          return violates(
            'the connection kept open',
            `the ${suffix} response says Connection: close`,
          )
        }
        if (!read.complete || read.framing === 'close-delimited') {
          return violates(
            'a response of self-defined length',
            `the ${suffix} response was delimited by closing the connection`,
          )
        }
      }
      if (client.peerState !== 'open') {
        return violates(
          'the connection still open after two responses',
          `the target closed it (${client.peerState})`,
        )
      }
      return conforms()
    },
  }),
]
