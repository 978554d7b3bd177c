// The request-target and Host a proxy forwards.
// RFC 9112 §3.2.2: for absolute-form, Host is rebuilt from the target and the
// received Host ignored; toward an origin the target is origin-form (§3.2.1).
// RFC 9112 §3.2, RFC 9110 §7.2: no Host, several, or an invalid one gets 400.
// RFC 9110 §7.7: path and query are forwarded byte for byte.
// A server-wide OPTIONS carries no path, so no case token: the origin's
// default answer, which names the request-target it read ("proxyspec origin:
// OPTIONS *"), is the evidence of what arrived there.
import { defineCase } from '../../harness/model/case.js'
import { conforms, observed, violates } from '../../harness/model/outcome.js'
import { requestBytes } from '../../harness/wire/serialize.js'
import type { FieldLine } from '../../harness/wire/types.js'
import { responseOrOutcome, statusLine } from '../support/request.js'
import { listed, requestAtOrigin } from './exchange.js'

export const hostAndTargetCases = [
  defineCase({
    id: 'hop-by-hop/rebuilds-host-from-absolute-form',
    suite: 'hop-by-hop',
    title:
      'An absolute-form request goes to the origin in origin-form, with Host taken from the target',
    requirements: ['HOP-13'],
    spec: [
      { rfc: 9112, section: '3.2.2' },
      { rfc: 9112, section: '3.2.1' },
    ],
    requirement:
      'A proxy MUST ignore the received Host of an absolute-form request and replace it with the host of the request-target; toward an origin it sends origin-form.',
    level: 'MUST',
    roles: ['forward'],
    async run(ctx) {
      const seen = await requestAtOrigin(ctx, {
        suffix: 'p?q=1',
        noHost: true,
        headers: [['Host', 'evil.test']],
      })
      if ('outcome' in seen) return seen.outcome
      const { head } = seen.request.message
      const hosts = head.headers.filter((f) => f.name.toLowerCase() === 'host').map((f) => f.value)
      const problems = [
        ...(head.target === ctx.path('p?q=1')
          ? []
          : [`request-target "${head.target}" (expected ${ctx.path('p?q=1')})`]),
        ...(hosts.length === 1 && hosts[0] === ctx.originHost ? [] : [`Host ${listed(hosts)}`]),
      ]
      return problems.length === 0
        ? conforms()
        : violates(
            `GET ${ctx.path('p?q=1')} with exactly one Host: ${ctx.originHost}`,
            problems.join('; '),
          )
    },
  }),
  defineCase({
    id: 'hop-by-hop/rejects-missing-repeated-or-invalid-host',
    suite: 'hop-by-hop',
    title:
      'A request with no Host, two Host lines or an invalid Host value gets 400 and goes nowhere',
    requirements: ['HOP-14'],
    spec: [
      { rfc: 9112, section: '3.2' },
      { rfc: 9110, section: '7.2' },
    ],
    requirement:
      'A server MUST respond with 400 to an HTTP/1.1 request that lacks Host, has more than one Host line, or an invalid Host value.',
    level: 'MUST',
    roles: ['forward', 'reverse'],
    async run(ctx) {
      const variants: readonly {
        readonly name: string
        readonly hosts: readonly FieldLine[]
        readonly absolute?: boolean
      }[] = [
        { name: 'no Host', hosts: [] },
        {
          name: 'Host twice',
          hosts: [
            ['Host', ctx.originHost],
            ['Host', ctx.originHost],
          ],
        },
        { name: 'a list', hosts: [['Host', `${ctx.originHost}, b.test`]] },
        { name: 'userinfo', hosts: [['Host', `a.test@${ctx.originHost}`]] },
        { name: 'a bad port', hosts: [['Host', 'a.test:80x']] },
        { name: 'absolute-form, no Host', hosts: [], absolute: true },
      ]
      // One connection per variant, all at once: each is answered on its own.
      const answers = await Promise.all(
        variants.map(async (variant, index) => {
          const path = ctx.path(`h${index}`)
          const target =
            variant.absolute === true
              ? `http://${ctx.origin.authority}${path}`
              : ctx.requestTarget(path)
          const client = await ctx.connect()
          await client.write(requestBytes({ method: 'GET', target, headers: variant.hosts }))
          const read = responseOrOutcome(await client.readResponse(), `a 400 to ${variant.name}`)
          if ('outcome' in read) {
            const { outcome } = read
            return `${variant.name}: ${outcome.kind === 'violates' ? outcome.observed : outcome.kind}`
          }
          return read.message.head.status === 400
            ? undefined
            : `${variant.name}: ${statusLine(read.message)}`
        }),
      )
      const wrong = answers.filter((a) => a !== undefined)
      // Every answer is in, so whatever was forwarded has reached the origin.
      const forwarded = ctx.origin.requests().map((r) => r.message.head.target)
      if (forwarded.length > 0) wrong.push(`forwarded to the origin: ${forwarded.join(', ')}`)
      return wrong.length === 0
        ? conforms()
        : violates('400 to each, and nothing at the origin', wrong.join('; '))
    },
  }),
  defineCase({
    id: 'hop-by-hop/forwards-path-and-query-byte-for-byte',
    suite: 'hop-by-hop',
    title:
      'Path and query reach the origin byte for byte: no decoding, no dot-segments, no slash merging',
    requirements: ['HOP-15'],
    spec: [
      { rfc: 9110, section: '7.7' },
      { rfc: 9112, section: '3.2.1' },
    ],
    requirement:
      'A proxy MUST NOT change the path or query of the request-target it forwards (beyond an empty path becoming "/").',
    level: 'MUST',
    roles: ['forward', 'reverse'],
    async run(ctx) {
      const suffix = 'a/%2e%2e/b//c;x?y=%20&z=%2F'
      const seen = await requestAtOrigin(ctx, { suffix })
      if ('outcome' in seen) return seen.outcome
      const got = seen.request.message.head.target
      return got === ctx.path(suffix)
        ? conforms()
        : violates(`request-target ${ctx.path(suffix)} at the origin`, `request-target ${got}`)
    },
  }),
  defineCase({
    id: 'hop-by-hop/forwards-server-wide-options-as-asterisk',
    suite: 'hop-by-hop',
    title: 'OPTIONS for a whole server (no path) reaches the origin as OPTIONS *',
    requirements: ['HOP-15'],
    spec: [
      { rfc: 9112, section: '3.2.4' },
      { rfc: 9110, section: '9.3.7' },
    ],
    requirement:
      'The last proxy on the chain MUST send "*" as the request-target of an OPTIONS whose absolute-form target has an empty path.',
    level: 'MUST',
    roles: ['forward', 'reverse'],
    async run(ctx) {
      const client = await ctx.connect()
      // Forward: absolute-form with no path; reverse: the asterisk-form itself.
      const target = ctx.role === 'forward' ? `http://${ctx.origin.authority}` : '*'
      await client.write(
        requestBytes({ method: 'OPTIONS', target, headers: [['Host', ctx.originHost]] }),
      )
      const read = responseOrOutcome(await client.readResponse(), 'an answer to OPTIONS')
      if ('outcome' in read) return read.outcome
      const echo = read.message.body.toString('latin1')
      if (!echo.startsWith('proxyspec origin: '))
        return observed(`OPTIONS ${target} answered ${statusLine(read.message)} without the origin`)
      return echo === 'proxyspec origin: OPTIONS *'
        ? conforms()
        : violates('OPTIONS * at the origin', echo.replace('proxyspec origin: ', ''))
    },
  }),
]
