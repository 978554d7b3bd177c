// RFC 9112 §3, §3.2 and RFC 9110 §5.4: a request line that breaks the
// grammar is refused rather than silently fixed, and a head larger than the
// intermediary handles is refused rather than truncated.
import type { CaseContext } from '../../harness/engine/model/case-context.js'
import { defineCase } from '../../harness/engine/model/case.js'
import { fieldValues } from '../../harness/wire/fields.js'
import { originRequest } from '../support/request.js'
import { allVariants, type ForwardingCheck, type RefusalProbe } from './probe.js'

const raw = (text: string): Buffer => Buffer.from(text, 'latin1')

/**
 * RFC 9112 §3: "recipients MAY instead parse on whitespace-delimited word
 * boundaries and, aside from the CRLF terminator, treat any form of
 * whitespace as the SP separator while ignoring preceding or trailing
 * whitespace". A request line whose only fault is its separators may be read
 * that way; what goes on must then be one well-formed request for the target
 * as sent (a single SP between the parts, nothing else changed).
 */
function readOnWordBoundaries(ctx: CaseContext, suffix: string): ForwardingCheck {
  return {
    allowed:
      'one well-formed request for the same target (§3 lets a recipient split on whitespace)',
    check(arrived) {
      const [first] = arrived
      if (arrived.length !== 1 || first === undefined) return `${arrived.length} requests arrived`
      const bad = first.message.anomalies.find(
        (a) => a.code === 'invalid-start-line' || a.code === 'invalid-version',
      )
      if (bad !== undefined) return `the origin read ${bad.code} (${bad.message})`
      const { method, target, version } = first.message.head
      if (method !== 'GET' || version !== 'HTTP/1.1' || !target.endsWith(ctx.path(suffix)))
        return `it arrived as "${method} ${target} ${version}"`
      return undefined
    },
  }
}

export const requestLineCases = [
  defineCase({
    id: 'invalid-request-line-rejected',
    title:
      'An invalid request line gets 400 (or a corrective 301) and is not fixed up and forwarded; extra whitespace between its parts may be read leniently',
    requirements: ['SMUG-13'],
    spec: [
      { rfc: 9112, section: '3' },
      { rfc: 9112, section: '3.2' },
    ],
    requirement:
      'A recipient of an invalid request-line SHOULD respond 400 (or 301 with a properly encoded target) and SHOULD NOT try to autocorrect and process it; it MAY split the line on whitespace (§3), forwarding one well-formed request.',
    level: 'SHOULD',
    roles: ['forward', 'reverse'],
    async run(ctx) {
      const host = `Host: ${ctx.originHost}\r\n\r\n`
      const target = (suffix: string): string => ctx.requestTarget(ctx.path(suffix))
      const lines: readonly [string, string, boolean][] = [
        ['space-', `GET ${target('space-')} b HTTP/1.1`, false],
        ['two-sp-', `GET  ${target('two-sp-')} HTTP/1.1`, true],
        ['extra-', `GET ${target('extra-')} HTTP/1.1 x`, false],
        ['tab-', `GET ${target('tab-')}\tHTTP/1.1`, true],
        ['lower-', `GET ${target('lower-')} http/1.1`, false],
      ]
      const probes: RefusalProbe[] = lines.map(([suffix, line, whitespaceOnly]) => ({
        label: JSON.stringify(line),
        suffix,
        statuses: [400, 301],
        statusLevel: 'SHOULD',
        bytes: raw(`${line}\r\n${host}`),
        ...(whitespaceOnly ? { forwarded: readOnWordBoundaries(ctx, suffix) } : {}),
      }))
      return allVariants(ctx, probes)
    },
  }),

  defineCase({
    id: 'oversized-heads-rejected-or-forwarded-whole',
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
      // RFC 9110 §5.4: "MUST respond with an appropriate 4xx (Client Error) status code".
      const anyClientError = Array.from({ length: 100 }, (_, i) => 400 + i)
      const many = Array.from({ length: 500 }, (_, i) => [`X-F-${i}`, `v${i}`] as const)
      const probes: RefusalProbe[] = [
        {
          label: 'one 64 KiB field value',
          suffix: 'big-field-',
          statuses: anyClientError,
          statusLevel: 'MUST',
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
          statuses: anyClientError,
          statusLevel: 'MUST',
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
          // RFC 9112 §3: a request-target longer than the server wishes to parse gets 414;
          // 400 and 431 are kept as the refusals real servers use for a head too large overall.
          label: 'a 64 KiB request-target',
          suffix: 'long-target-',
          statuses: [400, 414, 431],
          statusLevel: 'MUST',
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
      return allVariants(ctx, probes)
    },
  }),
]
