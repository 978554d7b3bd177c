/**
 * One backend: a loopback listener that can be closed and reopened on the
 * same port, its connections, its records and the waits on them.
 */
import { createServer, type Server, type Socket } from 'node:net'
import { ConnectionTracker, closeServer } from '../net/connection-tracker.js'
import { Deadline, type TimeoutValue } from '../net/deadline.js'
import { HarnessError } from '../net/errors.js'
import { authorityOf, listenLoopback, type LoopbackHost } from '../net/loopback.js'
import { onceClose } from '../net/started.js'
import { ChangeSignal } from '../tcp/wait-until.js'
import { serveBackendConnection, type ServedConnection } from './backend-connection.js'
import { normalControls } from './controls.js'
import { LiveConnection, LiveRequest } from './records.js'
import type { Backend, HealthCheck, Within } from './types.js'

/** A count or a duration a control takes: a non-negative finite number. */
function amount(what: string, n: number): number {
  if (!Number.isFinite(n) || n < 0) {
    throw new HarnessError('HARNESS_BAD_INPUT', `${what} must be a non-negative number, not ${n}`)
  }
  return n
}

export interface BackendOptions {
  readonly name: string
  readonly host: LoopbackHost
  readonly healthPath: string
}

export interface StartedBackend extends Backend {
  close(): Promise<void>
}

export async function startBackend(options: BackendOptions): Promise<StartedBackend> {
  const { name, host, healthPath } = options
  const controls = normalControls()
  const changes = new ChangeSignal()
  const tracker = new ConnectionTracker()
  const requests: LiveRequest[] = []
  const healthChecks: HealthCheck[] = []
  const connections: LiveConnection[] = []
  const live = new Set<ServedConnection>()
  const timers = new Set<NodeJS.Timeout>()
  let inFlight = 0
  let maxInFlight = 0
  let closed = false

  const changed = (): void => changes.notify()
  const later = (ms: number, fn: () => void): (() => void) => {
    const timer = setTimeout(() => {
      timers.delete(timer)
      fn()
    }, ms)
    timers.add(timer)
    return () => {
      clearTimeout(timer)
      timers.delete(timer)
    }
  }

  const accept = (socket: Socket): void => {
    tracker.add(socket)
    socket.on('error', () => undefined)
    const record = new LiveConnection(`${name}-${connections.length + 1}`)
    connections.push(record)
    const served = serveBackendConnection(socket, {
      name,
      healthPath,
      controls,
      record,
      addRequest(facts) {
        inFlight += 1
        maxInFlight = Math.max(maxInFlight, inFlight)
        const request = new LiveRequest({
          ...facts,
          seq: requests.length + 1,
          inFlightOnArrival: inFlight,
        })
        requests.push(request)
        return request
      },
      addHealthCheck(check) {
        healthChecks.push({ ...check, seq: healthChecks.length + 1 })
      },
      settled() {
        inFlight -= 1
      },
      changed,
      later,
    })
    live.add(served)
    socket.once('close', () => live.delete(served))
    served.armIdle()
    changed()
  }

  let server: Server | undefined
  const listen = async (port: number): Promise<number> => {
    const next = createServer({ allowHalfOpen: true }, accept)
    try {
      const address = await listenLoopback(next, host, port)
      server = next
      return address.port
    } catch (error) {
      throw new HarnessError(
        'HARNESS_LISTEN_FAILED',
        `backend ${name} cannot listen on ${authorityOf(host, port)}`,
        { cause: error },
      )
    }
  }
  const port = await listen(0)

  /** Closes the listener only: the connections it accepted stay open. */
  const refuse = async (): Promise<void> => {
    const current = server
    server = undefined
    if (current === undefined) return
    // The listening socket is gone once close() returns; its 'close' waits for the connections.
    current.close()
    await Promise.resolve()
    changed()
  }
  const comeBack = async (): Promise<void> => {
    if (server !== undefined || closed) return
    await listen(port)
    changed()
  }

  const within = <T>(what: string, check: () => T | undefined, budget: Within) =>
    budget instanceof Deadline
      ? changes.until(what, check, budget.remainingMs(), budget.signal)
      : changes.until(what, check, budget)

  const close = onceClose(async () => {
    closed = true
    for (const timer of timers) clearTimeout(timer)
    timers.clear()
    const current = server
    server = undefined
    if (current !== undefined) await closeServer(current, tracker)
    tracker.destroyAll()
  })

  const backend: StartedBackend = {
    name,
    host,
    port,
    authority: authorityOf(host, port),
    requests,
    healthChecks,
    connections,
    get inFlight() {
      return inFlight
    },
    get maxInFlight() {
      return maxInFlight
    },
    get listening() {
      return server !== undefined
    },
    health(answer) {
      controls.health = answer
    },
    refuse,
    comeBack,
    resetAfter(n) {
      controls.fault = { kind: 'reset-after', after: n === 'request' ? n : amount('resetAfter', n) }
    },
    blackhole() {
      controls.fault = { kind: 'blackhole' }
    },
    slow(ms) {
      controls.slowMs = amount('slow', ms)
    },
    cutBody(k, how, framing = 'content-length') {
      controls.fault = { kind: 'cut-body', k: amount('cutBody', k), how, framing }
    },
    drain(lingerMs = 0) {
      controls.drainLingerMs = amount('drain', lingerMs)
      controls.drain = true
    },
    addResponseFields(lines) {
      controls.responseFields = [...controls.responseFields, ...lines]
    },
    idleClose(ms) {
      controls.idleCloseMs = amount('idleClose', ms)
      for (const served of live) served.armIdle()
    },
    expireIdle() {
      for (const served of live) served.expireIdle()
      changed()
    },
    stream(bytes, bytesPerSecond) {
      controls.fault = {
        kind: 'stream',
        bytes: amount('stream', bytes),
        bytesPerSecond: Math.max(1, amount('stream', bytesPerSecond)),
      }
    },
    async kill() {
      for (const served of [...live]) served.reset()
      await refuse()
    },
    async heal() {
      Object.assign(controls, normalControls())
      for (const served of live) served.disarmIdle()
      await comeBack()
    },
    waitForRequests: (n, budget) =>
      within(
        `${n} client requests at ${name}`,
        () => (requests.length >= n ? requests : undefined),
        budget,
      ),
    waitForRequest: (id, budget) =>
      within(`request ${id} at ${name}`, () => requests.find((r) => r.id === id), budget),
    waitForHealthChecks: (n, budget) =>
      within(
        `${n} health checks at ${name}`,
        () => (healthChecks.length >= n ? healthChecks : undefined),
        budget,
      ),
    waitForConnections: (n, budget) =>
      within(
        `${n} connections at ${name}`,
        () => (connections.length >= n ? connections : undefined),
        budget,
      ),
    waitFor: <T>(
      what: string,
      check: () => T | undefined,
      budget: Within,
    ): Promise<T | TimeoutValue> => within(`${what} at ${name}`, check, budget),
    close,
  }
  return backend
}
