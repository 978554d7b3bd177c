import { createServer, type Server, type Socket } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { openRawClient, type RawClient } from '../../client/index.js'
import {
  fBinBytes,
  FIXTURE_MTIME,
  startFtpOrigin,
  type FtpOrigin,
  type FtpOriginOptions,
} from '../../ftp/index.js'
import { isTimeout } from '../../net/deadline.js'
import { Scope } from '../../net/started.js'
import { TranscriptRecorder } from '../../net/transcript.js'
import { startOrigin } from '../../origin/index.js'
import { startReferenceFtpGateway } from './index.js'
import type { ReferenceFtpGatewayOptions, StartedFtpGateway } from './types.js'

const T = 3000
let scope = new Scope()
afterEach(async () => {
  await scope.close()
  scope = new Scope()
})

interface Setup {
  readonly origin: FtpOrigin
  readonly gateway: StartedFtpGateway
  readonly client: RawClient
}

async function setup(
  originOptions: FtpOriginOptions = {},
  gatewayOptions: ReferenceFtpGatewayOptions = {},
): Promise<Setup> {
  const transcript = new TranscriptRecorder()
  const origin = scope.use(await startFtpOrigin({ transcript, ...originOptions }))
  const gateway = scope.use(await startReferenceFtpGateway(gatewayOptions))
  const client = scope.use(
    await openRawClient({
      host: gateway.host,
      port: gateway.port,
      id: 'c1',
      transcript,
      timeoutMs: T,
    }),
  )
  return { origin, gateway, client }
}

const request = (target: string, extra = '', method = 'GET'): string =>
  `${method} ${target} HTTP/1.1\r\nHost: h.test\r\n${extra}\r\n`

/** One response read until the gateway closes: head lines and the raw bytes after them. */
async function exchange(
  client: RawClient,
  target: string,
  extra = 'Connection: close\r\n',
  method = 'GET',
): Promise<{ status: number; head: string; body: Buffer; how: string }> {
  await client.write(request(target, extra, method))
  const { data, how } = await client.readUntilClose({ timeoutMs: T })
  const end = data.indexOf('\r\n\r\n')
  const head = data.subarray(0, end).toString('latin1')
  return { status: Number(head.slice(9, 12)), head, body: data.subarray(end + 4), how }
}

const field = (head: string, name: string): string | undefined =>
  new RegExp(`^${name}: (.*)$`, 'im').exec(head)?.[1]

