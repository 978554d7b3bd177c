/**
 * HTTP-date recognition (RFC 9110 §5.6.7). Pure. A recipient must accept all
 * three formats: IMF-fixdate, and the obsolete RFC 850 and asctime forms.
 * Anything else is an invalid Date, which a proxy with a clock may replace
 * (RFC 9110 §6.6.1).
 */

const DAY = '(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)'
const LONG_DAY = '(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)'
const MONTH = '(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)'
const TIME = '(?:[01]\\d|2[0-3]):[0-5]\\d:(?:[0-5]\\d|60)'

const FORMATS = [
  // IMF-fixdate: Sun, 06 Nov 1994 08:49:37 GMT
  new RegExp(`^${DAY}, \\d{2} ${MONTH} \\d{4} ${TIME} GMT$`),
  // rfc850-date: Sunday, 06-Nov-94 08:49:37 GMT
  new RegExp(`^${LONG_DAY}, \\d{2}-${MONTH}-\\d{2} ${TIME} GMT$`),
  // asctime-date: Sun Nov  6 08:49:37 1994
  new RegExp(`^${DAY} ${MONTH} (?:\\d{2}| \\d) ${TIME} \\d{4}$`),
]

/** True when `value` is an HTTP-date in one of the three formats, and a real day. */
export function isHttpDate(value: string): boolean {
  return FORMATS.some((format) => format.test(value)) && !Number.isNaN(Date.parse(value))
}
