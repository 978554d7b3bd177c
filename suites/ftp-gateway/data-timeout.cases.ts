import { defineCase } from '../../harness/engine/model/case.js'
import { conforms, unsupported, violates } from '../../harness/engine/model/outcome.js'
import type { TransferScript } from '../../harness/ftp/index.js'
import { isTimeout } from '../../harness/net/deadline.js'
import { ftpOf } from './ftp.js'
import { answerOf, clipped, getThrough, type ThroughGateway } from './through.js'

/** The row's bound on top of {ftp_timeout}: an end within {ftp_timeout} + 5 s (catalog FTP-21). */
const SLACK_MS = 5000

/** The four stalls of FTP-21, each on a file of its own so they run side by side on one origin. */
const STALLS: readonly {
  readonly label: string
  readonly file: string
  readonly retr: TransferScript | null
  /** Whether body bytes were sent before the stall (then an incomplete response is the answer). */
  readonly started: boolean
}[] = [
  {
    label: '(a) 150, the data connection never taken',
    file: 'k.bin',
    retr: { accept: 'never' },
    started: false,
  },
  {
    label: '(b) the data connection taken, silent',
    file: 'noext',
    retr: { accept: 'silent' },
    started: false,
  },
  {
    label: '(c) 10 KiB, then the data connection stalls',
    file: 'f.bin',
    retr: { cutAfter: 10 * 1024, cut: 'stall', then: null },
    started: true,
  },
  { label: '(d) RETR never answered', file: 'a.tar.gz', retr: null, started: false },
]

/** What is wrong with the client's answer to a stall, or undefined when it is a right one. */
function answerProblem(got: ThroughGateway, started: boolean): string | undefined {
  const { read } = got
  if (read.kind === 'timeout') return `still waiting: ${answerOf(got)}`
  if (read.kind !== 'response') return undefined
  const m = read.message
  if (m.head.status === 200 && m.complete) return `a complete-looking response: ${answerOf(got)}`
  if (!started && m.head.status < 500 && m.complete)
    return `${answerOf(got)}, not a 5xx (504/502 expected)`
  return undefined
}

export const dataTimeoutCases = [
  // Grades RFC 959 §5.4 (a transfer command gets 125/150, then 226/250 or
  // 425/426/451) with RFC 9110 §15.6.5 (504: an upstream server did not answer
  // in time) and RFC 9112 §8 (an incomplete message is not complete), as
  // catalog row FTP-21 reads them for an HTTP→FTP gateway, MUST for "no hang
  // past the configured timeout": when the data connection cannot be used,
  // stays silent or stalls, or RETR is never answered, the gateway gives up
  // within its {ftp_timeout} — 504 (or 502) if no byte was sent, otherwise an
  // incomplete response — and sends ABOR or QUIT or closes the control
  // connection, releasing the origin's sockets. Bound: {ftp_timeout} + 5 s for
  // both (the row's FAIL at +30 s is cut to the PASS bound here, to keep the
  // case short). INFO: the status code. Completeness itself is FTP-03.
  defineCase({
    id: 'gives-up-on-a-silent-data-channel',
    title:
      'A data channel that never opens, stays silent or stalls: the gateway gives up within {ftp_timeout}',
    requirements: ['FTP-21'],
    spec: [
      { rfc: 959, section: '5.4' },
      { rfc: 9110, section: '15.6.5' },
      { rfc: 9112, section: '8' },
    ],
    requirement:
      'a stalled or silent data channel, or an unanswered RETR, ends within the configured FTP timeout: 504/502 if nothing was sent, otherwise an incomplete response; the origin sees ABOR, QUIT or a close, and every socket released',
    level: 'MUST',
    roles: ['ftp-gateway'],
    // {ftp_timeout} (5 s by default) + 5 s + setup: a conforming gateway ends after ~{ftp_timeout}.
    timeoutMs: 11_000,
    async run(ctx) {
      const ftp = ftpOf(ctx)
      const bound = ftp.timeoutS * 1000 + SLACK_MS
      if (bound > ctx.remainingMs() - 500)
        return unsupported(
          `--ftp-timeout ${ftp.timeoutS} s: the bound ${bound} ms exceeds this case's deadline (it allows --ftp-timeout up to 5 s)`,
        )
      const byFile = new Map(STALLS.map((s) => [s.file, s]))
      ftp.origin.script({
        RETR: (c) => {
          const stall = byFile.get(c.arg.split('/').pop() ?? '')
          return stall === undefined ? undefined : stall.retr
        },
      })
      const startedAt = performance.now()
      const answers = await Promise.all(
        STALLS.map((s) =>
          getThrough(ctx, ftp.requestTarget(`/pub/${s.file}`) ?? '', { timeoutMs: bound }),
        ),
      )
      const problems: string[] = []
      for (const [i, stall] of STALLS.entries()) {
        const got = answers[i]
        if (got === undefined) continue
        const problem = answerProblem(got, stall.started)
        ctx.note(`${stall.label}: ${answerOf(got)}`)
        if (problem !== undefined) problems.push(`${stall.label}: ${problem}`)
        // The origin's side: the control connection that asked for this file.
        const retr = ftp.origin.commands.find(
          (c) => c.verb === 'RETR' && c.arg.split('/').pop() === stall.file,
        )
        if (retr === undefined) {
          ctx.note(`${stall.label}: no RETR reached the origin (the stall was never met)`)
          continue
        }
        const left = Math.max(0, bound - (performance.now() - startedAt))
        // ABOR or QUIT, or the control connection closed: whichever comes first.
        const ended = await Promise.race([
          ftp.origin.waitForCommand(
            (c) =>
              c.conn === retr.conn &&
              c.index > retr.index &&
              (c.verb === 'ABOR' || c.verb === 'QUIT'),
            { timeoutMs: left },
          ),
          ftp.origin.waitForControlClose(retr.conn, { timeoutMs: left }),
        ])
        const said = ftp.origin.commands
          .filter((c) => c.conn === retr.conn && c.index > retr.index)
          .map((c) => c.verb)
        // A connection the origin never takes (a) is never read, so it cannot see the
        // gateway's FIN there: only the data connections it took are checked.
        const dataIds =
          stall.retr !== null && stall.retr.accept === 'never'
            ? []
            : ftp.origin.dataConnections.filter((d) => d.conn === retr.conn).map((d) => d.id)
        const dataOpen: string[] = []
        for (const id of dataIds) {
          const done = await ftp.origin.waitForDataClosed(id, {
            timeoutMs: Math.max(0, bound - (performance.now() - startedAt)),
          })
          if (isTimeout(done)) dataOpen.push(id)
        }
        const closed = ftp.origin.controls.find((c) => c.id === retr.conn)?.closedAt !== undefined
        const gaveUp = !isTimeout(ended)
        if (!gaveUp || dataOpen.length > 0)
          problems.push(
            `${stall.label}: within ${bound} ms the origin saw ${said.join(', ') || 'no command'} on ${retr.conn}, ${closed ? 'a close' : 'no close'}${dataOpen.length > 0 ? `, data connection ${dataOpen.join(', ')} still open` : ''}`,
          )
      }
      ctx.note(clipped(ftp.origin.transcript()))
      if (problems.length > 0)
        return violates(
          `an end within ${bound} ms ({ftp_timeout} + 5 s): 504/502 or an incomplete response, and the origin's sockets released`,
          problems.join('; '),
        )
      return conforms()
    },
  }),
]
