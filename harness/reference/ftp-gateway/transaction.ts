/**
 * One `GET ftp://…` (or HEAD) answered as an HTTP→FTP gateway (RFC 959 §5.4
 * dialogue; *HTTP: The Definitive Guide* §8.2.1): log in, CWD per segment,
 * TYPE, SIZE, MDTM, a passive data connection, RETR (or LIST), and the object
 * relayed as an HTTP response that completes only after 226. Every decision
 * is a step (steps.ts); this file only sequences them.
 */
import type { Socket } from 'node:net'
import type { ConnectionTracker } from '../../net/connection-tracker.js'
import type { RequestHead } from '../../wire/types.js'
import type { ClientSide, GatewayHandler } from '../proxy/index.js'
import { requestFraming } from '../proxy/framing.js'
import { httpDate } from '../proxy/message-head.js'
import { clientMayPersist, minorVersion } from '../proxy/persistence.js'
import { loopbackAddress } from '../proxy/request-target.js'
import { simpleResponse } from '../proxy/simple-response.js'
import { writeAll } from '../proxy/socket-io.js'
import { FtpControl, FtpError, openSocket, type FtpContext } from './control.js'
import { parseFtpUrl } from './ftp-url.js'
import { ResponseOut } from './response-out.js'
import type { FtpGatewaySteps } from './steps.js'
import type { CommandPlan, FtpFailure, FtpUrl, Login, PassiveAttempt, Typecode } from './types.js'

/** What the gateway's handler needs. */
export interface FtpGatewayDeps {
  readonly steps: FtpGatewaySteps
  readonly ftpTimeoutMs: number
  /** Every FTP socket (control and data), destroyed when the gateway closes. */
  readonly tracker: ConnectionTracker
  /** The proxy's hosts map (lower-case names to loopback addresses). */
  readonly hosts: Readonly<Record<string, string>>
}

/** The handler the forward proxy calls for a request the step routeFtp routed here. Never rejects. */
export function ftpGatewayHandler(deps: FtpGatewayDeps): GatewayHandler {
  return (client, head) =>
    serveFtp(client, head, deps).catch(() => {
      client.socket.destroy()
      return 'destroyed' as const
    })
}

const LISTING_LIMIT = 16 * 1024 * 1024
const HTML = 'Content-Type: text/html; charset=utf-8'

function header(head: RequestHead, name: string): string | undefined {
  return head.headers.find((f) => f.name.toLowerCase() === name)?.value
}

async function refuse(
  client: ClientSide,
  status: number,
  text: string,
  headers: string[] = [],
): Promise<'close'> {
  await writeAll(
    client.socket,
    simpleResponse({ status, text: `proxyspec: ${text}`, close: true, headers }),
  )
  return 'close'
}

