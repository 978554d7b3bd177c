import { defineCase } from '../../harness/engine/model/case.js'
import { conforms, violates } from '../../harness/engine/model/outcome.js'
import { seededBytes, type FtpCommand } from '../../harness/ftp/index.js'
import { ftpOf } from './ftp.js'
import { answerOf, clipped, getThrough } from './through.js'

/** pub/k.bin of the fixture tree (harness/ftp/fixtures.ts). */
const K_BIN = seededBytes(2, 0, 1024)

/** "EPSV, EPSV 1 ×3000, PASV": the commands in order, runs of the same line counted. */
function summary(commands: readonly FtpCommand[]): string {
  const runs: { line: string; n: number }[] = []
  for (const c of commands) {
    const line = `${c.verb} ${c.arg}`.trim()
    const last = runs.at(-1)
    if (last?.line === line) last.n += 1
    else runs.push({ line, n: 1 })
  }
  return runs.map((r) => (r.n === 1 ? r.line : `${r.line} ×${r.n}`)).join(', ')
}

/** How long one variant may take: the origin answers at once, so a working fallback takes milliseconds. */
const VARIANT_MS = 1200

/** Verbs that set up a data connection other than EPSV (RFC 2428 §4: refused after EPSV ALL). */
const OTHER_SETUP = new Set(['PASV', 'PORT', 'EPRT', 'LPRT', 'LPSV'])