describe('the reference HTTP→FTP gateway', () => {
  it('relays pub/f.bin byte for byte, framed by SIZE, with Last-Modified from MDTM; QUIT, no data socket left', async () => {
    const { origin, client, gateway } = await setup()
    const r = await exchange(client, `ftp://${origin.authority}/pub/f.bin`)
    expect(r.status).toBe(200)
    expect(field(r.head, 'Content-Length')).toBe(String(fBinBytes().length))
    expect(field(r.head, 'Content-Type')).toBe('application/octet-stream')
    expect(field(r.head, 'Last-Modified')).toBe(FIXTURE_MTIME.toUTCString())
    expect(r.body.equals(fBinBytes())).toBe(true)
    expect(origin.commands.map((c) => c.verb)).toEqual([
      'USER',
      'PASS',
      'CWD',
      'TYPE',
      'SIZE',
      'MDTM',
      'EPSV',
      'RETR',
      'QUIT',
    ])
    expect(origin.commandsOf('TYPE')[0]?.arg).toBe('I')
    expect(isTimeout(await origin.idle({ timeoutMs: T }))).toBe(false)
    expect(gateway.openFtpSockets()).toBe(0)
  })

  it('keeps gatewaying http:// on the same connection (the forward proxy path)', async () => {
    const { origin, client } = await setup()
    const http = scope.use(await startOrigin())
    await client.write(
      request(`ftp://${origin.authority}/pub/a%20b.txt`) + request(`${http.url}/second`),
    )
    const first = await client.readResponse({ timeoutMs: T })
    const second = await client.readResponse({ timeoutMs: T })
    expect(first.kind === 'response' && first.message.body.toString()).toBe('a b\n')
    expect(second.kind === 'response' && second.message.head.status).toBe(200)
    expect(http.requests().map((r) => r.message.head.target)).toEqual(['/second'])
  })

  it('never writes more than a lying SIZE announced, and closes: the surplus is no second response', async () => {
    const fake = 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-Injected: 1\r\n\r\nEVIL!'
    const { origin, client } = await setup({
      script: { SIZE: '213 3', RETR: { data: `abc${fake}` } },
    })
    const http = scope.use(await startOrigin())
    await client.write(
      request(`ftp://${origin.authority}/pub/f.bin`) + request(`${http.url}/second`),
    )
    const { data, how } = await client.readUntilClose({ timeoutMs: T })
    expect(how).toBe('eof')
    const text = data.toString('latin1')
    expect(text).toMatch(/Content-Length: 3\r\n/)
    expect(text.endsWith('\r\n\r\nabc')).toBe(true)
    expect(text).not.toContain('X-Injected')
  })

  it('leaves a body short of its Content-Length when SIZE promised more than came, then closes', async () => {
    const { origin, client } = await setup({
      script: { SIZE: '213 5000', RETR: { cutAfter: 1000 } },
    })
    const r = await exchange(client, `ftp://${origin.authority}/pub/f.bin`, '')
    expect(field(r.head, 'Content-Length')).toBe('5000')
    expect(r.body.length).toBe(1000)
    expect(r.how).toBe('eof')
  })

  it('leaves a chunked body without its last-chunk after 426 mid-transfer', async () => {
    const { origin, client } = await setup({
      script: {
        RETR: {
          data: 'x'.repeat(5000),
          cutAfter: 1000,
          then: '426 connection closed; transfer aborted',
        },
      },
    })
    const r = await exchange(client, `ftp://${origin.authority}/pub/t.txt;type=a`, '')
    expect(r.status).toBe(200)
    expect(field(r.head, 'Transfer-Encoding')).toBe('chunked')
    expect(r.body.toString('latin1')).not.toContain('\r\n0\r\n\r\n')
    expect(r.how).toBe('eof')
  })

  it('refuses a decoded CR/LF with 400 before anything reaches the origin', async () => {
    const { origin, gateway } = await setup()
    const transcript = new TranscriptRecorder()
    const targets = [
      `ftp://${origin.authority}/pub%0D%0ADELE%20canary1/f.bin`,
      `ftp://${origin.authority}/pub/f.bin%0ADELE%20canary3`,
      `ftp://u%0D%0ADELE%20canary4:pw@${origin.authority}/f.bin`,
      `ftp://${origin.authority}/pub/f%00.bin`,
    ]
    for (const [i, target] of targets.entries()) {
      const client = scope.use(
        await openRawClient({
          host: gateway.host,
          port: gateway.port,
          id: `c${i}`,
          transcript,
          timeoutMs: T,
        }),
      )
      expect((await exchange(client, target)).status).toBe(400)
    }
    const basic = Buffer.from('u:pw\r\nDELE canary6').toString('base64')
    const client = scope.use(
      await openRawClient({
        host: gateway.host,
        port: gateway.port,
        id: 'cb',
        transcript,
        timeoutMs: T,
      }),
    )
    const r = await exchange(
      client,
      `ftp://${origin.authority}/pub/f.bin`,
      `Authorization: Basic ${basic}\r\nConnection: close\r\n`,
    )
    expect(r.status).toBe(400)
    expect(origin.controls).toHaveLength(0)
  })

  it('connects to the control peer, not the 127.0.0.3 a PASV reply names', async () => {
    const x = await listenX()
    scope.defer(() => closeX(x.server, x.sockets))
    const { origin, client } = await setup({
      script: { EPSV: '500 unknown', PASV: { announceHost: '127.0.0.3' } },
    })
    const r = await exchange(client, `ftp://${origin.authority}/pub/f.bin`)
    expect(r.status).toBe(200)
    expect(r.body.equals(fBinBytes())).toBe(true)
    expect(x.sockets).toHaveLength(0)
    expect(origin.commands.map((c) => c.verb)).toContain('PASV')
  })

  it('escapes hostile names in a listing and percent-encodes its links', async () => {
    const { origin, client } = await setup({ files: { '/pub/<img src=x onerror=m4>.txt': 'x\n' } })
    const r = await exchange(client, `ftp://${origin.authority}/pub/`)
    expect(field(r.head, 'Content-Type')).toBe('text/html; charset=utf-8')
    const page = r.body.toString('utf-8')
    expect(page).not.toContain('<img')
    expect(page).toContain('&lt;img src=x onerror=m4&gt;.txt')
    expect(page).toContain('href="/pub/a%20b.txt"')
    expect(page).toContain('href="/pub/c%23d.txt"')
    expect(page).toContain('href="/pub/d/"')
  })

  it('lists a name whose RETR is 550 but whose CWD succeeds', async () => {
    const { origin, client } = await setup()
    const r = await exchange(client, `ftp://${origin.authority}/pub/d`)
    expect(r.status).toBe(200)
    expect(r.body.toString()).toContain('href="/pub/d/inside.txt"')
  })

  it('answers 404 for 550, and 401 with a Basic challenge for 530', async () => {
    const { origin, client, gateway } = await setup()
    expect((await exchange(client, `ftp://${origin.authority}/pub/missing.bin`)).status).toBe(404)
    origin.script({ PASS: '530 Login incorrect.' })
    const second = scope.use(
      await openRawClient({
        host: gateway.host,
        port: gateway.port,
        id: 'c2',
        transcript: new TranscriptRecorder(),
        timeoutMs: T,
      }),
    )
    const r = await exchange(
      second,
      `ftp://alice@${origin.authority}/home/secret.txt`,
      `Authorization: Basic ${Buffer.from('alice:nope').toString('base64')}\r\nConnection: close\r\n`,
    )
    expect(r.status).toBe(401)
    expect(field(r.head, 'WWW-Authenticate')).toMatch(/^Basic realm=/)
  })

  it('never shows the URL password in an error page', async () => {
    const { origin, client } = await setup()
    const r = await exchange(client, `ftp://alice:S3cretPW@${origin.authority}/pub/missing.bin`)
    expect(r.status).toBe(404)
    expect(r.head + r.body.toString('latin1')).not.toContain('S3cretPW')
  })

  it('answers HEAD from SIZE and MDTM without RETR', async () => {
    const { origin, client } = await setup()
    const r = await exchange(
      client,
      `ftp://${origin.authority}/pub/f.bin`,
      'Connection: close\r\n',
      'HEAD',
    )
    expect(field(r.head, 'Content-Length')).toBe(String(fBinBytes().length))
    expect(r.body.length).toBe(0)
    expect(origin.commandsOf('RETR')).toHaveLength(0)
  })

  it('gives up within ftpTimeoutMs on a silent data connection: 504 and the control connection closed', async () => {
    const { origin, client } = await setup(
      { script: { RETR: { accept: 'silent' } } },
      { ftpTimeoutMs: 300 },
    )
    const started = performance.now()
    const r = await exchange(client, `ftp://${origin.authority}/pub/f.bin`)
    expect(r.status).toBe(504)
    expect(performance.now() - started).toBeLessThan(2000)
    expect(isTimeout(await origin.waitForControlClose('f1', { timeoutMs: T }))).toBe(false)
  })

  it('answers 405 with Allow for other methods and sends nothing to the origin', async () => {
    const { origin, client } = await setup()
    const r = await exchange(
      client,
      `ftp://${origin.authority}/pub/up.bin`,
      'Content-Length: 0\r\nConnection: close\r\n',
      'PUT',
    )
    expect(r.status).toBe(405)
    expect(field(r.head, 'Allow')).toBe('GET, HEAD')
    expect(origin.controls).toHaveLength(0)
  })
})

async function listenX(): Promise<{ server: Server; sockets: Socket[] }> {
  const sockets: Socket[] = []
  const server = createServer((socket) => {
    sockets.push(socket)
    socket.end('X-BANNER\r\n')
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    // Any port: the gateway must not connect to 127.0.0.3 at all.
    server.listen(0, '127.0.0.3', () => resolve())
  })
  return { server, sockets }
}

async function closeX(server: Server, sockets: readonly Socket[]): Promise<void> {
  for (const socket of sockets) socket.destroy()
  await new Promise<void>((resolve) => server.close(() => resolve()))
}
