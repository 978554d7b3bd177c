import type { Socket } from 'node:net'
import { TLSSocket } from 'node:tls'
import { authorityOf } from '../net/loopback.js'
import type { TranscriptRecorder } from '../net/transcript.js'
import { tlsDetail } from './connect-socket.js'
import type { ReceiveBuffer } from './receive-buffer.js'

/** Errors that mean the peer tore the connection down (RST), not that we broke something. */
const RESET_CODES = new Set(['ECONNRESET', 'EPIPE'])

export interface SocketWatch {
  /** Resolves when the socket has closed, whoever closed it. */
  readonly closed: Promise<void>
  /** Marks the coming close as ours, for the evidence. */
  closingLocally(): void
}

/**
 * Feeds every socket event into the receive buffer and the transcript, from
 * before the connection is up, so not one byte or event goes missing.
 * Directions are relative to the target: what we receive is 'from-target'.
 */
export function watchSocket(
  socket: Socket,
  buffer: ReceiveBuffer,
  transcript: TranscriptRecorder,
  conn: string,
): SocketWatch {
  const record = (event: Parameters<TranscriptRecorder['record']>[0]): void =>
    transcript.record(event)
  let local = false
  socket.once('connect', () => {
    const peer = authorityOf(socket.remoteAddress ?? '?', socket.remotePort ?? 0)
    record({
      hop: 'client',
      conn,
      type: 'open',
      detail: `to ${peer} from port ${socket.localPort ?? '?'}`,
    })
  })
  socket.once('secureConnect', () => {
    if (socket instanceof TLSSocket)
      record({ hop: 'client', conn, type: 'tls', detail: tlsDetail(socket) })
  })
  socket.on('data', (data: Buffer) => {
    transcript.data('client', conn, 'from-target', data)
    buffer.push(data)
  })
  socket.on('end', () => {
    record({ hop: 'client', conn, type: 'end', dir: 'from-target' })
    buffer.peerClosed('eof')
  })
  socket.on('error', (error: NodeJS.ErrnoException) => {
    const code = error.code ?? ''
    if (RESET_CODES.has(code)) {
      record({ hop: 'client', conn, type: 'reset', dir: 'from-target', detail: code })
    } else {
      record({ hop: 'client', conn, type: 'error', detail: `${code} ${error.message}`.trim() })
    }
    // The connection is dead without a FIN: for a reader that is a reset.
    buffer.peerClosed('reset')
  })
  const closed = new Promise<void>((resolve) => {
    socket.once('close', () => {
      record(
        local
          ? { hop: 'client', conn, type: 'close', detail: 'closed by the harness client' }
          : { hop: 'client', conn, type: 'close' },
      )
      resolve()
    })
  })
  return {
    closed,
    closingLocally: () => {
      local = true
    },
  }
}
