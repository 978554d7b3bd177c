// RFC 9112 §6.3 rule 5, RFC 9110 §8.6: an invalid Content-Length is an
// unrecoverable framing error. A request gets 400 and a close, a response a
// 502 and a closed upstream connection; the invalid value never travels on.
import type { CaseContext } from '../../harness/model/case-context.js'
import { defineCase } from '../../harness/model/case.js'
import { conforms, violates } from '../../harness/model/outcome.js'
import { isTimeout } from '../../harness/net/deadline.js'
import { fieldValues } from '../../harness/wire/fields.js'
import type { FieldLine } from '../../harness/wire/types.js'
import { originRequest, responseOrOutcome, statusLine } from '../support/request.js'
import {
  bodyText,
  describeArrivals,
  firstViolation,
  rawBySuffix,
  type ForwardingCheck,
  type RefusalProbe,
} from './probe.js'

function lengthProbe(
  ctx: CaseContext,
  suffix: string,
  lines: readonly FieldLine[],
  body: string,
): RefusalProbe {
  const label = lines.map((l) => (typeof l === 'string' ? l : `${l[0]}: ${l[1]}`)).join(' + ')
  return {
    label: JSON.stringify(label),
    suffix,
    bytes: originRequest(ctx, { method: 'POST', suffix, headers: lines, body }),
  }
}

export const contentLengthCases = [
  defineCase({
    id: 'framing/invalid-content-length-rejected',
    suite: 'framing',
    title: 'A request with an invalid Content-Length gets 400 and a close, and is never forwarded',
    requirements: ['SMUG-03'],
    spec: [
      { rfc: 9112, section: '6.3' },
      { rfc: 9110, section: '8.6' },
    ],
    requirement:
      'A request without Transfer-Encoding whose Content-Length is invalid is an unrecoverable framing error: the server MUST respond 400 and close the connection.',
    level: 'MUST',
    roles: ['forward', 'reverse'],
    async run(ctx) {
      const values = ['', '+5', '0x5', '5 5', '-1', '99999999999999999999999']
      const probes = values.map((value, i) =>
        lengthProbe(ctx, `cl${i}-`, [['Content-Length', value]], 'hello'),
      )
      return (await firstViolation(ctx, probes)) ?? conforms()
    },
  }),

  defineCase({
    id: 'framing/content-length-lists',
    suite: 'framing',
    title:
      'Content-Length values that disagree get 400 and a close; identical ones are refused or forwarded as one Content-Length',
    requirements: ['SMUG-03'],
    spec: [
      { rfc: 9110, section: '8.6' },
      { rfc: 9112, section: '6.3' },
    ],
    requirement:
      'Several Content-Length values that differ are an unrecoverable framing error (400 and close); a list of identical values MAY be replaced by that one value before forwarding, or rejected.',
    level: 'MUST',
    roles: ['forward', 'reverse'],
    async run(ctx) {
      const collapsed: ForwardingCheck = {
        allowed: 'one "Content-Length: 5" at the origin with the 5-byte body',
        check(arrived) {
          const [first, ...rest] = arrived
          if (first === undefined || rest.length > 0) return 'not exactly one request arrived'
          const lengths = fieldValues(first.message.head.headers, 'content-length')
          if (lengths.length !== 1 || lengths[0] !== '5')
            return `Content-Length ${JSON.stringify(lengths)} arrived`
          if (first.message.body.toString('latin1') !== 'hello') return 'the body differs'
          return undefined
        },
      }
      const probes: RefusalProbe[] = [
        lengthProbe(
          ctx,
          'two-lines-',
          [
            ['Content-Length', '5'],
            ['Content-Length', '6'],
          ],
          'hello!',
        ),
        lengthProbe(ctx, 'list-', [['Content-Length', '5, 6']], 'hello!'),
        {
          ...lengthProbe(ctx, 'same-list-', [['Content-Length', '5, 5']], 'hello'),
          forwarded: collapsed,
        },
        {
          ...lengthProbe(
            ctx,
            'same-lines-',
            [
              ['Content-Length', '5'],
              ['Content-Length', '5'],
            ],
            'hello',
          ),
          forwarded: collapsed,
        },
      ]
      return (await firstViolation(ctx, probes)) ?? conforms()
    },
  }),

  defineCase({
    id: 'framing/invalid-response-content-length-is-502',
    suite: 'framing',
    title:
      'A response with an invalid Content-Length becomes a 502, its body is not relayed, and the upstream connection is closed',
    requirements: ['SMUG-04'],
    spec: [{ rfc: 9112, section: '6.3' }],
    requirement:
      'A proxy that receives a response without Transfer-Encoding and with an invalid Content-Length MUST close the upstream connection, discard the response and send 502 downstream.',
    level: 'MUST',
    roles: ['forward', 'reverse'],
    async run(ctx) {
      const answers: Record<string, string> = { 'list-': '5, 6', 'letters-': 'abc' }
      ctx.origin.behave(
        rawBySuffix(
          ctx,
          Object.fromEntries(
            Object.entries(answers).map(([suffix, value]) => [
              suffix,
              Buffer.from(`HTTP/1.1 200 OK\r\nContent-Length: ${value}\r\n\r\nhello!`),
            ]),
          ),
        ),
      )
      for (const [suffix, value] of Object.entries(answers)) {
        ctx.note(`origin answers with Content-Length: ${value}`)
        const client = await ctx.connect()
        await client.write(originRequest(ctx, { suffix }))
        const read = responseOrOutcome(
          await client.readResponse(),
          `a 502 for the origin's "Content-Length: ${value}"`,
        )
        if ('outcome' in read) return read.outcome
        const { message } = read
        if (message.head.status !== 502 || bodyText(message).includes('hello')) {
          return violates(
            `a 502 for the origin's "Content-Length: ${value}", none of its body`,
            `${statusLine(message)}, Content-Length ${JSON.stringify(fieldValues(message.head.headers, 'content-length'))}, body ${JSON.stringify(bodyText(message).slice(0, 80))}`,
          )
        }
        const request = ctx.origin
          .requests()
          .find((r) => r.message.head.target.includes(ctx.path(suffix)))
        if (request === undefined)
          return violates('the request reached the origin', describeArrivals([]))
        const closedBy = await ctx.origin.connectionClosed(request.conn, ctx.quietMs)
        if (isTimeout(closedBy) || closedBy !== 'peer') {
          return violates(
            `origin connection ${request.conn} closed by the target after the invalid response`,
            isTimeout(closedBy)
              ? `still open ${ctx.quietMs} ms after the 502`
              : 'the origin closed it itself',
          )
        }
      }
      return conforms()
    },
  }),
]
