// FTP-01: nothing the client controls becomes an extra FTP command.
//
// RFC 959 §4.1 ends every command at the Telnet end-of-line (CRLF) and §5.3.2
// lets an argument hold any ASCII character except CR and LF; RFC 1738 §3.2.2
// has the gateway percent-decode the URL's parts before use. So a decoded CR
// or LF can only reach the FTP server as the end of one command and the start
// of another: the gateway must refuse the request (400; 403 or 502 do too)
// before writing any command that would carry it. Judged from the FTP
// origin's byte-exact command log: a verb the gateway would not choose
// (DELE canaryN), a line ended by a bare LF, or a CR inside a line fails at
// MUST; a request that injected nothing but was not refused warns (the row's
// "400 expected" with no FAIL beside it). The harness sends bytes the RFCs
// forbid here, so a refusal with nothing sent to the origin always passes.
import type { CaseContext } from '../../harness/engine/model/case-context.js'
import { defineCase } from '../../harness/engine/model/case.js'
import {
  conforms,
  observed,
  unsupported,
  violates,
  type Outcome,
} from '../../harness/engine/model/outcome.js'
import { escapeBytes } from '../../harness/ftp/index.js'
import type { FieldLine } from '../../harness/wire/types.js'
import { isRefusal, statusLine } from '../support/request.js'
import { runVariants } from '../support/variants.js'
import { commandsSince, getOnce, injectedLine } from './gateway-exchange.js'
import { ftpOf } from './ftp.js'

const NOT_INJECTED =
  'no FTP command the gateway did not choose, every command line ending at its first CRLF'

/** One request on its own connection; what reached the origin and the client decides. */
async function injectionVariant(
  ctx: CaseContext,
  target: string,
  headers: readonly FieldLine[] = [['Connection', 'close']],
): Promise<Outcome> {
  const { origin } = ftpOf(ctx)
  const from = origin.commands.length
  const read = await getOnce(ctx, target, headers)
  // A gateway that went on talking FTP has quit (or been cut off) once the origin is idle.
  await origin.idle({ timeoutMs: Math.max(1, Math.min(1500, ctx.remainingMs() - 300)) })
  const commands = commandsSince(origin, from)
  const injected = injectedLine(commands)
  if (injected !== undefined) return violates(NOT_INJECTED, injected)
  const status = read.kind === 'response' ? statusLine(read.message) : `no response (${read.kind})`
  if (!isRefusal(read))
    return violates(
      'a refusal of the request (400 expected; 403 or 502 accepted)',
      `${status}, with ${commands.length} FTP commands and none injected`,
      'SHOULD',
    )
  return conforms(
    `${status}; ${commands.length === 0 ? 'nothing sent to the FTP origin' : `${commands.length} FTP commands, none injected`}`,
  )
}

/** The request-target for `path`, or for `reversePath` when the target maps only {ftp_base}. */
function targetFor(ctx: CaseContext, path: string, reversePath: string): string {
  const ftp = ftpOf(ctx)
  return ftp.requestTarget(path) ?? ftp.requestTarget(reversePath) ?? ''
}

function basic(credentials: string): FieldLine {
  return ['Authorization', `Basic ${Buffer.from(credentials, 'latin1').toString('base64')}`]
}

const SPEC = [
  { rfc: 959, section: '5.3.2' },
  { rfc: 959, section: '4.1' },
  { rfc: 1738, section: '3.2.2' },
] as const

