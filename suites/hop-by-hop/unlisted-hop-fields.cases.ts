// RFC 9110 §7.6.1: Proxy-Connection, Keep-Alive, TE, Transfer-Encoding and
// Upgrade are connection-specific even when Connection does not name them; an
// intermediary removes or replaces them (SHOULD, HOP-03). RFC 9110 §10.1.4 and
// RFC 9112 §7.4: TE describes one hop only, and whoever sends TE also sends
// the "TE" connection option (MUST, HOP-08).
// Not covered here: Transfer-Encoding, which the proxy re-frames itself; the
// framing suite owns what reaches the origin as a body.
// Upgrade in a 200 without "upgrade" in Connection breaks RFC 9110 §7.8 ("A
// sender of Upgrade MUST also send an "upgrade" connection option"), which is
// what §7.6.1's "whether or not they appear as a connection-option" is for:
// removing it is a SHOULD, and refusing the origin's response (a 5xx, or a
// close, with nothing relayed) is as correct.
import { defineCase } from '../../harness/engine/model/case.js'
import { conforms, timedOut, violates } from '../../harness/engine/model/outcome.js'
import { fieldValues, hasField, listTokens } from '../../harness/wire/fields.js'
import type { HeaderField } from '../../harness/wire/types.js'
import { rawResponse } from '../support/origin.js'
import { bothEnds, requestAtOrigin } from './exchange.js'
import { provenance } from '../support/provenance.js'

/** Fields `names` that are present but not nominated in this message's own Connection. */
function unlisted(headers: readonly HeaderField[], names: readonly string[]): string[] {
  const options = listTokens(headers, 'connection')
  return names
    .filter((name) => hasField(headers, name) && !options.includes(name))
    .map((name) => `${name}: ${fieldValues(headers, name).join(', ')}`)
}

