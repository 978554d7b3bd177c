import { defineCase } from '../../harness/engine/model/case.js'
import { conforms, violates } from '../../harness/engine/model/outcome.js'
import { startFtpOrigin, type FtpOrigin } from '../../harness/ftp/index.js'
import { ftpOf } from './ftp.js'
import { answerOf, clipped, getThrough } from './through.js'

/** An FTP origin on ::1 for the IPv6-literal request, or why there is none. */
async function originOnIpv6(): Promise<FtpOrigin | string> {
  try {
    return await startFtpOrigin({ host: '::1' })
  } catch (error) {
    return error instanceof Error ? error.message : String(error)
  }
}

export const destinationCases = [
  // Grades RFC 9112 §3.2.2 (with an absolute-form request-target the Host
  // field is ignored: the target's authority says where the request goes), RFC
  // 3986 §3.2 (the authority is userinfo "@" host ":" port; an "@" inside the
  // userinfo is percent-encoded and stays part of it) and RFC 1738 §3.2 (the
  // ftp URL names the server's host and port), which catalog row FTP-28 makes
  // a MUST for an HTTP→FTP gateway in forward mode: it connects to exactly the
  // host and port of the ftp:// URI. Three requests: an encoded "@" in the
  // userinfo; a Host field naming X (127.0.0.3, at its real port, so a gateway
  // that follows Host is seen there); an IPv6 literal with a second origin on
  // ::1. Each must reach the listener its URI names and X none: reaching any
  // other listener is a FAIL, and so is not reaching the origin when only the
  // Host field differs (RFC 9112 §3.2.2: a proxy MUST ignore that Host field);
  // refusing the encoded "@" (the form RFC 1738 §3.2.1 requires for an "@" in
  // a user name) or the IPv6 literal, reaching nobody, is a WARN: a valid URI
  // not served, but no connection anywhere else. Left out: the
  // row's denied-host part (a request for X that the target's deny rule must
  // stop) — no target declares a deny rule to the harness, so it is not graded
  // (the squid and Apache configs do deny {x_ip}). Also left out: the
  // default-port case (port 21 needs a harness-made network namespace).
  defineCase({
    id: 'connects-to-the-uri-authority',
    title:
      'The gateway connects to the host and port of the ftp:// URI, whatever the userinfo or Host field say',
    requirements: ['FTP-28'],
    spec: [
      { rfc: 9112, section: '3.2.2' },
      { rfc: 3986, section: '3.2' },
      { rfc: 1738, section: '3.2' },
    ],
    requirement:
      'the gateway connects to exactly the host and port of the ftp:// URI: an encoded "@" in the userinfo, a conflicting Host header or an IPv6 literal does not change where it goes',
    level: 'MUST',
    roles: ['ftp-gateway'],
    // FG/f only: in reverse mode the mapping, not the request, names the FTP server.
    ftpMode: 'forward',
    async run(ctx) {
      const ftp = ftpOf(ctx)
      const x = ftp.thirdParty
      const origin = ftp.origin
      const v6 = await originOnIpv6()
      try {
        const requests: {
          name: string
          target: string
          host: string
          named: FtpOrigin
          /** Not reaching `named` is a MUST failure (else a refusal of a valid URI: WARN). */
          mustReach: boolean
        }[] = [
          {
            name: 'an encoded "@" in the userinfo',
            target: `ftp://a.test%40b.test@${origin.authority}/pub/k.bin`,
            host: origin.authority,
            named: origin,
            mustReach: false,
          },
          {
            name: `a Host field naming X (${x.authority})`,
            target: `ftp://${origin.authority}/pub/k.bin`,
            host: x.authority,
            named: origin,
            mustReach: true,
          },
        ]
        if (typeof v6 === 'string') ctx.note(`the IPv6-literal request is left out: ${v6}`)
        else
          requests.push({
            name: 'an IPv6 literal',
            target: `ftp://${v6.authority}/pub/k.bin`,
            host: v6.authority,
            named: v6,
            mustReach: false,
          })
        const wrong: string[] = []
        const refused: string[] = []
        for (const request of requests) {
          const listeners = [origin, ...(typeof v6 === 'string' ? [] : [v6])]
          const before = new Map(listeners.map((l) => [l, l.controls.length]))
          const atXBefore = x.connections.filter((c) => c.direction === 'in').length
          const got = await getThrough(ctx, request.target, {
            host: request.host,
            timeoutMs: ftp.timeoutS * 1000 + 1000,
          })
          const reached = listeners.filter((l) => l.controls.length > (before.get(l) ?? 0))
          const atX = x.connections.filter((c) => c.direction === 'in').length - atXBefore
          const users = request.named.commandsOf('USER').map((c) => c.arg)
          ctx.note(
            `${request.name}: GET ${request.target} (Host: ${request.host}): ${answerOf(got)}; reached ${reached.map((l) => l.authority).join(', ') || 'no FTP origin'}${atX > 0 ? `, X (${atX} connection(s))` : ''}; USER ${users.at(-1) ?? '(none)'}`,
          )
          if (atX > 0) wrong.push(`${request.name}: X got ${atX} connection(s)`)
          for (const l of reached)
            if (l !== request.named) wrong.push(`${request.name}: ${l.authority} was reached`)
          if (!reached.includes(request.named))
            (request.mustReach ? wrong : refused).push(
              `${request.name}: ${request.named.authority} was never reached (${answerOf(got)})`,
            )
        }
        ctx.note(clipped(origin.transcript()))
        if (typeof v6 !== 'string') ctx.note(clipped(v6.transcript()))
        if (wrong.length > 0 || refused.length > 0)
          return violates(
            'each request at the FTP origin its URI names, and none at X',
            [...wrong, ...refused].join('; '),
            wrong.length > 0 ? 'MUST' : 'SHOULD',
          )
        return conforms()
      } finally {
        if (typeof v6 !== 'string') await v6.close()
      }
    },
  }),
]
