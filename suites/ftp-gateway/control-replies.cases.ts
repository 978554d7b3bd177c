import { defineCase } from '../../harness/engine/model/case.js'
import { conforms, observed, violates } from '../../harness/engine/model/outcome.js'
import type { FtpCommand } from '../../harness/ftp/index.js'
import { runVariants } from '../support/variants.js'
import { answerText, ftpGet, messageOf, planText, targetOf } from './ftp-get.js'
import { ftpOf } from './ftp.js'

/** A single 0xFF in a command line's raw bytes (IAC not doubled), or undefined. */
function lonelyIac(raw: Buffer): number | undefined {
  for (let i = 0; i < raw.length; i += 1) {
    if (raw[i] !== 0xff) continue
    if (raw[i + 1] === 0xff) i += 1
    else return i
  }
  return undefined
}

export const controlReplyCases = [
  // Grades RFC 959 §4.2: a multi-line reply runs from "ddd-" to the line
  // that starts with the same code and a space; the user-process ignores the
  // lines between, even those that start with digits. The catalog derives a
  // MUST (a client that acts on an inner line is out of step with the
  // server). The greeting carries an indented "230" and an inner "530-",
  // the 331 to USER comes one byte per TCP segment, and the 230 to PASS is
  // multi-line too: the download must go on as with single-line replies.
  defineCase({
    id: 'ignores-reply-like-inner-lines',
    title:
      'Inner lines of multi-line replies, and replies split byte by byte, do not derail the login',
    requirements: ['FTP-23'],
    spec: [{ rfc: 959, section: '4.2' }],
    requirement:
      'the gateway reads each reply up to the line that repeats its code followed by a space, whatever the inner lines say and however the bytes are segmented',
    level: 'MUST',
    roles: ['ftp-gateway'],
    timeoutMs: 4000,
    async run(ctx) {
      const { origin } = ftpOf(ctx)
      origin.script({
        greeting: '220-Welcome\n 230 not a reply\n530-also not\n220 ready',
        USER: { reply: '331 Please specify the password.', segment: 1 },
        PASS: '230-Hello\n 530 Login incorrect (not a reply)\n221-nor this\n230 Login successful.',
      })
      const exchange = await ftpGet(ctx, targetOf(ctx, '/pub/k.bin'))
      ctx.note(`FTP origin: ${planText(exchange.commands)}`)
      const message = messageOf(exchange)
      const retr = exchange.commands.some((c) => c.verb === 'RETR')
      if (message?.head.status !== 200 || !retr)
        return violates(
          'the login completes and pub/k.bin comes back (200)',
          `${retr ? '' : 'no RETR; '}${answerText(exchange)}`,
        )
      return conforms()
    },
  }),

  // Grades RFC 959 §4.2 with §5.4 (a transfer command gets at most one 1yz,
  // then its final reply): after 150 the origin sends an empty data stream
  // and a multi-line 550 whose inner line reads "  226 done". SIZE answers
  // 502 (not implemented: an RFC 3659 extension), so no announced length
  // gives the truth away and the gateway still goes on to RETR. The final
  // code is 550: a complete 2xx is success reported on a failure and fails.
  // A gateway that sent its 200 head at the 150 and then leaves the body
  // incomplete (no last-chunk, then close: FTP-03) did act on the real final
  // code, and passes with a note; 404 is what FTP-20 expects.
  defineCase({
    id: 'final-status-follows-the-final-reply-code',
    title: 'A multi-line 550 with a "226" inner line after 150 is an error, not a success',
    requirements: ['FTP-23'],
    spec: [
      { rfc: 959, section: '4.2' },
      { rfc: 959, section: '5.4' },
    ],
    requirement:
      'the gateway takes the final reply after a 1xx from its last line: a 550 with an inner "226" line is a failure, never a 2xx',
    level: 'MUST',
    roles: ['ftp-gateway'],
    timeoutMs: 4000,
    async run(ctx) {
      const { origin } = ftpOf(ctx)
      origin.script({
        SIZE: '502 SIZE not implemented.',
        RETR: {
          data: Buffer.alloc(0),
          then: '550-Failed to open file.\n  226 done\n550 End.',
        },
      })
      const exchange = await ftpGet(ctx, targetOf(ctx, '/pub/k.bin'))
      ctx.note(`FTP origin: ${planText(exchange.commands)}`)
      const message = messageOf(exchange)
      if (message === undefined) return observed(`nothing to judge: ${answerText(exchange)}`)
      const { status } = message.head
      if (status >= 200 && status < 300) {
        if (message.complete)
          return violates('an error status for the final 550 (404)', answerText(exchange))
        return conforms(`${status} sent at the 150, then left incomplete at the 550 (FTP-03)`)
      }
      return conforms(status === 404 ? '404' : `${status} (an error; 404 expected by FTP-20)`)
    },
  }),

  // Grades RFC 959 §4.1 (the control connection speaks the Telnet protocol)
  // with RFC 854 (IAC, 0xFF, is sent doubled to stand for the data byte), as
  // the catalog derives for FTP-24: a lone 0xFF followed by 0xF4 would be
  // read by a Telnet-aware server as "interrupt process". The row grades it
  // WARN only, as deployed servers differ: SHOULD. Refusing the name with
  // 400 (nothing carrying it sent) is also correct. The origin runs in
  // Telnet-aware mode and logs raw bytes.
  defineCase({
    id: 'doubles-0xff-in-ftp-commands',
    title: 'A 0xFF byte in a path is sent as FF FF (or the request is refused with 400)',
    requirements: ['FTP-24'],
    spec: [{ rfc: 959, section: '4.1' }],
    requirement:
      'the gateway sends each 0xFF in an FTP command argument as FF FF (Telnet IAC IAC), or refuses the request',
    level: 'SHOULD',
    roles: ['ftp-gateway'],
    timeoutMs: 5000,
    async run(ctx) {
      const { origin } = ftpOf(ctx)
      origin.script({ telnet: true })
      const variant = (path: string) => async () => {
        const exchange = await ftpGet(ctx, targetOf(ctx, path))
        const carrying = exchange.commands.filter((c: FtpCommand) => c.raw.includes(0xff))
        for (const command of carrying) {
          const at = lonelyIac(command.raw)
          if (at !== undefined)
            return violates(
              'FF FF for each 0xFF (or a 400)',
              `${command.verb} carried a single FF at byte ${at}${command.telnet.length > 0 ? `, read as Telnet command(s) ${command.telnet.map((t) => t.toString(16)).join(' ')}` : ''}; the client got ${answerText(exchange)}`,
            )
        }
        const status = messageOf(exchange)?.head.status
        return conforms(
          carrying.length > 0
            ? `FF doubled in ${carrying.map((c) => c.verb).join(', ')}; ${answerText(exchange)}`
            : `no command carried 0xFF; ${answerText(exchange)}${status === 400 ? '' : ' (not 400)'}`,
        )
      }
      return runVariants(ctx, [
        ['p%FFq.bin', variant('/pub/p%FFq.bin')],
        ['%FF%F4%FF%F2x.bin', variant('/pub/%FF%F4%FF%F2x.bin')],
      ])
    },
  }),
]
