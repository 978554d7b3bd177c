import { createServer, type Socket } from 'node:net'
import { ConnectionTracker, closeServer } from '../net/connection-tracker.js'
import { authorityOf, listenLoopback } from '../net/loopback.js'
import { onceClose } from '../net/started.js'
import { LiveConnectionRecord } from './connection-record.js'
import type {
  StartedTcpServer,
  TcpConnectionRecord,
  TcpDriver,
  TcpEvent,
  TcpEventListener,
} from './types.js'
import { ChangeSignal } from './wait-until.js'

/** One accepted connection, as a server behaviour drives it. */
export interface TcpConnection {
  readonly record: LiveConnectionRecord
  readonly socket: Socket
  /** Writes to the peer (and tells the listeners); pauses reading until the peer drains it. */
  write(data: Buffer): void
  /** Half-closes our side (FIN) once everything written so far is sent. */
  end(): void
}

/** What makes an echo an echo: hooks called for each connection event. */
export interface TcpBehaviour {
  readonly kind: StartedTcpServer['kind']
  onOpen?(conn: TcpConnection): void
  onData?(conn: TcpConnection, data: Buffer): void
  onPeerEnd?(conn: TcpConnection): void
}

/**
 * The server shared by echo, sink and banner: loopback listener, one record per
 * connection, event-based waits and event listeners for transcript taps.
 * allowHalfOpen, so a peer's FIN is observable on its own and our side closes
 * only when the behaviour says so.
 */
export async function startTcpServer(behaviour: TcpBehaviour): Promise<StartedTcpServer> {
  const prefix = behaviour.kind.charAt(0)
  const records: LiveConnectionRecord[] = []
  const drivers = new Map<string, TcpDriver>()
  const listeners = new Set<TcpEventListener>()
  const changes = new ChangeSignal()
  const tracker = new ConnectionTracker()

  const emit = (event: TcpEvent): void => {
    for (const listener of [...listeners]) listener(event)
  }

  const server = createServer({ allowHalfOpen: true }, (socket) => {
    const record = new LiveConnectionRecord(`${prefix}${records.length + 1}`)
    records.push(record)
    const conn = connectionOf(record, socket, emit)
    drivers.set(record.id, {
      write: (data) => conn.write(data),
      end: () => conn.end(),
      reset: () => {
        if (!socket.destroyed) socket.resetAndDestroy()
      },
    })
    socket.on('data', (data: Buffer) => {
      record.append(data)
      emit({ type: 'data', conn: record.id, dir: 'in', data })
      behaviour.onData?.(conn, data)
      changes.notify()
    })
    socket.on('end', () => {
      record.peerEnded = true
      emit({ type: 'end', conn: record.id, dir: 'in' })
      behaviour.onPeerEnd?.(conn)
      changes.notify()
    })
    socket.on('error', (error: NodeJS.ErrnoException) => {
      record.error = error.code ?? error.message
    })
    socket.on('close', () => {
      record.closed = true
      emit(
        record.error === undefined
          ? { type: 'close', conn: record.id }
          : { type: 'close', conn: record.id, error: record.error },
      )
      changes.notify()
    })
    emit({ type: 'open', conn: record.id })
    behaviour.onOpen?.(conn)
    changes.notify()
  })
  tracker.watch(server)
  const address = await listenLoopback(server)
  const close = onceClose(async () => {
    await closeServer(server, tracker)
    changes.close()
  })
  const find = (id: string): LiveConnectionRecord | undefined => records.find((r) => r.id === id)

  return {
    kind: behaviour.kind,
    host: address.address,
    port: address.port,
    authority: authorityOf(address.address, address.port),
    get connections(): readonly TcpConnectionRecord[] {
      return records
    },
    forgetClosed() {
      for (const record of records) if (record.closed) record.forget()
    },
    nextConnection(timeoutMs) {
      const seen = records.length
      return changes.until(
        `a connection to the ${behaviour.kind} server`,
        () => records[seen],
        timeoutMs,
      )
    },
    waitForBytes(id, n, timeoutMs) {
      return changes.until(
        `${n} bytes on ${behaviour.kind} connection ${id}`,
        () => {
          const record = find(id)
          // A closed connection gets no more bytes: answer now rather than at the deadline.
          return record !== undefined && (record.receivedLength >= n || record.closed)
            ? record
            : undefined
        },
        timeoutMs,
      )
    },
    waitForPeerEnd(id, timeoutMs) {
      return changes.until(
        `the peer of ${behaviour.kind} connection ${id} to end`,
        () => {
          const record = find(id)
          return record !== undefined && (record.peerEnded || record.closed) ? record : undefined
        },
        timeoutMs,
      )
    },
    drive: (id) => drivers.get(id),
    onEvent(listener) {
      listeners.add(listener)
      return () => {
        listeners.delete(listener)
      }
    },
    close,
    [Symbol.asyncDispose]: () => close(),
  }
}

function connectionOf(
  record: LiveConnectionRecord,
  socket: Socket,
  emit: (event: TcpEvent) => void,
): TcpConnection {
  return {
    record,
    socket,
    write(data) {
      if (!socket.writable) return
      emit({ type: 'data', conn: record.id, dir: 'out', data })
      // Backpressure: a peer that does not read must not make us buffer without bound.
      if (!socket.write(data)) {
        socket.pause()
        socket.once('drain', () => socket.resume())
      }
    },
    end() {
      if (!socket.writable) return
      emit({ type: 'end', conn: record.id, dir: 'out' })
      socket.end()
    },
  }
}
