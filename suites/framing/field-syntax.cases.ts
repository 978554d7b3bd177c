// RFC 9112 §2.2, §5.1, §5.2; RFC 9110 §5.5: the lexical tricks that make
// two parsers disagree about a request head. Each is refused, or cleaned up
// before the request travels on, never passed on as received.
import { defineCase } from '../../harness/engine/model/case.js'
import type { OriginRequest } from '../../harness/origin/types.js'
import { fieldValues } from '../../harness/wire/fields.js'
import { chunkedBody } from '../../harness/wire/serialize.js'
import type { AnomalyCode } from '../../harness/wire/types.js'
import { originRequest } from '../support/request.js'
import { allVariants, type ForwardingCheck, type RefusalProbe } from './probe.js'

/** The first of `codes` the origin's lenient parser noticed in what arrived. */
function anomalyIn(
  arrived: readonly OriginRequest[],
  codes: readonly AnomalyCode[],
): string | undefined {
  for (const r of arrived) {
    const found = r.message.anomalies.find((a) => codes.includes(a.code))
    if (found !== undefined) return `the origin read ${found.code} (${found.message})`
  }
  return undefined
}

/** A forwarded request that must arrive clean: one request, none of `codes`, and `body` if given. */
function arrivesClean(codes: readonly AnomalyCode[], body?: string): ForwardingCheck {
  return {
    allowed: `a clean message at the origin (no ${codes.join(', ')})${body === undefined ? '' : ` with the body "${body}"`}`,
    check(arrived) {
      if (arrived.length !== 1) return `${arrived.length} requests arrived`
      const anomaly = anomalyIn(arrived, codes)
      if (anomaly !== undefined) return anomaly
      if (body !== undefined && arrived[0]?.message.body.toString('latin1') !== body)
        return 'the body differs from the one the client framed'
      return undefined
    },
  }
}

const raw = (text: string): Buffer => Buffer.from(text, 'latin1')