export const injectionCases = [
  // Grades RFC 959 §5.3.2 (an argument is any ASCII character but CR and LF)
  // with §4.1 (a command ends at CRLF), for the parts of the URL path: a
  // directory segment (CWD), the file name (SIZE/MDTM/RETR), a bare LF and a
  // bare CR (servers differ on which ends a line, so either may split one).
  defineCase({
    id: 'refuses-cr-lf-in-the-url-path',
    title: 'A CR or LF decoded from the URL path never ends an FTP command early',
    requirements: ['FTP-01'],
    spec: SPEC,
    requirement:
      'a percent-decoded CR or LF in a path segment or the file name makes the gateway refuse the request before any command carrying it is written; one request never becomes extra FTP commands',
    level: 'MUST',
    roles: ['ftp-gateway'],
    timeoutMs: 6000,
    async run(ctx) {
      return runVariants(ctx, [
        [
          'CRLF in a directory segment',
          () =>
            injectionVariant(
              ctx,
              targetFor(ctx, '/pub%0D%0ADELE%20canary1/f.bin', '/pub/d%0D%0ADELE%20canary1/f.bin'),
            ),
        ],
        [
          'CRLF in the file name',
          () =>
            injectionVariant(ctx, targetFor(ctx, '/pub/f.bin%0D%0ADELE%20canary2', '/pub/f.bin')),
        ],
        [
          'a bare LF in the file name',
          () => injectionVariant(ctx, targetFor(ctx, '/pub/f.bin%0ADELE%20canary3', '/pub/f.bin')),
        ],
        [
          'a bare CR in the file name',
          () => injectionVariant(ctx, targetFor(ctx, '/pub/f%0D.bin', '/pub/f.bin')),
        ],
      ])
    },
  }),

  // Grades the same sentences (RFC 959 §5.3.2, §4.1) for what becomes USER,
  // PASS and TYPE: the URL's userinfo (RFC 1738 §3.2.1, decoded), the
  // typecode (§3.2.2), and a decoded Authorization: Basic credential (Apache
  // CVE-2009-3095 let commands through there, catalog [F2]).
  defineCase({
    id: 'refuses-cr-lf-in-credentials-and-typecode',
    title:
      'A CR or LF in the userinfo, the typecode or Basic credentials never becomes an FTP command',
    requirements: ['FTP-01'],
    spec: [...SPEC, { rfc: 1738, section: '3.2.1' }],
    requirement:
      'a percent-decoded CR or LF in the userinfo or the typecode, or a decoded Basic credential with CR LF, makes the gateway refuse the request before USER, PASS or TYPE could carry it',
    level: 'MUST',
    roles: ['ftp-gateway'],
    timeoutMs: 6000,
    async run(ctx) {
      const ftp = ftpOf(ctx)
      return runVariants(ctx, [
        [
          'CRLF in the URL user',
          () =>
            ftp.mode === 'forward'
              ? injectionVariant(
                  ctx,
                  `ftp://u%0D%0ADELE%20canary4:pw@${ftp.origin.authority}/pub/f.bin`,
                )
              : Promise.resolve(
                  unsupported('a reverse mapping takes no userinfo from the client (FG/f only)'),
                ),
        ],
        [
          'CRLF in the typecode',
          () =>
            injectionVariant(
              ctx,
              targetFor(ctx, '/pub/f.bin;type=i%0D%0ADELE%20canary5', '/pub/f.bin'),
            ),
        ],
        [
          'CRLF in the Basic password',
          () =>
            injectionVariant(ctx, targetFor(ctx, '/pub/f.bin', '/pub/f.bin'), [
              basic('u:pw\r\nDELE canary6'),
              ['Connection', 'close'],
            ]),
        ],
      ])
    },
  }),

  // Grades RFC 959 §5.3.2 with RFC 1738 §3.2.2 for a decoded NUL (%00): NUL
  // is an ASCII character an argument may carry, so the gateway may send it
  // intact or refuse the request, but it must never end the name there (a C
  // string would): asking for "f" when the URL named "f%00.bin" retrieves an
  // object the client did not name (squid's ftpTrySlashHack notes this, [F1]).
  // Dropping the NUL ("f.bin") names another object too: that warns.
  defineCase({
    id: 'never-cuts-a-name-at-nul',
    title: 'A decoded NUL is refused or sent intact, never used to cut the name short',
    requirements: ['FTP-01'],
    spec: [
      { rfc: 959, section: '5.3.2' },
      { rfc: 1738, section: '3.2.2' },
    ],
    requirement:
      'a percent-decoded NUL in the file name is refused (4xx) or sent as part of the name; the FTP server is never asked for the name cut at the NUL',
    level: 'MUST',
    roles: ['ftp-gateway'],
    async run(ctx) {
      const { origin } = ftpOf(ctx)
      const read = await getOnce(ctx, targetFor(ctx, '/pub/f%00.bin', '/pub/f.bin'))
      await origin.idle({ timeoutMs: Math.max(1, Math.min(1500, ctx.remainingMs() - 300)) })
      const status =
        read.kind === 'response' ? statusLine(read.message) : `no response (${read.kind})`
      const named = origin.commands
        .filter((c) =>
          ['CWD', 'SIZE', 'MDTM', 'RETR', 'LIST', 'NLST', 'STAT', 'MLSD'].includes(c.verb),
        )
        .map((c) => ({ verb: c.verb, name: c.arg.slice(c.arg.lastIndexOf('/') + 1) }))
      const cut = named.find((n) => n.name === 'f')
      if (cut !== undefined)
        return violates(
          'the name "f\\0.bin" sent intact, or the request refused',
          `${cut.verb} f: the name was cut at the NUL (${status})`,
        )
      const altered = named.find((n) => n.name === 'f.bin')
      if (altered !== undefined)
        return violates(
          'the name "f\\0.bin" sent intact, or the request refused',
          `${altered.verb} f.bin: the NUL was dropped, naming another object (${status})`,
          'SHOULD',
        )
      const intact = named.find((n) => n.name === 'f\0.bin')
      if (intact !== undefined)
        return conforms(
          `sent intact: "${escapeBytes(Buffer.from(`${intact.verb} ${intact.name}`, 'latin1'))}"; ${status}`,
        )
      // Anything else (e.g. the name sent still percent-encoded, "f%00.bin") cut nothing; decoding is FTP-16's.
      const other = named.find((n) => n.name.startsWith('f'))
      if (other !== undefined)
        return conforms(
          `no cut: ${other.verb} "${escapeBytes(Buffer.from(other.name, 'latin1'))}"; ${status}`,
        )
      if (isRefusal(read)) return conforms(`refused: ${status}, the name never sent`)
      return observed(`${status}; the FTP origin was never asked for the name`)
    },
  }),
]
