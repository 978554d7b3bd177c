import { defineCase } from '../../harness/engine/model/case.js'
import { conforms, observed, violates } from '../../harness/engine/model/outcome.js'
import { answerText, fieldOf, ftpGet, messageOf, planText, printable, targetOf } from './ftp-get.js'
import { ftpOf } from './ftp.js'

// FTP-14 is a semantic row: RFC 1738 §3.2.1 says with a lowercase "should"
// that a user named without a password is asked for one, and RFC 959 §5.4
// draws the login dialogue (220, a 120 before it allowed; USER → 230, or
// 331 → PASS). The catalog grades the row INFO/WARN: each case is SHOULD, so
// a deviation warns and never fails, and the login it saw is noted.

export const loginCases = [
  // Grades RFC 959 §5.4 (connection establishment: 120 then 220, or 220; the
  // user-PI sends its first command after the 220) with RFC 1738 §3.2.1 (no
  // user in the URL: log in as "anonymous" with an e-mail address as the
  // password). WARN if a command reaches the origin before the 220 was sent,
  // or if the request does not complete; the login used is noted.
  defineCase({
    id: 'login-waits-for-220-after-a-120',
    title:
      'After a 120 greeting the gateway waits for the 220 before USER, then logs in anonymously',
    requirements: ['FTP-14'],
    spec: [
      { rfc: 959, section: '5.4' },
      { rfc: 1738, section: '3.2.1' },
    ],
    requirement:
      'the gateway sends no command before the 220 (a 120 may come first) and, with no user in the URL, logs in as anonymous',
    level: 'SHOULD',
    roles: ['ftp-gateway'],
    timeoutMs: 4000,
    async run(ctx) {
      const { origin } = ftpOf(ctx)
      origin.script({
        greeting: [
          { reply: '120 Service ready in a moment.' },
          { reply: '220 ready', delayMs: 600 },
        ],
      })
      const exchange = await ftpGet(ctx, targetOf(ctx, '/pub/k.bin'))
      const first = exchange.commands[0]
      const ready = origin.replies.find((r) => r.code === '220')
      ctx.note(`FTP origin: ${planText(exchange.commands)}`)
      if (first !== undefined && (ready === undefined || first.at < ready.at))
        return violates(
          'no command before the 220 greeting',
          `${first.verb} came ${ready === undefined ? 'with no 220 sent yet' : `${Math.round(ready.at - first.at)} ms before the 220`}`,
        )
      const message = messageOf(exchange)
      if (message?.head.status !== 200)
        return violates('200 with pub/k.bin after the 120 and the 220', answerText(exchange))
      const user = exchange.commands.find((c) => c.verb === 'USER')?.arg ?? '(no USER)'
      const pass = exchange.commands.find((c) => c.verb === 'PASS')?.arg
      return conforms(
        `waited for the 220; USER ${printable(user)}${pass === undefined ? '' : `, PASS ${pass.includes('@') ? 'e-mail-like' : `"${printable(pass)}"`}`}`,
      )
    },
  }),

  // Grades RFC 959 §5.4 (USER may be answered 230 at once: the login is
  // complete, no PASS follows). The origin answers USER with 230 and any
  // PASS with 503, so a gateway that insists on PASS does not complete.
  defineCase({
    id: 'login-accepts-230-after-user',
    title: 'A 230 right after USER completes the login',
    requirements: ['FTP-14'],
    spec: [{ rfc: 959, section: '5.4' }],
    requirement:
      'the gateway takes a 230 reply to USER as a completed login and goes on without PASS',
    level: 'SHOULD',
    roles: ['ftp-gateway'],
    timeoutMs: 4000,
    async run(ctx) {
      const { origin } = ftpOf(ctx)
      origin.script({ USER: '230 Logged in, no password needed.', PASS: '503 Already logged in.' })
      const exchange = await ftpGet(ctx, targetOf(ctx, '/pub/k.bin'))
      ctx.note(`FTP origin: ${planText(exchange.commands)}`)
      const message = messageOf(exchange)
      if (message?.head.status !== 200)
        return violates('200 with pub/k.bin after USER → 230', answerText(exchange))
      const passes = exchange.commands.filter((c) => c.verb === 'PASS').length
      return conforms(passes === 0 ? 'no PASS after 230' : 'sent PASS after 230 and went on')
    },
  }),

  // Grades RFC 1738 §3.2.1 (the URL's user and password are the arguments of
  // USER and PASS; within them ":" "@" "/" are encoded, RFC 1738 §3.1, and
  // decoded before use, §3.2.2): `a%40b.test:p%3Ass` logs in as a@b.test with
  // password p:ss. WARN if either reaches the origin still encoded.
  defineCase({
    id: 'login-decodes-userinfo',
    title: 'The URL userinfo is percent-decoded into USER and PASS',
    requirements: ['FTP-14'],
    spec: [
      { rfc: 1738, section: '3.2.1' },
      { rfc: 1738, section: '3.1' },
    ],
    requirement:
      'the gateway percent-decodes the URL user and password (%40, %3A) into USER and PASS',
    level: 'SHOULD',
    roles: ['ftp-gateway'],
    // FG/f only: the userinfo is part of the ftp:// URL.
    ftpMode: 'forward',
    timeoutMs: 4000,
    async run(ctx) {
      const { origin } = ftpOf(ctx)
      origin.script({
        PASS: (c) =>
          c.user === 'a@b.test' && c.arg === 'p:ss'
            ? '230 Welcome, a@b.test.'
            : '530 Login incorrect.',
      })
      const exchange = await ftpGet(ctx, `ftp://a%40b.test:p%3Ass@${origin.authority}/pub/k.bin`)
      const user = exchange.commands.find((c) => c.verb === 'USER')?.arg
      const pass = exchange.commands.find((c) => c.verb === 'PASS')?.arg
      ctx.note(
        `FTP origin: USER ${printable(user ?? '(none)')}, PASS ${pass === undefined ? '(none)' : `"${printable(pass)}"`}`,
      )
      // Refusing the userinfo outright (nothing sent) is not a decoding error: FTP-06 notes it, INFO.
      const answer = messageOf(exchange)
      if (user === undefined && answer !== undefined && answer.head.status >= 400)
        return observed(`refuses the userinfo outright: ${answerText(exchange)}, no USER sent`)
      if (user !== 'a@b.test' || pass !== 'p:ss')
        return violates(
          'USER a@b.test and PASS p:ss',
          `USER ${printable(user ?? '(none)')}, PASS ${pass === undefined ? '(none)' : printable(pass)}; the client got ${answerText(exchange)}`,
        )
      const message = messageOf(exchange)
      if (message?.head.status !== 200)
        return violates('200 once the decoded login succeeded', answerText(exchange))
      return conforms('USER a@b.test, PASS p:ss')
    },
  }),

  // Grades RFC 1738 §3.2.1 ("if the URL supplies a user name but no password,
  // and the remote server requests a password, the program interpreting the
  // FTP URL should request one from the user"): for an HTTP client that is a
  // 401 with a challenge (RFC 9110 §11.6.1, §15.5.2). WARN if `bob@` ends in
  // a 5xx instead; a guessed password is noted.
  defineCase({
    id: 'login-asks-for-a-missing-password',
    title: 'A user without a password who meets 331 is asked for one with 401',
    requirements: ['FTP-14'],
    spec: [
      { rfc: 1738, section: '3.2.1' },
      { rfc: 9110, section: '15.5.2' },
    ],
    requirement:
      'for a URL user without a password that the server answers 331, the gateway asks the client (401 with a Basic challenge) rather than guessing',
    level: 'SHOULD',
    roles: ['ftp-gateway'],
    // FG/f only: the userinfo is part of the ftp:// URL.
    ftpMode: 'forward',
    timeoutMs: 4000,
    async run(ctx) {
      const { origin } = ftpOf(ctx)
      const exchange = await ftpGet(ctx, `ftp://bob@${origin.authority}/pub/k.bin`)
      const pass = exchange.commands.find((c) => c.verb === 'PASS')
      ctx.note(`FTP origin: ${planText(exchange.commands)}`)
      const guessed = pass === undefined ? '' : `; it sent PASS "${printable(pass.arg)}"`
      const message = messageOf(exchange)
      if (message === undefined) return violates('401 with a challenge', answerText(exchange))
      const challenge = fieldOf(message, 'www-authenticate')
      if (message.head.status === 401 && challenge !== undefined && /^\s*basic\b/i.test(challenge))
        return conforms(`401, WWW-Authenticate: ${challenge}${guessed}`)
      if (message.head.status >= 500)
        return violates('401 with a Basic challenge', `${message.head.status}${guessed}`)
      return conforms(`${message.head.status} (not a 5xx)${guessed}`)
    },
  }),
]