async function serveFtp(
  client: ClientSide,
  head: RequestHead,
  deps: FtpGatewayDeps,
): Promise<'persist' | 'close' | 'destroyed'> {
  const { steps } = deps
  const framing = requestFraming(head)
  // A request without a body: take the parser's end-of-message so the next read is the next request.
  if (framing === 'none') await client.reader.next()
  else client.reader.detach()
  const persistable = clientMayPersist(head) && framing === 'none'

  const refusal = steps.methods(head.method)
  if (refusal !== undefined)
    return refuse(client, refusal.status, `${head.method} is not served for ftp:// URLs`, [
      ...refusal.headers,
    ])
  const url = parseFtpUrl(head.target)
  if (typeof url === 'string') return refuse(client, 400, url)
  const code = url.typecode === undefined ? undefined : steps.typecode(url.typecode)
  if (url.typecode !== undefined && code === undefined)
    return refuse(client, 400, `an unknown typecode "${url.typecode}"`)
  const login = steps.decodeUserinfo(url.userinfo, header(head, 'authorization'))
  if (typeof login === 'string') return refuse(client, 400, login)
  const plan = steps.commandPlan(url, code)
  if (typeof plan === 'string') return refuse(client, 400, plan)
  // RFC 959 §5.3.2 (FTP-01): nothing is sent when any argument would be refused.
  for (const argument of [login.user, login.password, ...plan.cwd, plan.name]) {
    if (argument === undefined) continue
    const problem = steps.ftpCommandArgument(argument)
    if (problem !== undefined) return refuse(client, 400, problem)
  }
  const server = steps.controlAddress(url, header(head, 'host'))
  const address = loopbackAddress(server.host, deps.hosts)
  if (address === undefined)
    return refuse(client, 403, `only loopback FTP servers, not ${server.host}`)

  const out = new ResponseOut(
    client.socket,
    !steps.sendsContent(head.method),
    minorVersion(head.version),
    persistable,
  )
  const gone = new AbortController()
  const sockets: { control: FtpControl | undefined; data: Socket[] } = {
    control: undefined,
    data: [],
  }
  const onClientClose = (): void => {
    gone.abort()
    for (const socket of sockets.data) socket.destroy()
  }
  client.socket.once('close', onClientClose)
  const ctx: FtpContext = {
    steps,
    ftpTimeoutMs: deps.ftpTimeoutMs,
    tracker: deps.tracker,
    signal: gone.signal,
  }
  const range = header(head, 'range')
  const transaction = new Transaction({
    ctx,
    sockets,
    out,
    url,
    code,
    login,
    address,
    port: server.port,
    range,
  })
  try {
    const end = await transaction.run(plan)
    return end === 'complete' && !out.closes ? 'persist' : 'close'
  } catch (error) {
    const failure: FtpFailure =
      error instanceof FtpError ? error.failure : { kind: 'protocol', detail: String(error) }
    steps.quit(
      sockets.control,
      sockets.data,
      gone.signal.aborted ? 'abandoned' : 'failed',
      deps.ftpTimeoutMs,
    )
    if (gone.signal.aborted || client.socket.destroyed) {
      client.socket.destroy()
      return 'destroyed'
    }
    // A started body is left incomplete (no last-chunk, short of Content-Length), then closed (FTP-03).
    if (out.headSent) return 'close'
    const answer = steps.replyStatus(failure, login)
    const page = steps.errorPage(answer, failure, { url, plan }, login.password)
    const ok = await out.complete(answer.status, [HTML, ...answer.headers], page)
    return ok && !out.closes ? 'persist' : 'close'
  } finally {
    client.socket.off('close', onClientClose)
  }
}

/** How a transaction that did not throw ended: complete, or left incomplete (then closed). */
type TransactionEnd = 'complete' | 'incomplete'

/** What one transaction works with. */
interface TransactionInit {
  readonly ctx: FtpContext
  readonly sockets: { control: FtpControl | undefined; data: Socket[] }
  readonly out: ResponseOut
  readonly url: FtpUrl
  readonly code: Typecode | undefined
  readonly login: Login
  readonly address: string
  readonly port: number
  /** The request's Range field, if any (FTP-12). */
  readonly range: string | undefined
}

class Transaction {
  readonly ctx: FtpContext
  readonly sockets: { control: FtpControl | undefined; data: Socket[] }
  readonly out: ResponseOut
  readonly url: FtpUrl
  readonly code: Typecode | undefined
  readonly login: Login
  readonly address: string
  readonly port: number
  readonly range: string | undefined

  constructor(init: TransactionInit) {
    this.ctx = init.ctx
    this.sockets = init.sockets
    this.out = init.out
    this.url = init.url
    this.code = init.code
    this.login = init.login
    this.address = init.address
    this.port = init.port
    this.range = init.range
  }

  get steps(): FtpGatewaySteps {
    return this.ctx.steps
  }

  async run(plan: CommandPlan): Promise<TransactionEnd> {
    const control = await FtpControl.open(this.address, this.port, this.ctx)
    this.sockets.control = control
    await this.steps.loginSequence(control, this.login)
    for (const directory of plan.cwd) await control.expectOk('CWD', directory)
    if (plan.name === undefined) return this.listing(control, plan)
    return this.retrieve(control, plan, plan.name)
  }

