import { defineCase } from '../../harness/engine/model/case.js'
import { conforms, observed, violates } from '../../harness/engine/model/outcome.js'
import type { FtpCommand } from '../../harness/ftp/index.js'
import { runVariants } from '../support/variants.js'
import { answerText, ftpGet, messageOf, planText, printable } from './ftp-get.js'
import { ftpOf } from './ftp.js'

/** Commands whose argument names a file or directory (not the login, not TYPE). */
const NAMING = new Set([
  'CWD',
  'RETR',
  'SIZE',
  'MDTM',
  'LIST',
  'NLST',
  'STAT',
  'MLST',
  'MLSD',
  'REST',
])

function namingArgs(commands: readonly FtpCommand[]): readonly string[] {
  return commands.filter((c) => NAMING.has(c.verb)).map((c) => c.arg)
}

/** What a URL path must (not) become at the origin. */
interface PathRule {
  readonly path: string
  /** Percent-escapes that must not reach the origin (still encoded). */
  readonly encoded?: readonly string[]
  /** Texts a second decoding would give (`%2541` → `A`). */
  readonly doubleDecoded?: readonly string[]
  /** Text that must not reach the origin at all (the typecode). */
  readonly never?: readonly string[]
  /** A decoded segment holding "/", which must stay one argument, not CWD per part. */
  readonly whole?: string
}

/** Whether CWD `parts[0]`, CWD `parts[1]`… came in a row: the segment was split. */
function splitInto(commands: readonly FtpCommand[], parts: readonly string[]): boolean {
  const cwds = commands.filter((c) => c.verb === 'CWD').map((c) => c.arg)
  return cwds.some((_, i) => parts.every((part, k) => cwds[i + k] === part))
}

/**
 * One path through the gateway, judged by the commands it caused: a FAIL for a
 * name still encoded, decoded twice, carrying the typecode, or split at an
 * encoded "/"; else the plan, noted (INFO).
 */
function pathVariant(ctx: Parameters<typeof ftpOf>[0], rule: PathRule) {
  return async () => {
    const { origin } = ftpOf(ctx)
    const exchange = await ftpGet(ctx, `ftp://${origin.authority}${rule.path}`)
    const args = namingArgs(exchange.commands)
    const plan = `${planText(exchange.commands)} → ${answerText(exchange)}`
    for (const escape of rule.encoded ?? []) {
      const hit = args.find((a) => a.toUpperCase().includes(escape))
      if (hit !== undefined)
        return violates(
          `names decoded once (no "${escape}" left)`,
          `"${printable(hit)}" reached the origin: ${plan}`,
        )
    }
    for (const twice of rule.doubleDecoded ?? []) {
      const hit = args.find((a) => a.endsWith(twice))
      if (hit !== undefined)
        return violates(
          'names decoded once',
          `"${printable(hit)}" (decoded twice) reached the origin: ${plan}`,
        )
    }
    for (const text of rule.never ?? []) {
      const hit = args.find((a) => a.includes(text))
      if (hit !== undefined)
        return violates(
          `"${text}" removed from the name`,
          `"${printable(hit)}" reached the origin: ${plan}`,
        )
    }
    if (rule.whole !== undefined) {
      const whole = rule.whole
      const parts = whole.split('/').filter((p) => p !== '')
      // "CWD /" then "CWD pub" keeps the meaning of a leading %2F (absolute): the "/%2f hack", INFO.
      const rooted = whole.startsWith('/') && splitInto(exchange.commands, ['/', ...parts])
      if (!rooted && !args.some((a) => a.includes(whole)) && splitInto(exchange.commands, parts))
        return violates(
          `"${whole}" kept as one argument (CWD ${whole})`,
          `split into ${parts.map((p) => `CWD ${p}`).join(', ')}: ${plan}`,
        )
    }
    return conforms(plan)
  }
}

