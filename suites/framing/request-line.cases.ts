// RFC 9112 §3, §3.2 and RFC 9110 §5.4: a request line that breaks the
// grammar is refused rather than silently fixed, and a head larger than the
// intermediary handles is refused rather than truncated.
import { defineCase } from '../../harness/model/case.js'
import { conforms } from '../../harness/model/outcome.js'
import { fieldValues } from '../../harness/wire/fields.js'
import { originRequest } from '../support/request.js'
import { firstViolation, type RefusalProbe } from './probe.js'

const raw = (text: string): Buffer => Buffer.from(text, 'latin1')

export const requestLineCases = [
  defineCase({
    id: 'framing/invalid-request-line-rejected',
    suite: 'framing',
    title:
      'An invalid request line gets 400 (or a corrective 301) and is not fixed up and forwarded',
    requirements: ['SMUG-13'],
    spec: [
      { rfc: 9112, section: '3' },
      { rfc: 9112, section: '3.2' },
    ],
    requirement:
      'A recipient of an invalid request-line SHOULD respond 400 (or 301 with a properly encoded target) and SHOULD NOT try to autocorrect and process it.',
    level: 'SHOULD',
    roles: ['forward', 'reverse'],
    async run(ctx) {
      const host = `Host: ${ctx.originHost}\r\n\r\n`
      const target = (suffix: string): string => ctx.requestTarget(ctx.path(suffix))
      const lines: readonly [string, string][] = [
        ['space-', `GET ${target('space-')} b HTTP/1.1`],
        ['two-sp-', `GET  ${target('two-sp-')} HTTP/1.1`],
        ['extra-', `GET ${target('extra-')} HTTP/1.1 x`],
        ['tab-', `GET ${target('tab-')}\tHTTP/1.1`],
        ['lower-', `GET ${target('lower-')} http/1.1`],
      ]
      const probes: RefusalProbe[] = lines.map(([suffix, line]) => ({
        label: JSON.stringify(line),
        suffix,
        statuses: [400, 301],
        bytes: raw(`${line}\r\n${host}`),
      }))
      return (await firstViolation(ctx, probes)) ?? conforms()
    },
  }),

  defineCase({
    id: 'framing/oversized-heads-rejected-or-forwarded-whole',
    suite: 'framing',
    title:
      'A 64 KiB field, 500 fields or a 64 KiB target gets a 4xx, or is forwarded whole: never truncated or thinned out',
    requirements: ['SMUG-14'],
    spec: [
      { rfc: 9110, section: '5.4' },
      { rfc: 9112, section: '3' },
    ],
    requirement:
      'A server that receives a field line, field value, header section or request-target larger than it wishes to process MUST answer with an appropriate 4xx (431, 400, 414); it does not truncate it or drop part of it and forward the rest.',
    level: 'MUST',
    roles: ['forward', 'reverse'],
    async run(ctx) {
      const big = 'a'.repeat(64 * 1024)
      const statuses = [400, 414, 431]
      const many = Array.from({ length: 500 }, (_, i) => [`X-F-${i}`, `v${i}`] as const)
      const probes: RefusalProbe[] = [
        {
          label: 'one 64 KiB field value',
          suffix: 'big-field-',
          statuses,
          bytes: originRequest(ctx, { suffix: 'big-field-', headers: [['X-Big', big]] }),
          forwarded: {
            allowed: 'X-Big forwarded whole',
            check: (arrived) =>
              arrived.length === 1 &&
              fieldValues(arrived[0]!.message.head.headers, 'x-big')[0] === big
                ? undefined
                : 'X-Big did not arrive whole',
          },
        },
        {
          label: '500 small fields',
          suffix: 'many-',
          statuses,
          bytes: originRequest(ctx, { suffix: 'many-', headers: many }),
          forwarded: {
            allowed: 'all 500 fields at the origin, as sent',
            check(arrived) {
              const headers = arrived[0]?.message.head.headers ?? []
              const missing = many.filter(
                ([name, value]) => fieldValues(headers, name)[0] !== value,
              )
              return arrived.length === 1 && missing.length === 0
                ? undefined
                : `${missing.length} of the 500 fields missing or changed (first: ${missing[0]?.[0] ?? '-'})`
            },
          },
        },
        {
          label: 'a 64 KiB request-target',
          suffix: 'long-target-',
          statuses,
          bytes: originRequest(ctx, { suffix: `long-target-${big}` }),
          forwarded: {
            allowed: 'the target forwarded whole',
            check: (arrived) =>
              arrived.length === 1 &&
              arrived[0]!.message.head.target.endsWith(ctx.path(`long-target-${big}`))
                ? undefined
                : 'the target did not arrive whole',
          },
        },
      ]
      return (await firstViolation(ctx, probes)) ?? conforms()
    },
  }),
]