export const fieldSyntaxCases = [
  defineCase({
    id: 'whitespace-before-colon-rejected',
    title: 'A request with whitespace between a field name and its colon gets 400',
    requirements: ['SMUG-06'],
    spec: [{ rfc: 9112, section: '5.1' }],
    requirement:
      'A server MUST reject, with 400, any request with whitespace between a field name and the colon.',
    level: 'MUST',
    roles: ['forward', 'reverse'],
    async run(ctx) {
      // §5.1: "A server MUST reject, with a response status code of 400 (Bad Request), any
      // received request message that contains whitespace between a header field name and colon."
      const probes: RefusalProbe[] = [
        {
          label: '"Transfer-Encoding : chunked"',
          suffix: 'te-',
          statusLevel: 'MUST',
          bytes: originRequest(ctx, {
            method: 'POST',
            suffix: 'te-',
            headers: ['Transfer-Encoding : chunked'],
            body: chunkedBody(['hello']),
          }),
        },
        {
          label: '"Content-Length\\t: 5"',
          suffix: 'cl-',
          statusLevel: 'MUST',
          bytes: originRequest(ctx, {
            method: 'POST',
            suffix: 'cl-',
            headers: ['Content-Length\t: 5'],
            body: 'hello',
          }),
        },
        {
          label: '"Host : …" (the only Host line)',
          suffix: 'host-',
          statusLevel: 'MUST',
          bytes: originRequest(ctx, {
            suffix: 'host-',
            noHost: true,
            headers: [`Host : ${ctx.originHost}`],
          }),
        },
      ]
      return allVariants(ctx, probes)
    },
  }),

  defineCase({
    id: 'request-obs-fold-rejected-or-unfolded',
    title:
      'A folded request field line gets 400, or reaches the origin unfolded and framed as read',
    requirements: ['SMUG-07'],
    spec: [{ rfc: 9112, section: '5.2' }],
    requirement:
      'A server that receives obs-fold in a request MUST reject it with 400, or replace each fold with SP before interpreting or forwarding the message.',
    level: 'MUST',
    roles: ['forward', 'reverse'],
    async run(ctx) {
      const probes: RefusalProbe[] = [
        {
          label: '"X-A: 1\\r\\n  more"',
          suffix: 'xa-',
          statusLevel: 'MUST',
          bytes: originRequest(ctx, { suffix: 'xa-', headers: ['X-A: 1\r\n  more'] }),
          forwarded: arrivesClean(['obs-fold']),
        },
        {
          label: '"Transfer-Encoding:\\r\\n chunked"',
          suffix: 'te-',
          statusLevel: 'MUST',
          bytes: originRequest(ctx, {
            method: 'POST',
            suffix: 'te-',
            headers: ['Transfer-Encoding:\r\n chunked'],
            body: chunkedBody(['hello']),
          }),
          forwarded: arrivesClean(['obs-fold'], 'hello'),
        },
      ]
      return allVariants(ctx, probes)
    },
  }),

  defineCase({
    id: 'bare-cr-lf-and-nul-rejected-or-cleaned',
    title:
      'A request with a bare CR, a NUL in a value, or bare LF line endings gets 400, or arrives cleaned, with CRLF everywhere',
    requirements: ['SMUG-08'],
    spec: [
      { rfc: 9112, section: '2.2' },
      { rfc: 9110, section: '5.5' },
    ],
    requirement:
      'A bare CR MUST be treated as invalid or replaced with SP before processing or forwarding; CR, LF and NUL in a field value MUST be rejected or replaced; a bare LF MAY be accepted as a line end, and the message is then forwarded with CRLF.',
    level: 'MUST',
    roles: ['forward', 'reverse'],
    async run(ctx) {
      const lexical: AnomalyCode[] = ['bare-cr', 'bare-lf', 'invalid-field-value']
      const target = (suffix: string): string => ctx.requestTarget(ctx.path(suffix))
      const probes: RefusalProbe[] = [
        {
          label: '"X-A: a\\rb"',
          suffix: 'cr-',
          bytes: originRequest(ctx, { suffix: 'cr-', headers: ['X-A: a\rb'] }),
          forwarded: arrivesClean(lexical),
        },
        {
          label: '"X-B: a\\0b"',
          suffix: 'nul-',
          bytes: originRequest(ctx, { suffix: 'nul-', headers: ['X-B: a\0b'] }),
          forwarded: arrivesClean(lexical),
        },
        {
          label: 'a request with LF-only line endings',
          suffix: 'lf-',
          bytes: raw(`GET ${target('lf-')} HTTP/1.1\nHost: ${ctx.originHost}\n\n`),
          forwarded: arrivesClean(lexical),
        },
        {
          label: '"X-C: x\\nContent-Length: 50" then "Content-Length: 5"',
          suffix: 'lf-cl-',
          bytes: originRequest(ctx, {
            method: 'POST',
            suffix: 'lf-cl-',
            headers: ['X-C: x\nContent-Length: 50', ['Content-Length', '5']],
            body: 'hello',
          }),
          forwarded: arrivesClean(lexical, 'hello'),
        },
      ]
      return allVariants(ctx, probes)
    },
  }),

  defineCase({
    id: 'whitespace-led-line-rejected-or-ignored',
    title:
      'A whitespace-led line right after the request line gets 400, or is dropped: never merged into a field',
    requirements: ['SMUG-09'],
    spec: [{ rfc: 9112, section: '2.2' }],
    requirement:
      'A whitespace-led line between the start line and the first field MUST make the recipient reject the message, or ignore that line (and the whitespace-led lines after it).',
    level: 'MUST',
    roles: ['forward', 'reverse'],
    async run(ctx) {
      const probe: RefusalProbe = {
        label: '"GET … HTTP/1.1\\r\\n Host: evil.test\\r\\nHost: <origin>"',
        suffix: 'lead-',
        bytes: originRequest(ctx, {
          suffix: 'lead-',
          noHost: true,
          headers: [' Host: evil.test', ['Host', ctx.originHost]],
        }),
        forwarded: {
          allowed: 'one Host at the origin, and no trace of evil.test',
          check(arrived) {
            const [first] = arrived
            if (first === undefined) return 'nothing arrived'
            const problem = anomalyIn(arrived, ['leading-whitespace-line', 'obs-fold'])
            if (problem !== undefined) return problem
            if (first.message.head.raw.toString('latin1').includes('evil.test'))
              return 'evil.test reached the origin'
            const hosts = fieldValues(first.message.head.headers, 'host')
            return hosts.length === 1 ? undefined : `${hosts.length} Host lines arrived`
          },
        },
      }
      return allVariants(ctx, [probe])
    },
  }),
]
