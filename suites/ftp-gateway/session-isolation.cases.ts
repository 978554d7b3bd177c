import { defineCase } from '../../harness/engine/model/case.js'
import { conforms, unsupported, violates } from '../../harness/engine/model/outcome.js'
import type { FtpCommand } from '../../harness/ftp/index.js'
import { ftpOf } from './ftp.js'
import { described, messageOf, oneRequest, type OneExchange } from './one-request.js'

const SECRET = 'alice only: the secret'
/** Verbs that act on a path (what a carried-over login or directory would change). */
const PATH_VERBS = new Set(['CWD', 'RETR', 'SIZE', 'MDTM', 'LIST', 'NLST', 'STAT'])

export const sessionIsolationCases = [
  // Grades catalog row FTP-09 (MUST per its Level column: RFC 9111 §3.5 "A
  // shared cache MUST NOT use a cached response to a request with an
  // Authorization header field" for the cache half, and the row's "treat as
  // MUST" for login reuse: RFC 1738 §3.2.5 calls reusing a control connection
  // a heuristic, RFC 959 §4.1.1 ties the login to the connection). A request
  // for alice's file with her credentials (userinfo, then Authorization:
  // Basic), then the same URL with none, each on its own client connection:
  // the anonymous one must never get alice's bytes and must not run on a
  // control connection logged in as alice. Then /pub/a/f.bin and
  // /pub/b/f.bin: the second resolves from /pub/b, not from a directory left
  // over by the first.
  defineCase({
    id: 'login-does-not-carry-to-another-request',
    title: 'One client’s FTP login is never used for another client’s request',
    requirements: ['FTP-09'],
    spec: [
      { rfc: 9111, section: '3.5' },
      { rfc: 1738, section: '3.2.5' },
      { rfc: 959, section: '4.1.1' },
    ],
    requirement:
      'a request without credentials never runs on a control connection logged in as another user, nor gets a response obtained with credentials; a reused connection starts from a known directory',
    level: 'MUST',
    roles: ['ftp-gateway'],
    timeoutMs: 6000,
    async run(ctx) {
      const ftp = ftpOf(ctx)
      const { origin } = ftp
      const target = ftp.requestTarget('/home/secret.txt')
      if (target === undefined || ftp.mode !== 'forward')
        return unsupported(
          'FG/f only here: home/secret.txt lies outside {ftp_base}, so a reverse mapping cannot name it',
        )
      const failures: string[] = []
      const notes: string[] = []
      /** The user logged in on `command`'s connection when it was sent: the last USER before it there. */
      const userAt = (command: FtpCommand): string | undefined =>
        origin.commands
          .filter((c) => c.conn === command.conn && c.verb === 'USER' && c.index < command.index)
          .at(-1)?.arg
      const authority = origin.authority
      const basic = `Basic ${Buffer.from('alice:S3cretPW').toString('base64')}`
      const rounds: { name: string; alice: () => Promise<OneExchange> }[] = [
        {
          name: 'userinfo',
          alice: () =>
            oneRequest(ctx, { target: `ftp://alice:S3cretPW@${authority}/home/secret.txt` }),
        },
        {
          name: 'Authorization: Basic',
          alice: () => oneRequest(ctx, { target, headers: [['Authorization', basic]] }),
        },
      ]
      for (const round of rounds) {
        const first = await round.alice()
        notes.push(`alice (${round.name}): ${described(first)}`)
        const before = origin.commands.length
        const anonymous = await oneRequest(ctx, { target })
        const m = messageOf(anonymous)
        notes.push(`anonymous after ${round.name}: ${described(anonymous)}`)
        if (m?.body.toString('latin1').includes(SECRET) === true)
          failures.push(
            `the anonymous request after alice's (${round.name}) got alice's file (${m.head.status})`,
          )
        const asAlice = origin.commands
          .slice(before)
          .filter((c) => PATH_VERBS.has(c.verb) && userAt(c) === 'alice')
        if (asAlice.length > 0)
          failures.push(
            `the anonymous request after alice's (${round.name}) ran ${asAlice.map((c) => `${c.verb} ${c.arg} on ${c.conn}`).join(', ')} logged in as alice`,
          )
      }
      // A directory left over from one request must not change where the next one looks.
      const a = await oneRequest(ctx, { target: ftp.requestTarget('/pub/a/f.bin') ?? '' })
      const b = await oneRequest(ctx, { target: ftp.requestTarget('/pub/b/f.bin') ?? '' })
      notes.push(`/pub/a/f.bin: ${described(a)}; /pub/b/f.bin: ${described(b)}`)
      const bBody = messageOf(b)?.body.toString('latin1')
      if (bBody?.includes('/pub/a/f.bin') === true)
        failures.push('/pub/b/f.bin was answered with /pub/a/f.bin')
      ctx.note(notes.join('\n'))
      if (failures.length > 0) {
        ctx.note(origin.transcript())
        return violates(
          'no login or directory carried from one request to another',
          failures.join('; '),
        )
      }
      return conforms()
    },
  }),
]
