// RFC 9110 §7.6.1: an intermediary removes Connection and every field it names
// before forwarding, in both directions, parsing Connection as a list
// (case-insensitive, several lines, empty elements, optional whitespace).
import { defineCase } from '../../harness/engine/model/case.js'
import { conforms, observed, timedOut, violates } from '../../harness/engine/model/outcome.js'
import { fieldValues, hasField, listTokens } from '../../harness/wire/fields.js'
import type { FieldLine } from '../../harness/wire/types.js'
import { rawResponse } from '../support/origin.js'
import { originRequest, responseOf } from '../support/request.js'
import { exchange } from '../support/exchange.js'
import { bothEnds, ownAnswer } from './exchange.js'

const present = (headers: Parameters<typeof hasField>[0], names: readonly string[]): string[] =>
  names.filter((name) => hasField(headers, name))

export const connectionFieldCases = [
  defineCase({
    id: 'drops-connection-listed-request-fields',
    title: 'Request fields named in Connection, and Connection itself, are not forwarded',
    requirements: ['HOP-01'],
    spec: [{ rfc: 9110, section: '7.6.1' }],
    requirement:
      'An intermediary MUST remove the fields named as connection options before forwarding a message, and the Connection field itself (or replace it with its own options).',
    level: 'MUST',
    roles: ['forward', 'reverse'],
    run: (ctx) =>
      exchange(ctx, {
        send: {
          headers: [
            ['Connection', 'X-Hop, keep-alive'],
            ['X-Hop', '1'],
            ['X-End', '1'],
          ],
        },
        expectAtOrigin: ({ message: { head } }) => {
          if (!hasField(head.headers, 'x-end'))
            return {
              expected: 'X-End (end-to-end) forwarded',
              observed: 'X-End missing at the origin',
            }
          // Only x-hop can be told apart: a proxy may send keep-alive as its own option
          // toward the origin (RFC 9110 §7.6.1 lets it replace Connection with its own).
          const leaked = [
            ...present(head.headers, ['x-hop']).map((n) => `${n} forwarded`),
            ...listTokens(head.headers, 'connection')
              .filter((t) => t === 'x-hop')
              .map((o) => `Connection option "${o}" forwarded`),
          ]
          return leaked.length === 0 ? undefined : leaked.join('; ')
        },
        expected: 'no X-Hop, and no "x-hop" connection option, at the origin',
      }),
  }),
  defineCase({
    id: 'drops-connection-listed-response-fields',
    title: 'Response fields named in Connection are not forwarded to the client',
    requirements: ['HOP-01'],
    spec: [{ rfc: 9110, section: '7.6.1' }],
    requirement:
      'An intermediary MUST remove the fields named as connection options before forwarding a response.',
    level: 'MUST',
    roles: ['forward', 'reverse'],
    async run(ctx) {
      ctx.origin.behave(
        rawResponse({
          headers: [
            ['Connection', 'X-Resp-Hop'],
            ['X-Resp-Hop', '1'],
            ['X-Resp-End', '1'],
          ],
        }),
      )
      const client = await ctx.connect()
      await client.write(originRequest(ctx))
      const read = responseOf(await client.readResponse(), 'the response to reach the client')
      const { headers } = read.head
      if (!hasField(headers, 'x-resp-end')) {
        return violates(
          'X-Resp-End (end-to-end) forwarded',
          `X-Resp-End missing (status ${read.head.status})`,
        )
      }
      if (
        hasField(headers, 'x-resp-hop') ||
        listTokens(headers, 'connection').includes('x-resp-hop')
      ) {
        return violates(
          'no X-Resp-Hop at the client',
          `X-Resp-Hop: ${fieldValues(headers, 'x-resp-hop').join(', ') || '(named in Connection)'}`,
        )
      }
      return conforms()
    },
  }),
  defineCase({
    id: 'parses-connection-as-a-list',
    title:
      'Connection is parsed as a case-insensitive list spread over lines, with empty elements and whitespace',
    requirements: ['HOP-02'],
    spec: [
      { rfc: 9110, section: '7.6.1' },
      { rfc: 9110, section: '5.6.1.2' },
      { rfc: 9110, section: '5.3' },
    ],
    requirement:
      'Connection options are case-insensitive list members; a recipient accepts empty elements, optional whitespace and several field lines.',
    level: 'MUST',
    roles: ['forward', 'reverse'],
    async run(ctx) {
      // One request per variant, so the evidence says which form the target mis-parses.
      const variants: {
        readonly name: string
        readonly lines: readonly FieldLine[]
        readonly fields: readonly string[]
      }[] = [
        {
          name: 'leading empty element',
          lines: [
            ['Connection', ',X-A'],
            ['X-A', '1'],
          ],
          fields: ['x-a'],
        },
        {
          name: 'empty line then a second line',
          lines: ['Connection:', ['Connection', 'X-B'], ['X-B', '1']],
          fields: ['x-b'],
        },
        {
          name: 'lower-case option, upper-case field',
          lines: [
            ['Connection', 'x-c'],
            ['X-C', '1'],
          ],
          fields: ['x-c'],
        },
        {
          name: 'whitespace and empty elements',
          lines: [
            ['Connection', 'X-D , ,X-E'],
            ['X-D', '1'],
            ['X-E', '1'],
          ],
          fields: ['x-d', 'x-e'],
        },
      ]
      // Every variant runs and is reported; only what was forwarded is graded.
      const leaks: string[] = []
      const ungraded: string[] = []
      let silent = 0
      for (const [index, variant] of variants.entries()) {
        const { answer, request } = await bothEnds(
          ctx,
          { suffix: `v${index}`, headers: variant.lines },
          ctx.quietMs,
        )
        if (request === undefined) {
          if (answer.kind === 'timeout') silent += 1
          ungraded.push(`${variant.name}: ${ownAnswer(answer)}, nothing forwarded`)
          ctx.note(`${variant.name}: ${ownAnswer(answer)}, nothing forwarded`)
          continue
        }
        const leaked = present(request.message.head.headers, variant.fields)
        ctx.note(
          `${variant.name}: forwarded${leaked.length > 0 ? ` with ${leaked.join(', ')}` : ', the named fields removed'}`,
        )
        if (leaked.length > 0) leaks.push(`${variant.name}: ${leaked.join(', ')} forwarded`)
      }
      if (leaks.length > 0)
        return violates('none of the Connection-named fields at the origin', leaks.join('; '))
      if (silent === variants.length)
        return timedOut('an answer, or any variant at the origin', ctx.quietMs)
      if (ungraded.length === variants.length)
        return observed(`nothing forwarded to grade: ${ungraded.join('; ')}`)
      return conforms(ungraded.length > 0 ? `not forwarded: ${ungraded.join('; ')}` : undefined)
    },
  }),
]
