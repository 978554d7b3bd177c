// RFC 9110 §6.6.1: a recipient with a clock that forwards a response without
// Date MUST add one. The value is an IMF-fixdate (§5.6.7).
// Replacing an invalid Date from the origin is allowed, not required (MAY):
// its case is INFO.
import { defineCase } from '../../harness/engine/model/case.js'
import { conforms, violates } from '../../harness/engine/model/outcome.js'
import { fieldValues } from '../../harness/wire/fields.js'
import { rawResponse } from '../support/origin.js'
import { exchange } from '../support/exchange.js'
import { listed, responseAtClient } from './exchange.js'

/** IMF-fixdate, RFC 9110 §5.6.7: "Sun, 06 Nov 1994 08:49:37 GMT". */
const IMF_FIXDATE =
  /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/

/** The clock tolerance the catalog allows (HOP-16). */
const SKEW_MS = 5000

export const dateFieldCases = [
  defineCase({
    id: 'adds-date-when-missing',
    title: 'A response relayed without Date gets exactly one valid Date',
    requirements: ['HOP-16'],
    spec: [
      { rfc: 9110, section: '6.6.1' },
      { rfc: 9110, section: '5.6.7' },
    ],
    requirement:
      'A recipient with a clock that receives a response without Date MUST add one (an IMF-fixdate) if it forwards the response.',
    level: 'MUST',
    roles: ['forward', 'reverse'],
    run: (ctx) =>
      exchange(ctx, {
        send: {},
        // rawResponse writes exactly these fields (and Content-Length): no Date.
        origin: rawResponse({ headers: [['X-No-Date', '1']] }),
        expectAtClient: ({ head }) => {
          const dates = fieldValues(head.headers, 'date')
          const [date] = dates
          if (dates.length !== 1 || date === undefined || !IMF_FIXDATE.test(date))
            return {
              expected: 'exactly one Date, an IMF-fixdate',
              observed: `Date lines ${listed(dates)}`,
            }
          const skew = Math.abs(Date.parse(date) - Date.now())
          if (skew <= SKEW_MS) return undefined
          return `Date: ${date} (${Math.round(skew / 1000)} s off)`
        },
        expected: `Date within ${SKEW_MS / 1000} s of the harness clock`,
      }),
  }),
  defineCase({
    id: 'replaces-invalid-date',
    title: 'An invalid Date from the origin is replaced with a valid one',
    requirements: ['HOP-16'],
    spec: [{ rfc: 9110, section: '6.6.1' }],
    requirement:
      'A recipient with a clock that receives a response with an invalid Date MAY replace it with the time the response was received.',
    level: 'INFO',
    roles: ['forward', 'reverse'],
    async run(ctx) {
      const read = await responseAtClient(ctx, rawResponse({ headers: [['Date', 'yesterday']] }))
      const dates = fieldValues(read.head.headers, 'date')
      // A sender generates IMF-fixdate (RFC 9110 §5.6.7), so that is what a replacement looks like.
      return dates.length === 1 && dates.every((d) => IMF_FIXDATE.test(d))
        ? conforms()
        : violates('one IMF-fixdate in place of "yesterday"', `Date lines ${listed(dates)}`)
    },
  }),
]
