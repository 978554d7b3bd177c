import type { CaseContext } from '../../harness/engine/model/case-context.js'
import { defineCase } from '../../harness/engine/model/case.js'
import { conforms, violates } from '../../harness/engine/model/outcome.js'
import { isTimeout } from '../../harness/net/deadline.js'
import type { FtpScript } from '../../harness/ftp/index.js'
import { ftpOf } from './ftp.js'
import { described, oneRequest, type OneRequest } from './one-request.js'

/** The row's bound: nothing of a finished exchange stays open at the FTP server longer than this. */
const OPEN_AFTER_MS = 5000
/** The row's bound for an abandoned download to stop flowing. */
const FLOWING_AFTER_MS = 2000

interface Transaction {
  readonly name: string
  readonly script: FtpScript
  readonly request: (ctx: CaseContext) => OneRequest
}

const target = (ctx: CaseContext, path: string): string => ftpOf(ctx).requestTarget(path) ?? ''

const TRANSACTIONS: readonly Transaction[] = [
  { name: 'success', script: {}, request: (ctx) => ({ target: target(ctx, '/pub/k.bin') }) },
  { name: '550', script: {}, request: (ctx) => ({ target: target(ctx, '/pub/missing.bin') }) },
  {
    name: '530',
    script: { PASS: '530 Login incorrect.' },
    request: (ctx) => ({ target: target(ctx, '/pub/k.bin') }),
  },
  {
    name: 'HEAD',
    script: {},
    request: (ctx) => ({ method: 'HEAD', target: target(ctx, '/pub/k.bin') }),
  },
  { name: 'listing', script: {}, request: (ctx) => ({ target: target(ctx, '/pub/d/') }) },
  {
    name: 'Range',
    script: {},
    request: (ctx) => ({
      target: target(ctx, '/pub/k.bin'),
      headers: [['Range', 'bytes=100-199']],
    }),
  },
]

