/**
 * A small raw FTP client over node:net, for self-tests and for cases that
 * compare a gateway with a direct client (FTP-27). It writes exactly what it
 * is given and reads replies by RFC 959 §4.2 (a multi-line reply ends at the
 * line that repeats the code followed by a space). Every wait has a deadline.
 *
 * @example
 * await using c = await connectFtp(origin.authority, { timeoutMs: 2000 })
 * await c.login('anonymous', 'a@b.test', 2000)
 * const got = await c.retrieve('RETR /pub/f.bin', { timeoutMs: 5000 })
 */
import { createConnection, type Socket } from 'node:net'
import { isTimeout, raceTimeout, type TimeoutValue } from '../net/deadline.js'
import { ChangeSignal } from '../tcp/wait-until.js'

export interface FtpReply {
  readonly code: string
  /** Every line without its CRLF. */
  readonly lines: readonly string[]
  readonly raw: Buffer
}

export interface Retrieved {
  readonly preliminary: FtpReply | TimeoutValue
  readonly data: Buffer
  /** How the data connection ended. */
  readonly dataEnd: 'fin' | 'rst' | 'timeout'
  readonly final: FtpReply | TimeoutValue
}

export interface RawFtpClient extends AsyncDisposable {
  /** The bytes exactly (a string is latin1; no CRLF is added). */
  write(bytes: Buffer | string): void
  /** `line` + CRLF. */
  send(line: string): void
  /** The next reply (a 1xx counts as one). */
  reply(timeoutMs: number): Promise<FtpReply | TimeoutValue>
  /** send(line) then reply(). */
  command(line: string, timeoutMs: number): Promise<FtpReply | TimeoutValue>
  /** Reads the greeting (skipping a 120) and logs in; the last reply. */
  login(user: string, pass: string, timeoutMs: number): Promise<FtpReply | TimeoutValue>
  /** PASV or EPSV, then `command` (RETR/LIST/NLST), reading the data connection to its end. */
  retrieve(
    command: string,
    options: { readonly timeoutMs: number; readonly passive?: 'pasv' | 'epsv' },
  ): Promise<Retrieved | TimeoutValue>
  readonly closed: boolean
  close(): Promise<void>
}

function connect(host: string, port: number, timeoutMs: number): Promise<Socket | TimeoutValue> {
  const socket = createConnection({ host, port })
  socket.setNoDelay(true)
  const opened = new Promise<Socket>((resolve, reject) => {
    socket.once('connect', () => resolve(socket))
    socket.once('error', reject)
  })
  return raceTimeout(`connect to ${host}:${port}`, opened, timeoutMs).then((r) => {
    if (isTimeout(r)) socket.destroy()
    return r
  })
}

function splitAuthority(authority: string): { host: string; port: number } {
  const m = /^\[?([^\]]+?)\]?:(\d+)$/.exec(authority)
  if (m === null) throw new Error(`not host:port: ${authority}`)
  return { host: m[1] ?? '', port: Number(m[2]) }
}