export const passiveFallbackCases = [
  // Grades RFC 2428 §3 (a server that does not take EPSV answers 500 or 501
  // (502: not implemented), and 522 naming the protocols it supports; a 229
  // carries the port between three delimiters) with RFC 1579 (clients use
  // passive mode; Informational), as catalog row FTP-22 reads them for an
  // HTTP→FTP gateway: when EPSV is refused, or its 229 is unusable, the gateway
  // tries PASV, which this origin serves. Giving up there is a WARN (no
  // sentence binds the client to fall back); for the malformed 229 a 502 is an
  // accepted answer too (the row: "PASV or 502, not a crash"). The 522 names
  // protocol 1 and is the answer to every EPSV, "EPSV 1" included: the server
  // contradicts itself, so retrying EPSV cannot help and only PASV is left; a
  // gateway that keeps retrying EPSV never answers (squid 5.7 does, WARN).
  // Each variant gets VARIANT_MS: the origin answers at once.
  defineCase({
    id: 'falls-back-to-pasv-when-epsv-fails',
    title: 'EPSV refused (500, 501, 502, 522) or a malformed 229: the gateway falls back to PASV',
    requirements: ['FTP-22'],
    spec: [
      { rfc: 2428, section: '3' },
      { rfc: 1579, section: '1' },
      { rfc: 959, section: '4.1.2' },
    ],
    requirement:
      'on EPSV 500/501/502, or 522 with a protocol list, the gateway retries with PASV; a malformed 229 leads to PASV or 502; it does not give up where PASV would have worked',
    level: 'SHOULD',
    roles: ['ftp-gateway'],
    // Five variants of at most VARIANT_MS each.
    timeoutMs: 8000,
    async run(ctx) {
      const ftp = ftpOf(ctx)
      const target = ftp.requestTarget('/pub/k.bin') ?? ''
      const variants: readonly { reply: string; mayGiveUp: boolean }[] = [
        { reply: '500 EPSV not understood', mayGiveUp: false },
        { reply: '501 EPSV syntax error', mayGiveUp: false },
        { reply: '502 EPSV not implemented', mayGiveUp: false },
        { reply: '522 Network protocol not supported, use (1)', mayGiveUp: false },
        { reply: '229 Entering Extended Passive Mode (|||)', mayGiveUp: true },
      ]
      const gaveUp: string[] = []
      for (const variant of variants) {
        ftp.origin.script({ EPSV: variant.reply })
        const from = ftp.origin.commands.length
        const got = await getThrough(ctx, target, { timeoutMs: VARIANT_MS })
        const verbs = summary(
          ftp.origin.commands
            .slice(from)
            .filter((c) => ['EPSV', 'PASV', 'PORT', 'EPRT'].includes(c.verb)),
        )
        ctx.note(`EPSV → "${variant.reply}": ${verbs}; ${answerOf(got)}`)
        const { read } = got
        const completed =
          read.kind === 'response' &&
          read.message.head.status === 200 &&
          read.message.complete &&
          read.message.body.equals(K_BIN)
        const refused = read.kind === 'response' && read.message.head.status >= 500
        if (completed || (variant.mayGiveUp && refused)) continue
        gaveUp.push(`"${variant.reply}" → ${verbs || 'no passive command'}, ${answerOf(got)}`)
      }
      ctx.note(clipped(ftp.origin.transcript()))
      if (gaveUp.length > 0)
        return violates(
          'PASV tried and pub/k.bin served (200, its 1024 bytes) after each EPSV refusal',
          gaveUp.join('; '),
        )
      return conforms()
    },
  }),

  // Grades RFC 2428 §4 (a client that has sent EPSV ALL uses only EPSV to set
  // up data connections from then on: the server refuses PORT, PASV and EPRT
  // after it), a MUST the catalog derives for the gateway as client (FTP-22).
  // The origin takes EPSV ALL (200), refuses every plain EPSV (500) and, after
  // EPSV ALL, answers PASV/PORT/EPRT with 503; before it, PASV works. A gateway
  // that never sends EPSV ALL passes (the rule binds only after it) and is
  // noted; one that announces EPSV ALL must not fall back.
  defineCase({
    id: 'sends-only-epsv-after-epsv-all',
    title: 'After its own EPSV ALL the gateway sends no PASV, PORT or EPRT on that connection',
    requirements: ['FTP-22'],
    spec: [
      { rfc: 2428, section: '4' },
      { rfc: 2428, section: '3' },
    ],
    requirement:
      'after sending EPSV ALL, the gateway sets up data connections with EPSV only: no PASV, PORT or EPRT follows on that control connection',
    level: 'MUST',
    roles: ['ftp-gateway'],
    async run(ctx) {
      const ftp = ftpOf(ctx)
      const target = ftp.requestTarget('/pub/k.bin') ?? ''
      const epsvAll = new Set<string>()
      const afterAll = (c: { conn: string }) =>
        epsvAll.has(c.conn) ? '503 EPSV ALL in force: only EPSV' : undefined
      ftp.origin.script({
        EPSV: (c) => {
          if (c.arg.trim().toUpperCase() !== 'ALL') return '500 EPSV refused'
          epsvAll.add(c.conn)
          return '200 EPSV ALL ok'
        },
        PASV: afterAll,
        PORT: afterAll,
        EPRT: afterAll,
        other: { LPRT: afterAll, LPSV: afterAll },
      })
      const got = await getThrough(ctx, target, { timeoutMs: ftp.timeoutS * 1000 + 1000 })
      ctx.note(answerOf(got))
      ctx.note(clipped(ftp.origin.transcript()))
      const offending: FtpCommand[] = []
      for (const all of ftp.origin.commands.filter(
        (c) => c.verb === 'EPSV' && c.arg.trim().toUpperCase() === 'ALL',
      )) {
        offending.push(
          ...ftp.origin.commands.filter(
            (c) => c.conn === all.conn && c.index > all.index && OTHER_SETUP.has(c.verb),
          ),
        )
      }
      if (offending.length > 0)
        return violates(
          "only EPSV after the gateway's own EPSV ALL",
          offending.map((c) => `${c.verb} ${c.arg}`.trim() + ` on ${c.conn}`).join(', ') +
            ' after EPSV ALL',
        )
      if (epsvAll.size === 0) ctx.note('the gateway never sent EPSV ALL: nothing else to grade')
      return conforms()
    },
  }),
]