export const teardownCases = [
  // Grades RFC 959 §4.1.1 (QUIT ends the session; the server closes the
  // control connection) and §3.2 (data connections are closed when a
  // transfer ends) as catalog row FTP-26 reads them for a gateway: a
  // Semantic row, WARN when a control or data connection of a finished HTTP
  // exchange is still open at the FTP server 5 s after it, INFO whether QUIT
  // was sent. The bound is measured from the end of each exchange, all
  // connections checked against one shared deadline.
  defineCase({
    id: 'leaves-no-ftp-connection-open',
    title:
      'After each exchange the gateway sends QUIT and leaves no control or data connection open',
    requirements: ['FTP-26'],
    spec: [
      { rfc: 959, section: '4.1.1' },
      { rfc: 959, section: '3.2' },
    ],
    requirement:
      'after each transaction (success, 550, 530, HEAD, listing, Range) no control or data connection stays open at the FTP server more than 5 s',
    level: 'SHOULD',
    roles: ['ftp-gateway'],
    timeoutMs: 9000,
    async run(ctx) {
      const { origin } = ftpOf(ctx)
      const ends: { name: string; from: number; to: number; at: number }[] = []
      const notes: string[] = []
      for (const t of TRANSACTIONS) {
        origin.script(t.script)
        const from = origin.controls.length
        const got = await oneRequest(ctx, t.request(ctx))
        ends.push({ name: t.name, from, to: origin.controls.length, at: performance.now() })
        notes.push(`${t.name}: ${described(got)}`)
      }
      const open: string[] = []
      for (const end of ends) {
        const controls = origin.controls.slice(end.from, end.to)
        for (const control of controls) {
          const left = Math.max(1, end.at + OPEN_AFTER_MS - performance.now())
          const closed = await origin.waitForControlClose(control.id, {
            timeoutMs: Math.min(left, ctx.remainingMs()),
          })
          const quit = origin.commandsOf('QUIT', control.id).length > 0
          notes.push(
            `${end.name}: control ${control.id} ${isTimeout(closed) ? 'still open' : `closed by ${closed.endedBy ?? '?'} ${Math.round((closed.closedAt ?? 0) - end.at)} ms after the exchange`}, ${quit ? 'QUIT sent' : 'no QUIT'}`,
          )
          if (isTimeout(closed)) open.push(`${end.name}: control connection ${control.id}`)
          for (const data of origin.dataConnections.filter((d) => d.conn === control.id)) {
            const rest = Math.max(1, end.at + OPEN_AFTER_MS - performance.now())
            const done = await origin.waitForDataClosed(data.id, {
              timeoutMs: Math.min(rest, ctx.remainingMs()),
            })
            if (isTimeout(done)) open.push(`${end.name}: data connection ${data.id}`)
          }
        }
      }
      ctx.note(notes.join('\n'))
      if (open.length > 0) {
        ctx.note(origin.transcript())
        return violates(
          `no FTP connection open ${OPEN_AFTER_MS / 1000} s after its exchange`,
          `still open: ${open.join('; ')}`,
          'SHOULD',
        )
      }
      return conforms()
    },
  }),

  // Grades RFC 959 §4.1.1 (a transfer the user side no longer wants is
  // ended: ABOR, or closing the data connection) as catalog row FTP-26 reads
  // it: when the HTTP client goes away mid-download the gateway stops the
  // transfer; WARN if pub/big.bin (100 MiB) still flows at the FTP server 2 s
  // after the client left, or its control connection is still open 5 s after.
  defineCase({
    id: 'stops-an-abandoned-download',
    title: 'A download the client abandons stops flowing at the FTP server within 2 s',
    requirements: ['FTP-26'],
    spec: [
      { rfc: 959, section: '4.1.1' },
      { rfc: 959, section: '3.2' },
    ],
    requirement:
      'when the client abandons a download after 1 MiB, the data connection stops within 2 s and the control connection is gone within 5 s',
    level: 'SHOULD',
    roles: ['ftp-gateway'],
    timeoutMs: 8000,
    async run(ctx) {
      const ftp = ftpOf(ctx)
      const client = await ctx.connect()
      await client.write(
        `GET ${ftp.requestTarget('/pub/big.bin') ?? ''} HTTP/1.1\r\nHost: ${ftp.host}\r\nConnection: close\r\n\r\n`,
      )
      const read = await client.readBytes(1024 * 1024, {
        timeoutMs: Math.min(4000, ctx.remainingMs()),
      })
      client.destroy()
      const leftAt = performance.now()
      if (read.data.length < 1024 * 1024)
        return violates(
          '1 MiB of pub/big.bin',
          `${read.data.length} bytes, then ${read.ended ?? 'nothing'}`,
          'SHOULD',
        )
      const retr = ftp.origin.commandsOf('RETR').at(-1)
      const data = ftp.origin.dataConnections.filter((d) => d.conn === retr?.conn).at(-1)
      if (retr === undefined || data === undefined)
        return violates(
          'a RETR of pub/big.bin with its data connection',
          'none at the origin',
          'SHOULD',
        )
      const problems: string[] = []
      const stopped = await ftp.origin.waitForDataClosed(data.id, {
        timeoutMs: Math.min(FLOWING_AFTER_MS, ctx.remainingMs()),
      })
      const sentThen = ftp.origin.dataConnections.find((d) => d.id === data.id)?.sent ?? 0
      if (isTimeout(stopped))
        problems.push(
          `data connection ${data.id} still open 2 s after the client left (${sentThen} bytes sent)`,
        )
      else
        ctx.note(
          `data connection ${data.id} closed ${Math.round((ftp.origin.dataConnections.find((d) => d.id === data.id)?.closedAt ?? 0) - leftAt)} ms after the client left, ${sentThen} of 104857600 bytes sent`,
        )
      const controlClosed = await ftp.origin.waitForControlClose(retr.conn, {
        timeoutMs: Math.max(
          1,
          Math.min(leftAt + OPEN_AFTER_MS - performance.now(), ctx.remainingMs()),
        ),
      })
      if (isTimeout(controlClosed))
        problems.push(`control connection ${retr.conn} still open 5 s after the client left`)
      const abor = ftp.origin.commandsOf('ABOR', retr.conn).length > 0
      const quit = ftp.origin.commandsOf('QUIT', retr.conn).length > 0
      ctx.note(`${abor ? 'ABOR' : 'no ABOR'}, ${quit ? 'QUIT' : 'no QUIT'} on ${retr.conn}`)
      if (problems.length > 0) {
        ctx.note(ftp.origin.transcript())
        return violates(
          'the abandoned transfer stopped (data within 2 s, control within 5 s)',
          problems.join('; '),
          'SHOULD',
        )
      }
      return conforms()
    },
  }),
]