export const unlistedHopFieldCases = [
  defineCase({
    id: 'drops-unlisted-hop-by-hop-request-fields',
    title:
      'Proxy-Connection, Keep-Alive, TE and Upgrade from the client are not forwarded, even when Connection does not name them',
    requirements: ['HOP-03'],
    spec: [{ rfc: 9110, section: '7.6.1' }],
    requirement:
      'An intermediary SHOULD remove or replace the well-known connection-specific fields before forwarding, whether or not Connection names them.',
    level: 'SHOULD',
    roles: ['forward', 'reverse'],
    async run(ctx) {
      const seen = await requestAtOrigin(ctx, {
        headers: [
          ['Proxy-Connection', 'keep-alive'],
          ['Keep-Alive', 'timeout=5, max=100'],
          ['TE', 'trailers'],
          ['Upgrade', 'example/1'],
          ['X-End', '1'],
        ],
      })
      const { headers } = seen.message.head
      if (!hasField(headers, 'x-end'))
        return violates('X-End (end-to-end) forwarded', 'X-End missing at the origin')
      // Keep-Alive and Proxy-Connection never belong to the next hop; TE and Upgrade
      // may be the proxy's own, and then its Connection names them (RFC 9110 §7.6.1, §7.8).
      const leaked = [
        ...['proxy-connection', 'keep-alive']
          .filter((name) => hasField(headers, name))
          .map((name) => `${name}: ${fieldValues(headers, name).join(', ')}`),
        ...unlisted(headers, ['te', 'upgrade']),
      ]
      return leaked.length === 0
        ? conforms()
        : violates(
            'no Proxy-Connection or Keep-Alive at the origin, and TE/Upgrade only as connection options of the proxy',
            `forwarded: ${leaked.join('; ')}`,
          )
    },
  }),
  defineCase({
    id: 'drops-unlisted-hop-by-hop-response-fields',
    title:
      'Keep-Alive, Proxy-Connection, and Upgrade on a 200, from the origin do not reach the client, even when Connection does not name them',
    requirements: ['HOP-03'],
    spec: [
      { rfc: 9110, section: '7.6.1' },
      { rfc: 9110, section: '7.8' },
    ],
    requirement:
      'An intermediary SHOULD remove the well-known connection-specific fields (Keep-Alive, Proxy-Connection, Upgrade…) from the responses it forwards, whether or not Connection names them.',
    level: 'SHOULD',
    roles: ['forward', 'reverse'],
    async run(ctx) {
      const variants = [
        {
          name: 'Keep-Alive and Proxy-Connection',
          headers: [
            ['Keep-Alive', 'timeout=5'],
            ['Proxy-Connection', 'keep-alive'],
          ],
          fields: ['keep-alive', 'proxy-connection'],
        },
        { name: 'Upgrade on a 200', headers: [['Upgrade', 'example/1']], fields: ['upgrade'] },
      ] as const
      const leaks: string[] = []
      const notes: string[] = []
      let silent = 0
      // Each variant on its own request, all reported; the origin answers by suffix.
      for (const [index, variant] of variants.entries()) {
        ctx.origin.behave(rawResponse({ headers: [...variant.headers, ['X-Resp-End', '1']] }))
        const { answer, request } = await bothEnds(ctx, { suffix: `r${index}` }, ctx.quietMs)
        const who = (): string => provenance(answer, request === undefined ? [] : [request])
        if (answer.kind !== 'response') {
          if (answer.kind === 'timeout') silent += 1
          else if (answer.kind === 'closed') notes.push(`${variant.name}: ${who()}`)
          else leaks.push(`${variant.name}: a malformed response (${answer.error.message})`)
          continue
        }
        const { head } = answer.message
        if (!hasField(head.headers, 'x-resp-end')) {
          // The proxy's own refusal of the origin's response: nothing of it relayed.
          if (head.status >= 500) notes.push(`${variant.name}: ${who()}`)
          else leaks.push(`${variant.name}: X-Resp-End missing (status ${head.status})`)
          continue
        }
        // The proxy may send these of its own only as named connection options.
        const leaked = unlisted(head.headers, variant.fields)
        ctx.note(
          `${variant.name}: relayed${leaked.length > 0 ? ` with ${leaked.join('; ')}` : ' without them'}`,
        )
        if (leaked.length > 0) leaks.push(`${variant.name}: forwarded ${leaked.join('; ')}`)
      }
      if (leaks.length > 0)
        return violates(
          'neither Keep-Alive, Proxy-Connection nor the Upgrade of a 200 from the origin at the client',
          leaks.join('; '),
        )
      if (silent > 0) return timedOut(`the response to ${silent} variant(s)`, ctx.quietMs)
      return conforms(notes.length > 0 ? `refused: ${notes.join('; ')}` : undefined)
    },
  }),
  defineCase({
    id: 'te-is-not-forwarded-without-connection-te',
    title: "The client's TE is not forwarded; a TE of the proxy's own comes with Connection: TE",
    requirements: ['HOP-08'],
    spec: [
      { rfc: 9110, section: '10.1.4' },
      { rfc: 9110, section: '7.6.1' },
      { rfc: 9112, section: '7.4' },
    ],
    requirement:
      'TE applies to the immediate connection only: a sender of TE MUST also send the "TE" connection option, and an intermediary removes the TE it received.',
    level: 'MUST',
    roles: ['forward', 'reverse'],
    async run(ctx) {
      const seen = await requestAtOrigin(ctx, {
        headers: [
          ['TE', 'trailers, deflate'],
          ['Connection', 'TE'],
        ],
      })
      const { headers } = seen.message.head
      if (!hasField(headers, 'te')) return conforms()
      if (listTokens(headers, 'connection').includes('te'))
        return conforms(`the proxy sent TE: ${fieldValues(headers, 'te').join(', ')} of its own`)
      return violates(
        'no TE at the origin, or TE together with the "te" connection option',
        `TE: ${fieldValues(headers, 'te').join(', ')} without "te" in Connection (${listTokens(headers, 'connection').join(', ') || 'no Connection'})`,
      )
    },
  }),
]
