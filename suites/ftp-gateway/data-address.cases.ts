import { createServer, type Server, type Socket } from 'node:net'
import { defineCase } from '../../harness/engine/model/case.js'
import { conforms, violates } from '../../harness/engine/model/outcome.js'
import type { FtpScript } from '../../harness/ftp/index.js'
import { ftpOf } from './ftp.js'
import { answerOf, clipped, getThrough } from './through.js'

/**
 * A listener on 127.0.0.1 at a port below 1024 (the control peer's address,
 * a privileged port), to see whether a gateway connects where a 227 sends it.
 * Binding one needs root (or a lowered ip_unprivileged_port_start): without
 * it, undefined and that part is not observable. A few random ports are
 * tried, so parallel runs do not meet.
 */
async function lowPortListener(): Promise<
  { server: Server; port: number; sockets: Socket[] } | undefined
> {
  for (let attempt = 0; attempt < 8; attempt += 1) {
    const port = 600 + Math.floor(Math.random() * 400)
    const sockets: Socket[] = []
    const server = createServer((socket) => {
      sockets.push(socket)
      socket.on('error', () => undefined)
    })
    const bound = await new Promise<string | undefined>((resolve) => {
      server.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'))
      server.listen({ host: '127.0.0.1', port, exclusive: true }, () => resolve(undefined))
    })
    if (bound === undefined) return { server, port, sockets }
    if (bound === 'EACCES') return undefined
  }
  return undefined
}

export const dataAddressCases = [
  // Grades RFC 2428 §3 (the data connection of EPSV goes to the network
  // address of the control connection; a 229 carries only a port, its first two
  // fields blank) and RFC 2577 §3 (a client that connects where a PASV reply
  // says can be bounced to a third host; Informational), which catalog row
  // FTP-04 treats as a MUST for an HTTP→FTP gateway: it opens data connections
  // only to the peer of its control connection, and bytes from a third host
  // never reach the HTTP client. The part "ports 0 and below 1024 are refused"
  // is a WARN (RFC 2577 §3 suggests it; no MUST binds it).
  // Three scripted origins, one request each: (1) EPSV refused, PASV names X
  // (127.0.0.3, where X listens and greets with X-BANNER); (2) a 229 that names
  // X's address in the fields RFC 2428 keeps blank; (3) EPSV `(!!!0!)` (odd but
  // legal delimiter, port 0), then a PASV naming the control peer with a port
  // below 1024 where a harness listener waits (only where it can bind one).
  // Completing through the control peer, or refusing (502/403), both pass.
  defineCase({
    id: 'data-connection-goes-only-to-the-control-peer',
    title:
      'Data connections go only to the control peer: a PASV or 229 naming a third host is not followed',
    requirements: ['FTP-04'],
    spec: [
      { rfc: 2428, section: '3' },
      { rfc: 959, section: '4.1.2' },
      { rfc: 2577, section: '3' },
    ],
    requirement:
      'the gateway opens data connections only to the peer of its control connection: a 227 host that differs is ignored or refused, no connection ever reaches a third host and its bytes never reach the client; ports 0 and below 1024 are refused (WARN)',
    level: 'MUST',
    roles: ['ftp-gateway'],
    timeoutMs: 6000,
    async run(ctx) {
      const ftp = ftpOf(ctx)
      const x = ftp.thirdParty
      const target = ftp.requestTarget('/pub/k.bin') ?? ''
      const low = await lowPortListener()
      try {
        const variants: readonly { name: string; script: FtpScript }[] = [
          {
            name: `EPSV 500, PASV naming ${x.authority} (X)`,
            script: {
              EPSV: '500 EPSV not understood',
              PASV: { announceHost: x.host, announcePort: x.port, listen: false },
            },
          },
          {
            name: `229 naming X's address (|1|${x.host}|${x.port}|)`,
            script: {
              EPSV: `229 Entering Extended Passive Mode (|1|${x.host}|${x.port}|)`,
            },
          },
          {
            name: `EPSV (!!!0!), PASV naming the control peer, port ${low?.port ?? 25}`,
            script: {
              EPSV: '229 Entering Extended Passive Mode (!!!0!)',
              PASV: { announceHost: '127.0.0.1', announcePort: low?.port ?? 25, listen: false },
            },
          },
        ]
        const bounced: string[] = []
        for (const variant of variants) {
          ftp.origin.script(variant.script)
          const before = x.connections.filter((c) => c.direction === 'in').length
          const got = await getThrough(ctx, target, {
            timeoutMs: ftp.timeoutS * 1000 + 1000,
          })
          const atX = x.connections.filter((c) => c.direction === 'in').slice(before)
          ctx.note(`${variant.name}: ${answerOf(got)}; X saw ${atX.length} connection(s)`)
          if (atX.length > 0)
            bounced.push(
              `${variant.name}: X got a connection from ${atX.map((c) => `${c.peer.address}:${c.peer.port}`).join(', ')}`,
            )
          if (got.bytes.includes('X-BANNER'))
            bounced.push(`${variant.name}: X's banner X-BANNER reached the client`)
        }
        ctx.note(clipped(ftp.origin.transcript()))
        if (bounced.length > 0)
          return violates(
            'no connection to X (127.0.0.3) and none of its bytes at the client',
            bounced.join('; '),
          )
        if (low === undefined) {
          ctx.note(
            'the port-below-1024 part is not observable here: no listener could bind a privileged port (needs root)',
          )
          return conforms()
        }
        if (low.sockets.length > 0)
          return violates(
            `no data connection to port ${low.port} (below 1024)`,
            `the gateway connected to 127.0.0.1:${low.port} as the 227 said`,
            'SHOULD',
          )
        return conforms()
      } finally {
        if (low !== undefined) {
          for (const socket of low.sockets) socket.destroy()
          await new Promise<void>((resolve) => low.server.close(() => resolve()))
        }
      }
    },
  }),
]