export async function connectFtp(
  authority: string,
  options: { readonly timeoutMs: number },
): Promise<RawFtpClient> {
  const { host, port } = splitAuthority(authority)
  const socket = await connect(host, port, options.timeoutMs)
  if (isTimeout(socket))
    throw new Error(`[proxyspec] cannot connect to the FTP server at ${authority}`)
  const changes = new ChangeSignal()
  let buffer = Buffer.alloc(0)
  let closed = false
  socket.on('data', (chunk: Buffer) => {
    buffer = Buffer.concat([buffer, chunk])
    changes.notify()
  })
  socket.on('error', () => undefined)
  socket.on('close', () => {
    closed = true
    changes.notify()
  })

  /** A complete reply at the head of the buffer, consumed; undefined if not yet. */
  const takeReply = (): FtpReply | undefined => {
    const lines: string[] = []
    let at = 0
    for (;;) {
      const lf = buffer.indexOf(0x0a, at)
      if (lf < 0) return undefined
      const line = buffer.subarray(at, lf).toString('latin1').replace(/\r$/, '')
      at = lf + 1
      lines.push(line)
      const first = lines[0] ?? ''
      const code = first.slice(0, 3)
      if (first[3] !== '-' || (lines.length > 1 && line.startsWith(`${code} `))) {
        const raw = buffer.subarray(0, at)
        buffer = buffer.subarray(at)
        return { code, lines, raw: Buffer.from(raw) }
      }
    }
  }

  const reply = (timeoutMs: number): Promise<FtpReply | TimeoutValue> =>
    changes.until('an FTP reply', () => takeReply() ?? (closed ? eofReply() : undefined), timeoutMs)
  const eofReply = (): FtpReply => ({ code: '', lines: [], raw: Buffer.alloc(0) })
  const write = (bytes: Buffer | string): void => {
    if (!socket.destroyed)
      socket.write(typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes)
  }
  const command = (line: string, timeoutMs: number): Promise<FtpReply | TimeoutValue> => {
    write(`${line}\r\n`)
    return reply(timeoutMs)
  }
  const close = async (): Promise<void> => {
    if (closed) return
    const done = new Promise<void>((resolve) => socket.once('close', () => resolve()))
    socket.destroy()
    await done
  }

  return {
    write,
    send: (line) => write(`${line}\r\n`),
    reply,
    command,
    async login(user, pass, timeoutMs) {
      let greeting = await reply(timeoutMs)
      while (!isTimeout(greeting) && greeting.code.startsWith('1'))
        greeting = await reply(timeoutMs)
      if (isTimeout(greeting) || greeting.code !== '220') return greeting
      const u = await command(`USER ${user}`, timeoutMs)
      if (isTimeout(u) || u.code !== '331') return u
      return command(`PASS ${pass}`, timeoutMs)
    },
    async retrieve(line, opts) {
      const started = performance.now()
      const left = (): number => Math.max(0, opts.timeoutMs - (performance.now() - started))
      const passive = opts.passive ?? 'pasv'
      const answer = await command(passive === 'pasv' ? 'PASV' : 'EPSV', left())
      if (isTimeout(answer)) return answer
      const text = answer.lines.join(' ')
      const m =
        passive === 'pasv'
          ? /\((\d+),(\d+),(\d+),(\d+),(\d+),(\d+)\)/.exec(text)
          : /\(\|\|\|(\d+)\|\)/.exec(text)
      if (m === null) throw new Error(`[proxyspec] cannot parse the passive reply: ${text}`)
      const dataHost = passive === 'pasv' ? m.slice(1, 5).join('.') : host
      const dataPort = passive === 'pasv' ? Number(m[5]) * 256 + Number(m[6]) : Number(m[1])
      const data = await connect(dataHost, dataPort, left())
      if (isTimeout(data)) return data
      const parts: Buffer[] = []
      data.on('data', (chunk: Buffer) => parts.push(chunk))
      const ended = new Promise<'fin' | 'rst'>((resolve) => {
        data.once('error', () => resolve('rst'))
        data.once('end', () => resolve('fin'))
      })
      write(`${line}\r\n`)
      const preliminary = await reply(left())
      if (isTimeout(preliminary) || !preliminary.code.startsWith('1')) {
        data.destroy()
        return { preliminary, data: Buffer.alloc(0), dataEnd: 'timeout', final: preliminary }
      }
      const dataEnd = await raceTimeout('the data connection to end', ended, left())
      data.destroy()
      const final = await reply(left())
      return {
        preliminary,
        data: Buffer.concat(parts),
        dataEnd: isTimeout(dataEnd) ? 'timeout' : dataEnd,
        final,
      }
    },
    get closed() {
      return closed
    },
    close,
    [Symbol.asyncDispose]: close,
  }
}