export const urlMappingCases = [
  // Grades RFC 1738 §3.2.2 ("the components are decoded prior to their use in
  // the FTP protocol"; the typecode is not part of <name>): decoding exactly
  // once is what the catalog row FTP-16 derives a MUST for, since a name
  // still encoded or decoded twice asks the server for another file
  // (`%2541.bin` is the file "%41.bin", never "A.bin"). The rest of the plan
  // (one RETR of a full path, the "/%2f" retry) is noted, INFO.
  defineCase({
    id: 'decodes-each-path-segment-once',
    title: 'Each URL path segment reaches the FTP origin percent-decoded exactly once',
    requirements: ['FTP-16'],
    spec: [{ rfc: 1738, section: '3.2.2' }],
    requirement:
      'the gateway percent-decodes every path component once before using it in CWD or RETR, and removes ;type= from the name',
    level: 'MUST',
    roles: ['ftp-gateway'],
    // FG/f only: the command plan of a whole ftp:// URL path.
    ftpMode: 'forward',
    timeoutMs: 6000,
    async run(ctx) {
      const rules: PathRule[] = [
        { path: '/pub/a%20b.txt', encoded: ['%20'] },
        { path: '/pub/d%3Bx/f.bin', encoded: ['%3B'] },
        { path: '/p%C3%BCb/f.bin', encoded: ['%C3', '%BC'] },
        { path: '/pub/%2541.bin', encoded: ['%25'], doubleDecoded: ['A.bin'] },
        { path: '/pub/t.txt;type=a', never: [';type=', ';TYPE='] },
      ]
      return runVariants(
        ctx,
        rules.map((rule) => [rule.path, pathVariant(ctx, rule)] as const),
      )
    },
  }),

  // Grades RFC 1738 §3.2.2 ("within a name or CWD component, the characters
  // "/" and ";" are reserved and must be encoded"; a component that holds an
  // encoded "/" is one CWD argument, `%2Fetc` is "CWD /etc"): splitting at an
  // encoded slash turns one component into two and walks somewhere else. FAIL
  // on a split (or a "%2F" left in): `a%2Fb` as CWD a, CWD b, or `%2Fpub` as
  // a relative CWD pub, which RFC 1738 says has a different meaning. "CWD /"
  // then "CWD pub" keeps the absolute meaning (Apache's plan) and is INFO, as
  // is the plan of `//pub` (an empty CWD or none), `/pub/../pub` and the
  // plain path.
  defineCase({
    id: 'keeps-an-encoded-slash-in-its-segment',
    title: 'An encoded "/" stays inside its path segment: one CWD, not two',
    requirements: ['FTP-16'],
    spec: [{ rfc: 1738, section: '3.2.2' }],
    requirement:
      'the gateway sends one CWD per path component; a component with an encoded "/" is one argument (a/b, /pub), never split',
    level: 'MUST',
    roles: ['ftp-gateway'],
    // FG/f only: the command plan of a whole ftp:// URL path.
    ftpMode: 'forward',
    timeoutMs: 6000,
    async run(ctx) {
      const rules: PathRule[] = [
        { path: '/pub/a%2Fb/f.bin', encoded: ['%2F'], whole: 'a/b' },
        { path: '/%2Fpub/f.bin', encoded: ['%2F'], whole: '/pub' },
        { path: '/pub/f.bin' },
        { path: '//pub/f.bin' },
        { path: '/pub/../pub/f.bin' },
      ]
      return runVariants(
        ctx,
        rules.map((rule) => [rule.path, pathVariant(ctx, rule)] as const),
      )
    },
  }),

  // Grades RFC 1738 §3.2.2 (;type=d lists, otherwise "TYPE <typecode>" then
  // RETR) and §3.2.3: the catalog rates the row semantic, INFO. A deviation
  // is reported (never counted); an unknown typecode may be refused (400) or
  // ignored, and which is noted.
  defineCase({
    id: 'typecode-selects-the-transfer',
    title: ';type=a sends TYPE A, ;type=i TYPE I, ;type=d lists; an unknown typecode is noted',
    requirements: ['FTP-17'],
    spec: [
      { rfc: 1738, section: '3.2.2' },
      { rfc: 1738, section: '3.2.3' },
    ],
    requirement:
      'the gateway sends TYPE A for ;type=a and TYPE I for ;type=i before RETR, lists for ;type=d, and refuses (400) or ignores an unknown typecode',
    level: 'INFO',
    roles: ['ftp-gateway'],
    timeoutMs: 5000,
    async run(ctx) {
      const ftp = ftpOf(ctx)
      const transfer = (path: string, type: 'A' | 'I') => async () => {
        const exchange = await ftpGet(ctx, ftp.requestTarget(path) ?? '')
        const retr = exchange.commands.find((c) => c.verb === 'RETR')
        if (retr === undefined) return observed(`no RETR: ${answerText(exchange)}`)
        const used = typeAt(exchange.commands, retr)
        if (used !== type) return violates(`TYPE ${type} before RETR`, `TYPE ${used} in force`)
        return conforms(`TYPE ${used}, ${answerText(exchange)}`)
      }
      const listing = async () => {
        const exchange = await ftpGet(ctx, ftp.requestTarget('/pub/d;type=d') ?? '')
        const verbs = exchange.commands.map((c) => c.verb)
        const list = verbs.find((v) => v === 'LIST' || v === 'NLST' || v === 'MLSD')
        if (list === undefined)
          return violates(
            'a listing command (NLST, LIST)',
            `${planText(exchange.commands)} → ${answerText(exchange)}`,
          )
        return conforms(`${list}, ${answerText(exchange)}`)
      }
      const unknown = async () => {
        const exchange = await ftpGet(ctx, ftp.requestTarget('/pub/t.txt;type=x') ?? '')
        const status = messageOf(exchange)?.head.status
        const sent = namingArgs(exchange.commands)
        return observed(
          status === 400
            ? `400, ${sent.length === 0 ? 'nothing' : planText(exchange.commands)} sent`
            : `${answerText(exchange)} (ignored or refused otherwise): ${planText(exchange.commands)}`,
        )
      }
      return runVariants(ctx, [
        [';type=a', transfer('/pub/t.txt;type=a', 'A')],
        [';type=i', transfer('/pub/t.txt;type=i', 'I')],
        [';type=d', listing],
        [';type=x', unknown],
      ])
    },
  }),
]

/** The TYPE in force when `at` was sent on its connection: the last TYPE before it, else A (RFC 959 §3.1.1.1 default). */
function typeAt(commands: readonly FtpCommand[], at: FtpCommand): string {
  const types = commands.filter(
    (c) => c.conn === at.conn && c.verb === 'TYPE' && c.index < at.index,
  )
  const last = types[types.length - 1]?.arg.trim().toUpperCase() ?? 'A'
  return last.startsWith('I') || last === 'L 8' ? 'I' : 'A'
}
