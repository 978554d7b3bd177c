// RFC 9110 §5.1, §5.3: unknown (extension) fields are forwarded unless
// Connection names them; several lines of one field keep their relative
// order. Joining list fields with commas is allowed, never for Set-Cookie.
// Both MUSTs bind "a proxy" (§5.1 "A proxy MUST forward unrecognized header
// fields", §5.3 "A proxy MUST NOT change the order"): in the reverse role a
// change is INFO.
import { defineCase } from '../../harness/engine/model/case.js'
import { conforms, violates } from '../../harness/engine/model/outcome.js'
import { fieldValues, listTokens } from '../../harness/wire/fields.js'
import { rawResponse } from '../support/origin.js'
import { listed, proxySentence, requestAtOrigin, responseAtClient } from './exchange.js'

const same = (a: readonly string[], b: readonly string[]): boolean =>
  a.length === b.length && a.every((v, i) => v === b[i])

export const fieldOrderCases = [
  defineCase({
    id: 'forwards-unknown-request-fields-in-order',
    title: 'Unknown request fields are forwarded, repeated lines in their order',
    requirements: ['HOP-11'],
    spec: [
      { rfc: 9110, section: '5.1' },
      { rfc: 9110, section: '5.3' },
    ],
    requirement:
      'A proxy MUST forward unrecognised fields unless Connection names them, and MUST NOT change the order of several lines of one field.',
    level: 'MUST',
    roles: ['forward', 'reverse'],
    async run(ctx) {
      const seen = await requestAtOrigin(ctx, {
        headers: [
          ['X-Unknown-Ext', '1'],
          ['Foo', 'a'],
          ['Foo', 'b'],
          ['Foo', 'c'],
        ],
      })
      const { headers } = seen.message.head
      const ext = fieldValues(headers, 'x-unknown-ext')
      const foo = listTokens(headers, 'foo')
      if (!same(ext, ['1']))
        return proxySentence(
          ctx,
          violates('X-Unknown-Ext: 1 at the origin', `X-Unknown-Ext: ${listed(ext)}`),
          'RFC 9110 §5.1 ("A proxy MUST forward unrecognized header fields")',
        )
      return proxySentence(
        ctx,
        same(foo, ['a', 'b', 'c'])
          ? conforms()
          : violates('Foo members a, b, c in that order', `Foo members ${listed(foo)}`),
        'RFC 9110 §5.3 ("A proxy MUST NOT change the order of these field line values")',
      )
    },
  }),
  defineCase({
    id: 'keeps-response-field-lines-and-set-cookie',
    title: 'Repeated response fields keep their order, and Set-Cookie lines are never joined',
    requirements: ['HOP-11'],
    spec: [
      { rfc: 9110, section: '5.3' },
      { rfc: 6265, section: '3' },
    ],
    requirement:
      'Several lines of one field keep their order; they may be joined with commas, except Set-Cookie, whose lines stay separate.',
    level: 'MUST',
    roles: ['forward', 'reverse'],
    async run(ctx) {
      const read = await responseAtClient(
        ctx,
        rawResponse({
          headers: [
            ['Bar', '1'],
            ['Bar', '2'],
            ['Set-Cookie', 'a=1; Path=/'],
            ['Set-Cookie', 'b=2; Expires=Wed, 09 Jun 2027 10:18:14 GMT'],
          ],
        }),
      )
      const { headers } = read.head
      const bar = listTokens(headers, 'bar')
      const cookies = fieldValues(headers, 'set-cookie')
      const wanted = ['a=1; Path=/', 'b=2; Expires=Wed, 09 Jun 2027 10:18:14 GMT']
      if (!same(bar, ['1', '2']))
        return proxySentence(
          ctx,
          violates('Bar members 1, 2 in that order', `Bar members ${listed(bar)}`),
          'RFC 9110 §5.3 ("A proxy MUST NOT change the order of these field line values")',
        )
      return proxySentence(
        ctx,
        same(cookies, wanted)
          ? conforms()
          : violates(
              `two Set-Cookie lines ${listed(wanted)}`,
              `Set-Cookie lines ${listed(cookies)}`,
            ),
        'RFC 9110 §5.3',
      )
    },
  }),
]
