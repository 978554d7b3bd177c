/**
 * One connection at a backend: read requests leniently, tell health checks
 * from client traffic, record each, and answer them in order as the controls
 * of their arrival say (respond, delay, cut, reset, or stay silent).
 */
import type { Socket } from 'node:net'
import { firstFieldValue } from '../wire/fields.js'
import { createRequestParser } from '../wire/parser.js'
import { responseBytes } from '../wire/serialize.js'
import type { RequestHead } from '../wire/types.js'
import {
  clientPlan,
  healthPlan,
  pathOf,
  readRequestOf,
  type Controls,
  type Plan,
} from './controls.js'
import { idInHeaders, idInTarget } from './lb-id.js'
import type { LiveConnection, LiveRequest, RequestFacts } from './records.js'
import type { HealthAnswer, HealthCheck, RequestOutcome } from './types.js'

/** The largest request head a backend reads (as harness/origin: the backend is never the one that refuses). */
const MAX_HEAD_BYTES = 1024 * 1024
/** How long a connection we closed waits for the peer's FIN before it is destroyed. */
const LINGER_MS = 2000
/** How long cutBody(k, 'rst') waits between the bytes and the RST (see there). */
const RST_AFTER_DATA_MS = 50

export interface ConnectionDeps {
  readonly name: string
  readonly healthPath: string
  readonly controls: Controls
  readonly record: LiveConnection
  /** Records a client request (the backend numbers it and counts it in flight). */
  addRequest(facts: Omit<RequestFacts, 'seq' | 'inFlightOnArrival'>): LiveRequest
  addHealthCheck(check: Omit<HealthCheck, 'seq'>): void
  /** A client request's answer ended. */
  settled(request: LiveRequest): void
  changed(): void
  /** A timer the backend clears when it closes. */
  later(ms: number, fn: () => void): () => void
}

export interface ServedConnection {
  readonly record: LiveConnection
  /** RST now; every request still in flight here ends as 'reset'. */
  reset(): void
  /** Start the idle-close timer if the connection is idle and the control is on. */
  armIdle(): void
  disarmIdle(): void
  /** If the connection is idle, its next request finds it closed (FIN first, the request unanswered). */
  expireIdle(): void
}

