/**
 * RETR, LIST/NLST and STOR as a sequence: get the data connection, the 1xx,
 * the bytes (or the scripted fault), then the final reply. The queue waits
 * for the sequence; ABOR ends it early (426 for the transfer, then ABOR's 226).
 */
import type { Socket } from 'node:net'
import type { FtpFile } from './fixtures.js'
import type { ReplySpec, TransferScript } from './script-types.js'
import type { Session } from './session.js'
import { bufferSource, receiveAll, sendSource, type ByteSource } from './transfer.js'

function closedPromise(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    if (socket.destroyed) resolve()
    else socket.once('close', () => resolve())
  })
}

function dataOf(script: TransferScript | undefined): Buffer | undefined {
  const data = script?.data
  return typeof data === 'string' ? Buffer.from(data, 'latin1') : data
}

/** Runs `body` as the session's transfer: abortable, and awaited by ABOR through transferEnded. */
async function asTransfer(
  s: Session,
  body: (aborted: () => boolean, abortedSignal: Promise<void>) => Promise<void>,
): Promise<void> {
  let aborted = false
  let abortData: (() => void) | undefined
  let ended!: () => void
  let signalAbort!: () => void
  const abortedSignal = new Promise<void>((resolve) => (signalAbort = resolve))
  s.transferEnded = new Promise<void>((resolve) => (ended = resolve))
  s.abortTransfer = () => {
    aborted = true
    abortData?.()
    signalAbort()
  }
  s.onDataSocket = (destroy) => (abortData = destroy)
  try {
    await body(() => aborted, abortedSignal)
  } finally {
    s.abortTransfer = undefined
    s.onDataSocket = undefined
    ended()
  }
}

async function preliminary(
  s: Session,
  script: TransferScript | undefined,
  what: string,
): Promise<void> {
  const spec: ReplySpec =
    script?.preliminary === undefined ? `150 Opening ${what}.` : script.preliminary
  await s.reply(spec)
}

async function send(
  s: Session,
  source: ByteSource,
  offset: number,
  ascii: boolean,
  script: TransferScript | undefined,
  what: string,
): Promise<void> {
  const accept = script?.accept ?? 'normal'
  await asTransfer(s, async (aborted, abortedSignal) => {
    if (s.data.mode === 'none') {
      await s.reply('425 Use PORT or PASV first.')
      return
    }
    if (accept === 'never') {
      await s.data.open(0, false)
      await preliminary(s, script, what)
      if (script?.then !== undefined) await s.reply(script.then)
      // The transfer stays "running" (ABOR can end it) until aborted or the control closes.
      await abortedSignal
      await s.reply('426 Transfer aborted.')
      return
    }
    const data = await s.data.open(s.env.dataTimeoutMs)
    if (data === undefined) {
      await s.reply(aborted() ? '426 Transfer aborted.' : '425 Failed to establish connection.')
      return
    }
    s.onDataSocket?.(() => {
      data.record.endedBy ??= 'origin'
      data.record.ending ??= 'rst'
      data.socket.resetAndDestroy()
    })
    await preliminary(s, script, what)
    const closedOrAborted = Promise.race([closedPromise(data.socket), abortedSignal])
    if (accept === 'silent') {
      if (script?.then !== undefined) await s.reply(script.then)
      await closedOrAborted
      if (aborted()) await s.reply('426 Transfer aborted.')
      return
    }
    const result = await sendSource(data, source, {
      offset,
      ascii,
      ...(script?.cutAfter === undefined ? {} : { cutAfter: script.cutAfter }),
      ...(script?.cut === undefined ? {} : { cut: script.cut }),
      ...(script?.chunk === undefined ? {} : { chunk: script.chunk }),
    })
    if (aborted()) {
      await s.reply('426 Transfer aborted.')
      return
    }
    if (script?.then !== undefined) {
      await s.reply(script.then)
      return
    }
    if (result === 'stalled') {
      await closedOrAborted
      if (aborted()) await s.reply('426 Transfer aborted.')
      return
    }
    await s.reply(
      result === 'gone' ? '426 Connection closed; transfer aborted.' : '226 Transfer complete.',
    )
  })
}

export function runRetrieve(
  s: Session,
  found: { path: string; file: FtpFile } | undefined,
  offset: number,
  script: TransferScript | undefined,
): Promise<void> {
  const scripted = dataOf(script)
  const source =
    scripted === undefined ? (found?.file ?? bufferSource(Buffer.alloc(0))) : bufferSource(scripted)
  const ascii = scripted === undefined && s.type === 'A'
  const name = found?.path ?? 'file'
  const what = `${ascii ? 'ASCII' : 'BINARY'} mode data connection for ${name} (${source.size} bytes)`
  return send(s, source, scripted === undefined ? offset : 0, ascii, script, what)
}

export function runList(
  s: Session,
  listing: Buffer,
  script: TransferScript | undefined,
): Promise<void> {
  const bytes = dataOf(script) ?? listing
  return send(
    s,
    bufferSource(bytes),
    0,
    false,
    script,
    'ASCII mode data connection for the listing',
  )
}

export async function runStore(
  s: Session,
  path: string,
  script: TransferScript | undefined,
): Promise<void> {
  await asTransfer(s, async () => {
    const data = await s.data.open(s.env.dataTimeoutMs)
    if (data === undefined) {
      await s.reply('425 Failed to establish connection.')
      return
    }
    await preliminary(s, script, `data connection for ${path}`)
    const bytes = await receiveAll(data)
    if (bytes !== undefined) s.env.log.store({ conn: s.conn, path, bytes, at: performance.now() })
    await s.reply(
      script?.then === undefined
        ? bytes === undefined
          ? '426 Transfer aborted.'
          : '226 Transfer complete.'
        : script.then,
    )
  })
}
