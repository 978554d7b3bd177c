import { defineCase } from '../../harness/engine/model/case.js'
import { conforms, violates } from '../../harness/engine/model/outcome.js'
import { ftpOf } from './ftp.js'
import { described, field, messageOf, oneRequest } from './one-request.js'

// HEAD of a file, a directory and a missing file, each beside the GET of the same.
const PATHS = ['/pub/f.bin', '/pub/d/', '/pub/missing.bin'] as const
// Fields RFC 9110 §9.3.2 asks a HEAD response to share with GET (SHOULD).
const SAME_FIELDS = ['Content-Type', 'Last-Modified'] as const

export const headCases = [
  // Grades RFC 9110 §9.3.2: "The server SHOULD send the same header fields in
  // response to a HEAD request as it would have sent if the request method had
  // been GET" with the MUST-level parts catalog row FTP-10 draws from it and
  // from §8.6: a HEAD response has no content (a body after it would be read
  // as the next response), and "a server MUST NOT send Content-Length in such
  // a response unless its field value equals the decimal number of octets that
  // would have been sent in the content of a response if the same request had
  // used the GET method". A gateway acts as the origin for its response (RFC
  // 9110 §3.7), so these bind it. The status must also be GET's: HEAD "is
  // identical to GET except" for the content (§9.3.2), and "all
  // general-purpose servers MUST support the methods GET and HEAD" (§9.1), so
  // a HEAD that gets 500 where GET gets 200 is a MUST violation. INFO:
  // whether RETR ran for HEAD at all (the row prefers SIZE/MDTM only).
  defineCase({
    id: 'head-answers-like-get-without-content',
    title: 'HEAD of an ftp:// URL gets GET’s status and fields and no content',
    requirements: ['FTP-10'],
    spec: [
      { rfc: 9110, section: '9.3.2' },
      { rfc: 9110, section: '8.6' },
      { rfc: 9110, section: '9.1' },
    ],
    requirement:
      'a HEAD response carries no content, the status and Content-Length GET would get, and (SHOULD) the same Content-Type and Last-Modified',
    level: 'MUST',
    roles: ['ftp-gateway'],
    timeoutMs: 6000,
    async run(ctx) {
      const ftp = ftpOf(ctx)
      const failures: string[] = []
      const warnings: string[] = []
      for (const path of PATHS) {
        const target = ftp.requestTarget(path)
        if (target === undefined) continue
        const commandsBefore = ftp.origin.commands.length
        const head = await oneRequest(ctx, { method: 'HEAD', target })
        const retrs = ftp.origin.commands
          .slice(commandsBefore)
          .filter((c) => c.verb === 'RETR' || c.verb === 'LIST' || c.verb === 'NLST')
        const get = await oneRequest(ctx, { method: 'GET', target })
        const h = messageOf(head)
        const g = messageOf(get)
        ctx.note(
          `${path}: HEAD → ${described(head)}, ${head.after.length} bytes after it; GET → ${described(get)}; ` +
            `during HEAD the origin saw ${retrs.map((c) => `${c.verb} ${c.arg}`).join(', ') || 'no RETR/LIST'}`,
        )
        if (h === undefined) {
          failures.push(`HEAD ${path}: ${described(head)}`)
          continue
        }
        if (head.after.length > 0)
          failures.push(`HEAD ${path}: ${head.after.length} bytes of content followed the head`)
        if (g === undefined) continue
        if (h.head.status !== g.head.status)
          failures.push(`HEAD ${path} got ${h.head.status} where GET got ${g.head.status}`)
        const hLength = field(h, 'Content-Length')
        // A generated page (listing, error) may differ between two renderings; the file's length may not.
        if (path === '/pub/f.bin' && hLength !== undefined && g.complete) {
          if (hLength.trim() !== String(g.body.length))
            failures.push(
              `HEAD ${path}: Content-Length ${hLength}, but GET's content has ${g.body.length} octets`,
            )
        }
        for (const name of SAME_FIELDS) {
          const a = field(h, name)
          const b = field(g, name)
          if (name === 'Content-Type' && path !== '/pub/f.bin' && h.head.status !== 200) continue
          if (a !== b)
            warnings.push(`${path}: ${name} is ${a ?? '(none)'} for HEAD, ${b ?? '(none)'} for GET`)
        }
      }
      if (failures.length > 0) {
        ctx.note(ftp.origin.transcript())
        return violates(
          'HEAD answered with no content and with GET’s status and Content-Length',
          failures.join('; '),
        )
      }
      if (warnings.length > 0)
        return violates('HEAD with the fields GET sends', warnings.join('; '), 'SHOULD')
      return conforms()
    },
  }),
]