export function serveBackendConnection(socket: Socket, deps: ConnectionDeps): ServedConnection {
  const { record, controls } = deps
  const parser = createRequestParser({ mode: 'lenient', maxHeadBytes: MAX_HEAD_BYTES })
  /** Client requests read whose answer has not ended. */
  const pending = new Set<LiveRequest>()
  /** Responses go out in request order (pipelining): each waits for the one before. */
  let queue: Promise<void> = Promise.resolve()
  let queued = 0
  let received = 0
  /** No more bytes go out. */
  let done = false
  /** A silent answer was planned: nothing after it goes out either. */
  let stalled = false
  /** expireIdle() caught it idle: the next bytes find it closed (the stale keep-alive race). */
  let expiring = false
  /** A response said `close`: requests after it are recorded (afterClose), never answered (RFC 9112 §9.6). */
  let saidClose = false
  /** The request whose head was read and whose body is still coming. */
  let current: { readonly head: RequestHead; readonly request?: LiveRequest } | undefined
  let stopIdle: (() => void) | undefined

  const end = (request: LiveRequest | undefined, outcome: RequestOutcome): void => {
    if (request === undefined) return
    if (!request.settle(outcome)) return
    pending.delete(request)
    deps.settled(request)
  }

  const write = (bytes: Buffer): void => {
    if (!done && socket.writable) socket.write(bytes)
  }

  /** We close: FIN after what was written, then wait (bounded) for the peer's. */
  const finish = (): void => {
    if (done) return
    done = true
    disarmIdle()
    if (socket.destroyed) return
    record.closing('backend', 'fin')
    socket.setTimeout(LINGER_MS, () => socket.destroy())
    socket.end()
    deps.changed()
  }

  const reset = (): void => {
    if (socket.destroyed) return
    done = true
    disarmIdle()
    record.closing('backend', 'reset')
    for (const request of [...pending]) end(request, 'reset')
    socket.resetAndDestroy()
    deps.changed()
  }

  const isIdle = (): boolean =>
    !done && !saidClose && pending.size === 0 && queued === 0 && received === parser.completedBytes

  function armIdle(): void {
    const ms = controls.idleCloseMs
    if (ms === undefined || stopIdle !== undefined || !isIdle()) return
    stopIdle = deps.later(ms, () => {
      stopIdle = undefined
      if (isIdle()) finish()
    })
  }
  function disarmIdle(): void {
    stopIdle?.()
    stopIdle = undefined
  }

  const delay = (ms: number): Promise<void> =>
    ms <= 0 ? Promise.resolve() : new Promise((resolve) => deps.later(ms, resolve))

  /** Piece size and pace of a streamed body: 20 pieces a second. */
  const STREAM_TICK_MS = 50

  async function stream(plan: Extract<Plan, { kind: 'stream' }>): Promise<boolean> {
    write(plan.head)
    const piece = Math.max(1, Math.round((plan.bytesPerSecond * STREAM_TICK_MS) / 1000))
    for (let at = 0; at < plan.body.length; at += piece) {
      if (at > 0) await delay(STREAM_TICK_MS)
      if (done) return false
      write(plan.body.subarray(at, at + piece))
    }
    return true
  }

  async function execute(plan: Plan, request: LiveRequest | undefined): Promise<void> {
    if (done || stalled || saidClose) return
    switch (plan.kind) {
      case 'silent':
        stalled = true
        return
      case 'reset':
        reset()
        return
      case 'respond':
        await delay(plan.delayMs)
        if (done) return
        if (request !== undefined) request.status = plan.status
        write(plan.bytes)
        end(request, 'answered')
        if (!plan.close) return
        if (plan.lingerMs <= 0) finish()
        else {
          // Drain with a linger: the close was said; the FIN follows a moment later.
          saidClose = true
          disarmIdle()
          deps.later(plan.lingerMs, finish)
        }
        return
      case 'stream':
        await delay(plan.delayMs)
        if (done) return
        if (request !== undefined) request.status = plan.status
        if (!(await stream(plan))) return
        end(request, 'answered')
        if (plan.close) finish()
        return
      case 'cut':
        await delay(plan.delayMs)
        if (done) return
        if (request !== undefined) request.status = plan.status
        end(request, 'cut')
        if (plan.how === 'fin') {
          write(plan.bytes)
          finish()
        } else if (socket.writable) {
          done = true
          // Linux hands a reader that has not read yet an EOF, not the RST, when an
          // RST comes after data (tcp_recvmsg sees SOCK_DONE first): the RST waits
          // a moment after the bytes left, so a peer reading at once sees it as such.
          socket.write(plan.bytes, () => deps.later(RST_AFTER_DATA_MS, reset))
        }
        return
    }
  }

  function enqueue(plan: Plan, request: LiveRequest | undefined): void {
    queued += 1
    queue = queue.then(async () => {
      try {
        await execute(plan, request)
      } finally {
        queued -= 1
        armIdle()
        deps.changed()
      }
    })
  }

  function begin(head: RequestHead): {
    readonly head: RequestHead
    readonly request?: LiveRequest
  } {
    record.requests += 1
    const idInPath = idInTarget(head.target)
    const idInHeader = idInHeaders(head.headers)
    const id = idInPath ?? idInHeader
    const common = {
      conn: record.id,
      connSeq: record.requests,
      reused: record.requests > 1,
      afterClose: done || saidClose,
      method: head.method,
      target: head.target,
      version: head.version,
      host: firstFieldValue(head.headers, 'host'),
      headers: head.headers,
      arrivedAt: performance.now(),
    }
    if (id === undefined && pathOf(head.target) === deps.healthPath) {
      const answer: HealthAnswer = controls.health
      deps.addHealthCheck({ ...common, answer })
      return { head }
    }
    const request = deps.addRequest({ ...common, id, idInPath, idInHeader })
    pending.add(request)
    return { head, request }
  }

  function pump(): void {
    // Requests that come after the backend closed its side are still read and
    // recorded (afterClose): a client that writes on after `close` is evidence.
    for (;;) {
      let event
      try {
        event = parser.next()
      } catch {
        // Lenient parsing gives up only on what it cannot get past: answer 400 and close.
        const bytes = responseBytes({
          status: 400,
          headers: [
            ['Content-Length', '0'],
            ['Connection', 'close'],
          ],
        })
        queue = queue.then(() => {
          write(bytes)
          finish()
        })
        return
      }
      if (event === undefined) return
      if (event.type === 'head') {
        current = begin(event.head)
      } else if (event.type === 'body') {
        current?.request?.addBody(event.data)
      } else if (event.type === 'message') {
        const read = current ?? begin(event.message.head)
        current = undefined
        // A request cut short by the peer's close is not answered: it ends 'closed'.
        if (!event.message.complete) continue
        if (read.request !== undefined) read.request.complete = true
        const request = readRequestOf(read.head, read.request?.id)
        const plan =
          read.request === undefined
            ? healthPlan(deps.name, controls, request)
            : clientPlan(deps.name, controls, request)
        enqueue(plan, read.request)
      }
    }
  }

  /** reset-after(n): once n bytes of a request are in (unless it is a health check). */
  function resetAfterBytes(): void {
    const fault = controls.fault
    if (done || fault.kind !== 'reset-after' || fault.after === 'request') return
    if (received - parser.completedBytes < fault.after) return
    if (current !== undefined && current.request === undefined) return
    reset()
  }

  socket.on('data', (chunk: Buffer) => {
    received += chunk.length
    record.bytesIn += chunk.length
    disarmIdle()
    // Its idle time ran out as these bytes were on their way: closed first, then read (afterClose).
    if (expiring) finish()
    parser.push(chunk)
    pump()
    resetAfterBytes()
    deps.changed()
  })
  socket.on('end', () => {
    record.closing('peer', 'fin')
    parser.end()
    pump()
    // Answer what was asked, then close our side: a half-closed peer still reads.
    // A silent connection has nothing more to say: it closes its side at once.
    if (stalled) finish()
    else queue = queue.then(() => finish())
    deps.changed()
  })
  socket.on('error', (error: NodeJS.ErrnoException) => {
    record.closing('peer', error.code === 'ECONNRESET' ? 'reset' : 'fin')
  })
  socket.on('close', () => {
    done = true
    disarmIdle()
    record.closedAt = performance.now()
    record.closing('peer', 'fin')
    for (const request of [...pending]) end(request, record.how === 'reset' ? 'reset' : 'closed')
    deps.changed()
  })

  const expireIdle = (): void => {
    if (isIdle()) expiring = true
  }

  return { record, reset, armIdle, disarmIdle, expireIdle }
}
