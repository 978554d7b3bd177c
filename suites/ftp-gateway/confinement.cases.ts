import { defineCase } from '../../harness/engine/model/case.js'
import { conforms, unsupported, violates } from '../../harness/engine/model/outcome.js'
import { ftpOf } from './ftp.js'
import { described, messageOf, oneRequest } from './one-request.js'

/** The row's request paths, below the mapped prefix ("/files/"). */
const ESCAPES = [
  '../etc/passwd',
  '%2e%2e/etc/passwd',
  '.%2e/etc/passwd',
  'a/..%2F..%2Fetc/passwd',
  '%2Fetc/passwd',
  '/etc/passwd',
  'a%5C..%5C..%5Cetc/passwd',
  '..;type=d',
]
const BASE = '/pub'
/** Verbs whose argument names a path at the FTP server. */
const PATH_VERBS = new Set([
  'CWD',
  'CDUP',
  'RETR',
  'SIZE',
  'MDTM',
  'LIST',
  'NLST',
  'STAT',
  'MLSD',
  'MLST',
])

/** `arg` resolved against `cwd` the way a Unix FTP server does ("/" roots it, ".." folds). */
function resolve(cwd: string, arg: string): string {
  const parts = arg.startsWith('/') ? [] : cwd.split('/').filter((s) => s !== '')
  for (const segment of arg.split('/')) {
    if (segment === '' || segment === '.') continue
    if (segment === '..') parts.pop()
    else parts.push(segment)
  }
  return `/${parts.join('/')}`
}

const inside = (path: string): boolean => path === BASE || path.startsWith(`${BASE}/`)

export const confinementCases = [
  // Grades catalog row FTP-08 (Semantic, treat as MUST; security): RFC 9110
  // §3.7 makes a gateway the origin of the namespace its mapping defines, and
  // RFC 3986 §5.2.4 removes dot segments before a path is used, so a reverse
  // mapping `/files/` → `ftp://…/pub/` never makes the gateway CWD, RETR, LIST,
  // SIZE or MDTM anything above /pub: dot segments plain and encoded, encoded
  // slashes, backslashes, empty segments and `;type=d` are resolved under the
  // base or refused. FG/r only: a forward gateway has no base to escape.
  defineCase({
    id: 'reverse-mapping-stays-under-its-base',
    title: 'No request path makes a reverse-mapped gateway touch the FTP server above its base',
    requirements: ['FTP-08'],
    spec: [
      { rfc: 9110, section: '3.7' },
      { rfc: 3986, section: '5.2.4' },
      { rfc: 1738, section: '3.2.2' },
    ],
    requirement:
      'no request-target under the mapped prefix makes the gateway issue CWD, RETR, LIST, SIZE or MDTM outside the mapped FTP base',
    level: 'MUST',
    roles: ['ftp-gateway'],
    // FG/r only: in forward mode the URL names the FTP server's whole tree, there is no
    // mapped base to escape.
    ftpMode: 'reverse',
    timeoutMs: 6000,
    async run(ctx) {
      const ftp = ftpOf(ctx)
      const prefix = ftp.requestTarget('/pub/')
      if (prefix === undefined) return unsupported('the mapping names no /pub/ prefix')
      const failures: string[] = []
      const notes: string[] = []
      for (const escape of ESCAPES) {
        const before = ftp.origin.commands.length
        const got = await oneRequest(ctx, { target: `${prefix}${escape}` })
        // Where each command of this request pointed, per control connection (from the login
        // directory, "/"). Until a connection has reached the base, a CWD to one of the base's
        // ancestors is the walk down to it; after that, nothing may leave the base.
        const cwd = new Map<string, string>()
        const reached = new Set<string>()
        const outside: string[] = []
        for (const c of ftp.origin.commands.slice(before)) {
          if (!PATH_VERBS.has(c.verb)) continue
          const here = cwd.get(c.conn) ?? '/'
          const arg = c.arg
            .split(' ')
            .filter((p) => !p.startsWith('-'))
            .join(' ')
          const path = resolve(here, c.verb === 'CDUP' ? '..' : arg)
          const walkingDown =
            (c.verb === 'CWD' || c.verb === 'CDUP') &&
            !reached.has(c.conn) &&
            (path === '/' || BASE.startsWith(`${path}/`))
          if (!inside(path) && !walkingDown) outside.push(`${c.verb} ${c.arg} (→ ${path})`)
          if (c.verb === 'CWD' || c.verb === 'CDUP') {
            // Only a CWD the server accepted moves it.
            const reply = ftp.origin.replies.find((r) => r.conn === c.conn && r.at >= c.at)
            if (reply?.code.startsWith('2') === true) {
              cwd.set(c.conn, path)
              if (inside(path)) reached.add(c.conn)
            }
          }
        }
        const m = messageOf(got)
        const leaked = m?.body.toString('latin1').includes('root:x:0:0') === true
        notes.push(
          `${prefix}${escape}: ${described(got)}; outside ${BASE}: ${outside.join(', ') || 'nothing'}`,
        )
        if (outside.length > 0 || leaked)
          failures.push(
            `${prefix}${escape}: ${leaked ? 'etc/passwd in the response; ' : ''}${outside.join(', ')}`,
          )
      }
      ctx.note(notes.join('\n'))
      if (failures.length > 0) {
        ctx.note(ftp.origin.transcript())
        return violates(`every command under ${BASE}, and 400/403/404`, failures.join('; '))
      }
      return conforms()
    },
  }),
]
