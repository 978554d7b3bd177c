import type { Server, Socket } from 'node:net'

/**
 * Remembers every socket a server accepted so close() can destroy them:
 * server.close() alone waits for idle keep-alive connections, and a keep-alive
 * suite guarantees there will be some.
 */
export class ConnectionTracker {
  readonly #live = new Set<Socket>()
  #total = 0

  watch(server: Server): void {
    server.on('connection', (socket: Socket) => {
      this.add(socket)
    })
    server.on('secureConnection', (socket: Socket) => {
      this.add(socket)
    })
  }

  add(socket: Socket): void {
    if (this.#live.has(socket)) return
    this.#total += 1
    this.#live.add(socket)
    socket.once('close', () => this.#live.delete(socket))
  }

  get total(): number {
    return this.#total
  }

  get live(): number {
    return this.#live.size
  }

  destroyAll(): void {
    for (const socket of this.#live) socket.destroy()
    this.#live.clear()
  }
}

/** Closes a server and every socket it holds; resolves when the server has closed. Never throws. */
export async function closeServer(server: Server, tracker: ConnectionTracker): Promise<void> {
  await new Promise<void>((resolve) => {
    if (!server.listening) {
      tracker.destroyAll()
      resolve()
      return
    }
    server.close(() => {
      resolve()
    })
    tracker.destroyAll()
  })
}
