import { startBannerServer, startEchoServer, startSinkServer } from '../../tcp/index.js'
import { startNextHop, type StartedNextHop } from '../../nexthop/index.js'
import type { StartedTcpServer } from '../../tcp/types.js'

export type TcpKind = 'echo' | 'sink' | 'banner'

const START: Record<TcpKind, () => Promise<StartedTcpServer>> = {
  echo: () => startEchoServer(),
  sink: () => startSinkServer(),
  banner: () => startBannerServer(),
}

/**
 * CONNECT targets started once per run, so their ports can be put into a
 * target's allow-list before it starts (a spawned proxy reads them from the
 * {connect_ports} placeholder). Each is leased to one case at a time, so every
 * connection it sees belongs to that case's evidence.
 */
export class TcpPool {
  readonly #free = new Map<TcpKind, StartedTcpServer[]>()
  readonly #all: StartedTcpServer[] = []
  readonly #waiters = new Map<TcpKind, ((server: StartedTcpServer) => void)[]>()
  #nextHop: StartedNextHop | undefined

  static async start(perKind: number): Promise<TcpPool> {
    const pool = new TcpPool()
    try {
      pool.#nextHop = await startNextHop()
      for (const kind of ['echo', 'sink', 'banner'] as const) {
        const servers = await Promise.all(Array.from({ length: perKind }, () => START[kind]()))
        pool.#all.push(...servers)
        pool.#free.set(kind, servers)
      }
    } catch (error) {
      await pool.close()
      throw error
    }
    return pool
  }

  /**
   * The run's harness next-hop proxy (harness/nexthop): the target is told to
   * send its CONNECTs on to it ({next_hop}); chained cases script it by the
   * port of their own leased CONNECT target.
   */
  get nextHop(): StartedNextHop {
    if (this.#nextHop === undefined) throw new Error('[proxyspec] the TCP pool is not started')
    return this.#nextHop
  }

  /** Every port in the pool, for allow-lists. */
  get ports(): number[] {
    return this.#all.map((server) => server.port)
  }

  /** Resolves with a server of `kind` no other case holds; release it when done. */
  lease(
    kind: TcpKind,
    signal: AbortSignal,
  ): Promise<{ server: StartedTcpServer; release: () => void }> {
    const wrap = (server: StartedTcpServer): { server: StartedTcpServer; release: () => void } => {
      let released = false
      return {
        server,
        release: () => {
          if (released) return
          released = true
          this.#giveBack(kind, server)
        },
      }
    }
    const free = this.#free.get(kind) ?? []
    const server = free.pop()
    if (server !== undefined) return Promise.resolve(wrap(server))
    return new Promise((resolve, reject) => {
      const waiters = this.#waiters.get(kind) ?? []
      this.#waiters.set(kind, waiters)
      const waiter = (leased: StartedTcpServer): void => {
        signal.removeEventListener('abort', onAbort)
        resolve(wrap(leased))
      }
      const onAbort = (): void => {
        waiters.splice(waiters.indexOf(waiter), 1)
        reject(new Error(`[proxyspec] no ${kind} server became free before the case deadline`))
      }
      signal.addEventListener('abort', onAbort, { once: true })
      waiters.push(waiter)
    })
  }

  #giveBack(kind: TcpKind, server: StartedTcpServer): void {
    server.forgetClosed()
    const waiter = this.#waiters.get(kind)?.shift()
    if (waiter !== undefined) waiter(server)
    else this.#free.get(kind)?.push(server)
  }

  async close(): Promise<void> {
    await Promise.all([...this.#all.map((server) => server.close()), this.#nextHop?.close()])
  }
}
