import { defineCase } from '../../harness/engine/model/case.js'
import { conforms, observed, violates } from '../../harness/engine/model/outcome.js'
import { runVariants } from '../support/variants.js'
import { answerText, fieldOf, ftpGet, messageOf, targetOf } from './ftp-get.js'
import { ftpOf } from './ftp.js'

/** pub/f.bin's time, as MDTM `213 20200102030405` says it (RFC 3659 §2.3: UTC). */
const FIXTURE_HTTP_DATE = 'Thu, 02 Jan 2020 03:04:05 GMT'

/** A Date or Last-Modified value as milliseconds, or undefined when it does not parse. */
function timeOf(value: string | undefined): number | undefined {
  if (value === undefined) return undefined
  const ms = Date.parse(value)
  return Number.isNaN(ms) ? undefined : ms
}

export const metadataCases = [
  // Grades RFC 9110 §8.8.2 (an origin server SHOULD send Last-Modified when a
  // modification date can be reasonably determined; the gateway is the origin
  // of its response, §3.7) read with RFC 3659 §2.3 and §3 (an MDTM time-val is
  // UTC, a fraction may follow the seconds): a good MDTM becomes exactly that
  // instant, and an MDTM the gateway cannot read (550, garbage) gives no
  // Last-Modified and does not spoil the transfer. SHOULD: every deviation warns.
  defineCase({
    id: 'last-modified-from-mdtm',
    title: 'An MDTM time becomes Last-Modified, read as UTC; a missing or garbled one gives none',
    requirements: ['FTP-13'],
    spec: [
      { rfc: 9110, section: '8.8.2' },
      { rfc: 3659, section: '2.3' },
      { rfc: 3659, section: '3' },
    ],
    requirement:
      'the gateway sends Last-Modified from a good MDTM reply, read as UTC with the fraction dropped, and none from a 550 or an unreadable time',
    level: 'SHOULD',
    roles: ['ftp-gateway'],
    timeoutMs: 5000,
    async run(ctx) {
      const { origin } = ftpOf(ctx)
      const target = targetOf(ctx, '/pub/k.bin')
      const variant = (mdtm: string, want: string | undefined) => async () => {
        origin.script({ MDTM: mdtm })
        const exchange = await ftpGet(ctx, target)
        const message = messageOf(exchange)
        if (message?.head.status !== 200)
          return violates(`200 with pub/k.bin whatever MDTM said`, answerText(exchange))
        const got = fieldOf(message, 'last-modified')
        if (want === undefined)
          return got === undefined
            ? conforms('no Last-Modified')
            : violates('no Last-Modified (the time cannot be determined)', `Last-Modified: ${got}`)
        if (got === undefined) return violates(`Last-Modified: ${want}`, 'no Last-Modified')
        if (timeOf(got) !== timeOf(want)) {
          const hours = ((timeOf(got) ?? 0) - (timeOf(want) ?? 0)) / 3_600_000
          return violates(
            `Last-Modified: ${want}`,
            `Last-Modified: ${got}${Number.isFinite(hours) ? ` (${hours} h off: read in a local time zone?)` : ''}`,
          )
        }
        return conforms(`Last-Modified: ${got}`)
      }
      return runVariants(ctx, [
        ['213 20200102030405', variant('213 20200102030405', FIXTURE_HTTP_DATE)],
        ['213 20200102030405.123', variant('213 20200102030405.123', FIXTURE_HTTP_DATE)],
        ['550', variant('550 Could not get file modification time.', undefined)],
        ['213 2020', variant('213 2020', undefined)],
        ['213 yesterday', variant('213 yesterday', undefined)],
      ])
    },
  }),

  // Grades RFC 9110 §8.8.2.1: an origin server with a clock MUST NOT send a
  // Last-Modified later than its message origination time (Date), and MUST
  // replace a future modification time by that time. The gateway acts as the
  // origin (RFC 9110 §3.7) and MDTM is the "implementation-specific metadata"
  // the sentence names. Garbled times that a lax parser may roll into the
  // future (month 13, 99 seconds) are held to the same bound. A Last-Modified
  // later than Date (or, with no Date, than the time the response arrived)
  // fails; leaving the field out is allowed and noted. squid 5.7 and Apache
  // 2.4.71 both copy a future MDTM through (Last-Modified in 2099 beside a
  // 2026 Date): a shared behaviour, and still a violation, because neither
  // HTTP→FTP gateway forwards an HTTP response: each generates this one as
  // its origin (RFC 9110 §3.7, 8.8.2.1 binds "an origin server with a clock"),
  // and a cache would take the 2099 validator as the newest state for ever.
  defineCase({
    id: 'last-modified-never-after-date',
    title: 'A future MDTM never gives a Last-Modified later than Date',
    requirements: ['FTP-13'],
    spec: [{ rfc: 9110, section: '8.8.2.1' }],
    requirement:
      'the gateway never sends a Last-Modified later than its Date: a future MDTM time is replaced by the Date value',
    level: 'MUST',
    roles: ['ftp-gateway'],
    timeoutMs: 5000,
    async run(ctx) {
      const { origin } = ftpOf(ctx)
      const target = targetOf(ctx, '/pub/k.bin')
      const variant = (mdtm: string) => async () => {
        origin.script({ MDTM: mdtm })
        const exchange = await ftpGet(ctx, target)
        const arrived = Date.now()
        const message = messageOf(exchange)
        if (message === undefined) return observed(`no response to judge: ${answerText(exchange)}`)
        const got = fieldOf(message, 'last-modified')
        if (got === undefined) return conforms(`${message.head.status}, no Last-Modified`)
        const date = fieldOf(message, 'date')
        // HTTP dates have whole seconds: the bound is the Date value, or the arrival second.
        const bound = timeOf(date) ?? Math.floor(arrived / 1000) * 1000
        const lm = timeOf(got)
        if (lm === undefined) return observed(`an unparseable Last-Modified: ${got}`)
        if (lm > bound)
          return violates(
            `a Last-Modified not later than ${date === undefined ? 'the arrival time' : `Date (${date})`}`,
            `Last-Modified: ${got}`,
          )
        return conforms(`Last-Modified: ${got}, Date: ${date ?? '(none)'}`)
      }
      return runVariants(ctx, [
        ['213 20991231235959', variant('213 20991231235959')],
        ['213 29991231235959.999', variant('213 29991231235959.999')],
        ['213 20201399999999', variant('213 20201399999999')],
      ])
    },
  }),

  // Grades RFC 9110 §8.3 (a sender that generates a message with content
  // SHOULD send Content-Type, unless the type is unknown; the gateway is the
  // origin and names the type from the file name or the typecode: for a name
  // with no extension the type is unknown, and leaving the field out is
  // allowed, though the catalog row asks for application/octet-stream) and §8.4
  // (Content-Encoding lists codings applied to the representation: a .tar.gz
  // file IS gzip data, so labelling it Content-Encoding: gzip tells the
  // client to decode it, and it saves a .tar). SHOULD: each deviation warns;
  // the type table is noted.
  defineCase({
    id: 'labels-files-with-a-content-type',
    title: 'Files come with a Content-Type, and a .gz file is not labelled Content-Encoding: gzip',
    requirements: ['FTP-19'],
    spec: [
      { rfc: 9110, section: '8.3' },
      { rfc: 9110, section: '8.4' },
    ],
    requirement:
      'the gateway sends a Content-Type with each file (by typecode or extension, else application/octet-stream) and does not turn .gz into Content-Encoding: gzip',
    level: 'SHOULD',
    roles: ['ftp-gateway'],
    timeoutMs: 6000,
    async run(ctx) {
      const variant = (path: string) => async () => {
        const exchange = await ftpGet(ctx, targetOf(ctx, path))
        const message = messageOf(exchange)
        if (message?.head.status !== 200)
          return observed(`no file to judge: ${answerText(exchange)}`)
        const type = fieldOf(message, 'content-type')?.trim()
        const coding = fieldOf(message, 'content-encoding')
        if (path.endsWith('.gz') && coding !== undefined && /gzip/i.test(coding))
          return violates(
            `${path} labelled by its type, without Content-Encoding`,
            `Content-Encoding: ${coding}${type === undefined ? '' : `, Content-Type: ${type}`}`,
          )
        if (type === undefined || type === '') {
          // §8.3: "unless the intended media type … is unknown to the sender": a name without an extension.
          if (!/\.[A-Za-z0-9]+$/.test(path))
            return conforms('no Content-Type (no extension: the type is unknown, §8.3 allows it)')
          return violates(`a Content-Type for ${path}`, 'no Content-Type')
        }
        return conforms(
          `Content-Type: ${type}${coding === undefined ? '' : `, Content-Encoding: ${coding}`}`,
        )
      }
      return runVariants(
        ctx,
        [
          '/pub/a.html',
          '/pub/t.txt',
          '/pub/k.bin',
          '/pub/a.tar.gz',
          '/pub/noext',
          '/pub/s.svg',
        ].map((path) => [path, variant(path)] as const),
      )
    },
  }),
]