  #quit(reason: 'done' | 'failed' | 'abandoned'): void {
    this.steps.quit(this.sockets.control, this.sockets.data, reason, this.ctx.ftpTimeoutMs)
  }

  async retrieve(control: FtpControl, plan: CommandPlan, name: Buffer): Promise<TransactionEnd> {
    const { steps, out } = this
    const type = steps.transferType(this.code)
    await control.expectOk('TYPE', Buffer.from(type))
    const size = await control.final('SIZE', name)
    const mdtm = await control.final('MDTM', name)
    const contentLength = steps.contentLengthFrom(size, type)
    const lastModified = steps.lastModifiedFrom(mdtm, new Date())
    const headers = [
      `Content-Type: ${steps.contentType(name, this.code)}`,
      ...(lastModified === undefined ? [] : [`Last-Modified: ${httpDate(lastModified)}`]),
    ]
    // HEAD (RFC 9110 §9.3.2, FTP-10): a known size answers it without moving the file.
    if (out.head && contentLength !== undefined) {
      this.#quit('done')
      return (await out.start(200, headers, contentLength)) ? 'complete' : 'incomplete'
    }
    // Range (RFC 9110 §14.2, FTP-12): REST n, and a 206 only once the server said 350.
    const range = out.head ? undefined : steps.byteRange(this.range, contentLength)
    const partial =
      range !== undefined &&
      steps.restartAccepted(await control.final('REST', Buffer.from(String(range.first))))
        ? range
        : undefined
    const length = partial === undefined ? contentLength : partial.last - partial.first + 1
    const status = partial === undefined ? 200 : 206
    if (partial !== undefined)
      headers.push(`Content-Range: bytes ${partial.first}-${partial.last}/${partial.size}`)
    const data = await this.openPassive(control)
    const retr = await control.command('RETR', name)
    if (retr.code >= 300) {
      data.destroy()
      if (steps.retryAsDirectory(retr)) {
        const cwd = await control.final('CWD', name)
        if (cwd.code >= 200 && cwd.code < 300)
          return this.listing(control, { cwd: [...plan.cwd, name], name: undefined })
      }
      throw new FtpError({ kind: 'reply', command: 'RETR', reply: retr })
    }
    if (out.head) {
      this.#quit('abandoned')
      return (await out.start(200, headers, contentLength)) ? 'complete' : 'incomplete'
    }
    const start = (): Promise<boolean> => out.start(status, headers, length)
    const timedOut = new Error('data timeout')
    data.setTimeout(steps.timeout('data', this.ctx.ftpTimeoutMs), () => data.destroy(timedOut))
    let written = 0
    let dataEnd: 'eof' | 'reset' | 'timeout' | 'overflow' = 'eof'
    try {
      for await (const chunk of data as AsyncIterable<Buffer>) {
        const n = steps.bodyLimit(length, written, chunk.length)
        if (n > 0) {
          if (!out.headSent) await start()
          if (!(await out.body(chunk.subarray(0, n))))
            throw new FtpError({ kind: 'closed', during: 'the client went away' })
          written += n
        }
        if (n < chunk.length) {
          dataEnd = 'overflow'
          break
        }
      }
    } catch (error) {
      if (error instanceof FtpError) throw error
      dataEnd = error === timedOut ? 'timeout' : 'reset'
    }
    if (this.ctx.signal.aborted)
      throw new FtpError({ kind: 'closed', during: 'the client went away' })
    // A range ends where its last byte was written: the rest of the stream is abandoned (ABOR).
    if (partial !== undefined && dataEnd === 'overflow' && written === length) {
      this.#quit('abandoned')
      return (await out.finish()) ? 'complete' : 'incomplete'
    }
    let reply = retr.code >= 200 ? retr : undefined
    let replyFailure: FtpFailure | undefined
    if (dataEnd === 'eof' && reply === undefined) {
      try {
        reply = await control.reply('RETR')
      } catch (error) {
        replyFailure = error instanceof FtpError ? error.failure : undefined
      }
    }
    const complete = steps.completion({
      data: dataEnd,
      reply,
      bodyBytes: written,
      contentLength: length,
    })
    if (complete) {
      if (!out.headSent) await start()
      this.#quit('done')
      return (await out.finish()) ? 'complete' : 'incomplete'
    }
    if (!out.headSent) {
      // Nothing sent yet: a framed 502/504 says what failed (FTP-03, FTP-21).
      if (replyFailure !== undefined) throw new FtpError(replyFailure)
      if (reply !== undefined && reply.code >= 400)
        throw new FtpError({ kind: 'reply', command: 'RETR', reply })
      if (dataEnd === 'timeout')
        throw new FtpError({ kind: 'timeout', during: 'the data transfer' })
      throw new FtpError({
        kind: 'protocol',
        detail: `the data transfer ended without completion (${dataEnd})`,
      })
    }
    this.#quit(dataEnd === 'eof' ? 'failed' : 'abandoned')
    return 'incomplete'
  }

  async listing(control: FtpControl, plan: CommandPlan): Promise<TransactionEnd> {
    const { steps, out } = this
    // RFC 959 §4.1.3: a listing is sent as ASCII.
    await control.expectOk('TYPE', Buffer.from('A'))
    const data = await this.openPassive(control)
    const list = await control.command('LIST')
    if (list.code >= 300) {
      data.destroy()
      throw new FtpError({ kind: 'reply', command: 'LIST', reply: list })
    }
    const timedOut = new Error('data timeout')
    data.setTimeout(steps.timeout('data', this.ctx.ftpTimeoutMs), () => data.destroy(timedOut))
    const chunks: Buffer[] = []
    let size = 0
    try {
      for await (const chunk of data as AsyncIterable<Buffer>) {
        size += chunk.length
        if (size > LISTING_LIMIT)
          throw new FtpError({ kind: 'protocol', detail: 'a listing over 16 MiB' })
        chunks.push(chunk)
      }
    } catch (error) {
      if (error instanceof FtpError) throw error
      if (this.ctx.signal.aborted)
        throw new FtpError({ kind: 'closed', during: 'the client went away' })
      throw error === timedOut
        ? new FtpError({ kind: 'timeout', during: 'the listing' })
        : new FtpError({ kind: 'closed', during: 'the listing' })
    }
    const reply = list.code >= 200 ? list : await control.reply('LIST')
    if (!steps.completion({ data: 'eof', reply, bodyBytes: size, contentLength: undefined }))
      throw new FtpError({ kind: 'reply', command: 'LIST', reply })
    this.#quit('done')
    const page = steps.listingPage(Buffer.concat(chunks), { url: this.url, plan })
    return (await out.complete(200, [HTML], page)) ? 'complete' : 'incomplete'
  }

  /** A passive data connection, in the order passiveOrder gives, to the address dataAddress allows. */
  async openPassive(control: FtpControl): Promise<Socket> {
    const { steps } = this
    let previous: PassiveAttempt | undefined
    for (;;) {
      const command = steps.passiveOrder(previous)
      if (command === undefined) {
        if (previous === undefined || previous.problem !== undefined)
          throw new FtpError({
            kind: 'protocol',
            detail: previous?.problem ?? 'no passive command',
          })
        throw new FtpError({ kind: 'reply', command: previous.command, reply: previous.reply })
      }
      const reply = await control.final(command)
      if (reply.code < 200 || reply.code > 299) {
        previous = { command, reply }
        continue
      }
      const offer = steps.passiveOffer(command, reply)
      if (typeof offer === 'string') {
        previous = { command, reply, problem: offer }
        continue
      }
      const to = steps.dataAddress(offer, control.peerAddress)
      if (typeof to === 'string') {
        previous = { command, reply, problem: to }
        continue
      }
      const socket = await openSocket(to.host, to.port, this.ctx, 'opening the data connection')
      this.sockets.data.push(socket)
      return socket
    }
  }
}
