import { defineCase } from '../../harness/engine/model/case.js'
import { conforms, violates } from '../../harness/engine/model/outcome.js'
import { fBinBytes, type FtpScript } from '../../harness/ftp/index.js'
import { ftpOf } from './ftp.js'
import { described, field, messageOf, oneRequest } from './one-request.js'

interface Variant {
  readonly name: string
  readonly script: FtpScript
  readonly ranges: readonly string[]
  /** The server lies (350, then data from 0): a wrong 206 is the server's doing, INFO only. */
  readonly lies?: boolean
}

const VARIANTS: readonly Variant[] = [
  {
    name: 'REST honoured',
    script: {},
    ranges: ['bytes=1000-1999', 'bytes=3000-', 'bytes=-100', 'bytes=99999-', 'bytes=0-0,5-9'],
  },
  {
    name: 'REST refused (502)',
    script: { REST: '502 REST not implemented' },
    ranges: ['bytes=1000-1999', 'bytes=-100'],
  },
  {
    name: 'REST acknowledged, ignored',
    script: { REST: '350 ok' },
    ranges: ['bytes=1000-1999'],
    lies: true,
  },
]

/** `bytes first-last/complete` (RFC 9110 §14.4), or undefined. */
function contentRange(value: string | undefined): { first: number; last: number } | undefined {
  const m = /^\s*bytes\s+(\d+)-(\d+)\/(\d+|\*)\s*$/i.exec(value ?? '')
  return m === null ? undefined : { first: Number(m[1]), last: Number(m[2]) }
}

export const rangeCases = [
  // Grades RFC 9110 §15.3.7 / §14.4 as catalog row FTP-12 applies them to a
  // gateway that turns Range into REST n + RETR: a server that sends 206 with
  // a single part "MUST generate a Content-Range header field, describing what
  // range of the selected representation is enclosed" — the enclosed bytes are
  // exactly the slice Content-Range names, and as many as Content-Length says.
  // Ignoring Range is allowed (§14.2: a server MAY ignore it), so a 200 must
  // carry the whole file. After a refused REST (RFC 3659 §5.3: only 350 moves
  // the offset) the data starts at 0 again, so a 206 then is the violation.
  // INFO: 416 handling, multipart answers, and a server that says 350 and
  // sends from 0 anyway (that lie is the FTP server's, not the gateway's).
  defineCase({
    id: 'range-206-encloses-exactly-its-content-range',
    title: 'A Range request gets the whole file with 200, or a 206 whose bytes match Content-Range',
    requirements: ['FTP-12'],
    spec: [
      { rfc: 9110, section: '15.3.7' },
      { rfc: 9110, section: '14.2' },
      { rfc: 3659, section: '5.3' },
    ],
    requirement:
      'a 206 encloses exactly the bytes its Content-Range names (and Content-Length of them); a 200 to a Range request carries the whole file',
    level: 'MUST',
    roles: ['ftp-gateway'],
    timeoutMs: 8000,
    async run(ctx) {
      const ftp = ftpOf(ctx)
      const target = ftp.requestTarget('/pub/f.bin') ?? ''
      const file = fBinBytes()
      const failures: string[] = []
      const info: string[] = []
      for (const variant of VARIANTS) {
        ftp.origin.script(variant.script)
        for (const range of variant.ranges) {
          const commandsBefore = ftp.origin.commands.length
          const exchange = await oneRequest(ctx, { target, headers: [['Range', range]] })
          const rest = ftp.origin.commands.slice(commandsBefore).find((c) => c.verb === 'REST')
          const what = `${variant.name}, ${range} (${rest === undefined ? 'no REST' : `REST ${rest.arg}`})`
          const m = messageOf(exchange)
          // What the origin sent on the data connections of this request.
          const conns = new Set(ftp.origin.commands.slice(commandsBefore).map((c) => c.conn))
          const sent = ftp.origin.dataConnections
            .filter((d) => conns.has(d.conn))
            .reduce((n, d) => n + d.sent, 0)
          if (m === undefined) {
            info.push(`${what}: ${described(exchange)}`)
            continue
          }
          const status = m.head.status
          if (status === 200) {
            if (m.complete && !m.body.equals(file))
              failures.push(`${what}: a 200 whose ${m.body.length} bytes are not the whole file`)
            else info.push(`${what}: ${described(exchange)}${m.complete ? ', the whole file' : ''}`)
            continue
          }
          if (status !== 206) {
            info.push(`${what}: ${status}`)
            continue
          }
          const cr = contentRange(field(m, 'Content-Range'))
          if (cr === undefined) {
            const type = field(m, 'Content-Type') ?? ''
            if (/multipart\/byteranges/i.test(type))
              info.push(`${what}: 206 multipart (parts not checked)`)
            else
              failures.push(
                `${what}: a 206 without a single-part Content-Range (${field(m, 'Content-Range') ?? 'none'})`,
              )
            continue
          }
          const want = file.subarray(cr.first, cr.last + 1)
          if (m.complete && m.body.equals(want)) {
            info.push(`${what}: 206 bytes ${cr.first}-${cr.last}, matching`)
            continue
          }
          // A body cut short is judged on what came: it must be the start of the named slice,
          // and it may fall short of Content-Length only when the origin did not send enough.
          const prefix = m.body.equals(want.subarray(0, m.body.length))
          const from = m.body.length >= 16 ? file.indexOf(m.body.subarray(0, 64)) : -1
          const whose = from === -1 ? '' : ` (they are the file from byte ${from})`
          let problem: string | undefined
          if (!prefix)
            problem = `${what}: a 206 for bytes ${cr.first}-${cr.last} whose ${m.body.length} bytes are not that slice${whose}`
          else if (!m.complete && sent >= want.length)
            problem = `${what}: a 206 for bytes ${cr.first}-${cr.last} (Content-Length ${field(m, 'Content-Length') ?? 'none'}) cut off after ${m.body.length} bytes, though the origin sent ${sent}`
          if (problem === undefined)
            info.push(
              `${what}: ${described(exchange)}, a prefix of its range; the origin sent ${sent}`,
            )
          else if (variant.lies === true)
            info.push(`${problem}; the origin said 350 and sent from 0, INFO`)
          else failures.push(problem)
        }
      }
      ctx.note(info.join('\n'))
      if (failures.length > 0) {
        ctx.note(ftp.origin.transcript())
        return violates(
          'every 206 encloses exactly its Content-Range, every 200 the whole file',
          failures.join('; '),
        )
      }
      // The lying server's 206 is reported, not held against the gateway.
      const lies = info.filter((line) => line.endsWith('INFO'))
      return conforms(lies.length > 0 ? lies.join('; ') : undefined)
    },
  }),
]
