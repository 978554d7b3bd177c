import { defineCase } from '../../harness/engine/model/case.js'
import { conforms, violates } from '../../harness/engine/model/outcome.js'
import { seededBytes } from '../../harness/ftp/index.js'
import { ftpOf } from './ftp.js'
import { described, field, messageOf, oneRequest } from './one-request.js'

// FTP commands that change the server's files (RFC 959 §4.1.3).
const CHANGING = new Set([
  'STOR',
  'STOU',
  'APPE',
  'DELE',
  'RNFR',
  'RNTO',
  'MKD',
  'XMKD',
  'RMD',
  'XRMD',
  'SITE',
])
const METHODS = ['POST', 'PUT', 'DELETE', 'OPTIONS', 'PROPFIND'] as const

export const methodCases = [
  // Grades RFC 9110 §15.5.6, as catalog row FTP-25 reads it for an HTTP→FTP
  // gateway (the origin of its responses, RFC 9110 §3.7): "The origin server
  // MUST generate an Allow header field in a 405 response"; and the row's
  // derived MUST that a method answered with an error changes nothing at the
  // FTP server (no STOR, DELE, RNFR, MKD… reached it), and that a PUT the
  // gateway maps to STOR stores exactly the request body (RFC 9110 §9.3.4:
  // the state of the target is replaced by the enclosed representation).
  // Which error (501 per §9.1 for an unrecognised method, 405 for a known
  // one) is SHOULD; PUT support and its status (201/200/204) are INFO.
  defineCase({
    id: 'unmapped-methods-change-nothing',
    title:
      'Methods the gateway does not map are refused (405 with Allow, or 501) and change nothing at the FTP server',
    requirements: ['FTP-25'],
    spec: [
      { rfc: 9110, section: '15.5.6' },
      { rfc: 9110, section: '9.1' },
      { rfc: 9110, section: '9.3.4' },
      { rfc: 959, section: '4.1.3' },
    ],
    requirement:
      'a 405 carries Allow; no data-changing FTP command follows a request answered with an error; a PUT mapped to STOR stores exactly the body',
    level: 'MUST',
    roles: ['ftp-gateway'],
    timeoutMs: 6000,
    async run(ctx) {
      const ftp = ftpOf(ctx)
      const target = ftp.requestTarget('/pub/up.bin') ?? ''
      const body = seededBytes(25, 0, 1024)
      const failures: string[] = []
      const warnings: string[] = []
      const notes: string[] = []
      for (const method of METHODS) {
        const commandsBefore = ftp.origin.commands.length
        const storedBefore = ftp.origin.stored.length
        const got = await oneRequest(ctx, {
          method,
          target,
          ...(method === 'PUT' || method === 'POST' ? { body } : {}),
        })
        // Whatever the gateway still does for this request: wait until it has let go of the origin.
        await ftp.origin.idle({ timeoutMs: Math.min(1000, ctx.remainingMs()) })
        const changing = ftp.origin.commands
          .slice(commandsBefore)
          .filter((c) => CHANGING.has(c.verb))
          .map((c) => `${c.verb} ${c.arg}`)
        const stored = ftp.origin.stored.slice(storedBefore)
        const m = messageOf(got)
        const allow = m === undefined ? undefined : field(m, 'Allow')
        notes.push(
          `${method}: ${described(got)}${allow === undefined ? '' : `, Allow: ${allow}`}; origin: ${changing.join(', ') || 'no data-changing command'}`,
        )
        if (m === undefined) continue
        const status = m.head.status
        if (status === 405 && allow === undefined) failures.push(`${method}: a 405 without Allow`)
        if (status >= 400 && changing.length > 0)
          failures.push(`${method}: answered ${status}, yet the origin saw ${changing.join(', ')}`)
        if (method === 'PUT' && status >= 200 && status < 300) {
          const file = stored.at(-1)
          if (file === undefined) failures.push(`PUT: ${status}, but nothing was stored`)
          else if (!file.bytes.equals(body))
            failures.push(
              `PUT: stored ${file.bytes.length} bytes at ${file.path} that are not the ${body.length}-byte body`,
            )
        }
        if (method !== 'OPTIONS' && method !== 'PUT' && status < 400 && changing.length === 0)
          notes.push(`${method}: ${status} with nothing changed (INFO)`)
        if (
          method !== 'PUT' &&
          method !== 'OPTIONS' &&
          status >= 400 &&
          status !== 405 &&
          status !== 501
        )
          warnings.push(`${method}: ${status}, not 501 or 405`)
      }
      ctx.note(notes.join('\n'))
      if (failures.length > 0) {
        ctx.note(ftp.origin.transcript())
        return violates(
          '405 with Allow (or 501), and nothing changed at the FTP server',
          failures.join('; '),
        )
      }
      if (warnings.length > 0)
        return violates('501, or 405 with Allow', warnings.join('; '), 'SHOULD')
      return conforms()
    },
  }),
]
