/**
 * The harness next-hop proxy ("U" in REQUIREMENTS.md §1.4): the upstream proxy
 * an intermediary under test is chained to. It records every request head it
 * receives (CONNECT-14: what the target sends on) and answers each CONNECT as
 * a case scripts it: a real tunnel, or exact bytes such as a 2xx carrying
 * Content-Length with tunnel data in the same write (CONNECT-03, CONNECT-04).
 * Loopback only: a tunnel goes to 127.0.0.0/8 or ::1, anything else gets 403.
 */
import { connect, createServer, isIPv4, isIPv6, type Socket } from 'node:net'
import { ConnectionTracker, closeServer } from '../net/connection-tracker.js'
import { authorityOf, listenLoopback } from '../net/loopback.js'
import { onceClose } from '../net/started.js'
import { ChangeSignal } from '../tcp/wait-until.js'
import { createRequestParser } from '../wire/parser.js'
import type { RequestHead } from '../wire/types.js'
import type { NextHopAnswer, NextHopOptions, NextHopRequest, StartedNextHop } from './types.js'

const ESTABLISHED = 'HTTP/1.1 200 Connection Established\r\n\r\n'

/** A response the next hop writes itself, framed and followed by close. */
function refusal(status: number, reason: string): string {
  return `HTTP/1.1 ${status} ${reason}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`
}

/** The port a request-target names (`host:port`), or undefined. */
function targetPort(target: string): number | undefined {
  const port = /:(\d{1,5})$/.exec(target)?.[1]
  return port === undefined ? undefined : Number(port)
}

/** host and port of an authority-form target when the host is loopback; the harness never leaves the machine. */
function loopbackTarget(target: string): { host: string; port: number } | undefined {
  const match = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(target)
  if (match === null) return undefined
  const host = match[1] ?? match[2] ?? ''
  const port = Number(match[3])
  const loopback =
    host === 'localhost' ||
    (isIPv4(host) && host.startsWith('127.')) ||
    (isIPv6(host) && host === '::1')
  return loopback && port >= 1 && port <= 65535
    ? { host: host === 'localhost' ? '127.0.0.1' : host, port }
    : undefined
}

class LiveRequest implements NextHopRequest {
  readonly id: string
  readonly head: RequestHead
  tunnelReceived: Buffer = Buffer.alloc(0)
  answered: string | undefined
  constructor(id: string, head: RequestHead) {
    this.id = id
    this.head = head
  }
}

/** Starts the next hop on a loopback port; close() destroys every connection it holds. */
export async function startNextHop(options: NextHopOptions = {}): Promise<StartedNextHop> {
  const requests: LiveRequest[] = []
  const rules = new Map<number, NextHopAnswer>()
  const changes = new ChangeSignal()
  const tracker = new ConnectionTracker()
  let connections = 0

  const answerOf = (head: RequestHead): NextHopAnswer => {
    const port = targetPort(head.target)
    return (
      (port === undefined ? undefined : rules.get(port)) ?? options.answer ?? { kind: 'tunnel' }
    )
  }

  /** Tunnel data from the client (first what came with the head): recorded, then handled. */
  const afterHead = (
    socket: Socket,
    request: LiveRequest,
    rest: Buffer,
    onData: (data: Buffer) => void,
  ): void => {
    const take = (data: Buffer): void => {
      request.tunnelReceived = Buffer.concat([request.tunnelReceived, data])
      changes.notify()
      onData(data)
    }
    if (rest.length > 0) take(rest)
    socket.on('data', take)
  }

  /** Writes the next hop's own answer, and records its status line for the case. */
  const said = (request: LiveRequest, response: string | Buffer): string | Buffer => {
    const text = typeof response === 'string' ? response : response.toString('latin1')
    request.answered = text.split('\r\n', 1)[0]
    changes.notify()
    return response
  }

  const answer = (socket: Socket, request: LiveRequest, rest: Buffer): void => {
    const { head } = request
    if (head.method !== 'CONNECT') {
      socket.end(said(request, refusal(501, 'Not Implemented')))
      return
    }
    const plan = answerOf(head)
    if (plan.kind === 'scripted') {
      socket.write(said(request, plan.response))
      const then = plan.then ?? 'echo'
      if (then === 'close') {
        socket.end()
        return
      }
      afterHead(socket, request, rest, (data) => {
        if (then === 'echo') socket.write(data)
      })
      socket.on('end', () => {
        if (then === 'echo') socket.end()
      })
      return
    }
    const to = loopbackTarget(head.target)
    if (to === undefined) {
      socket.end(said(request, refusal(403, 'Forbidden')))
      return
    }
    const upstream = connect({ host: to.host, port: to.port, allowHalfOpen: true })
    tracker.add(upstream)
    let connected = false
    upstream.on('error', () => {
      // Refused: answered, framed, then closed; a tunnel that breaks later is torn down.
      if (!connected && socket.writable) socket.end(said(request, refusal(502, 'Bad Gateway')))
      else if (!socket.destroyed) socket.resetAndDestroy()
    })
    upstream.once('connect', () => {
      connected = true
      socket.write(said(request, ESTABLISHED))
      afterHead(socket, request, rest, (data) => upstream.write(data))
      upstream.on('data', (data: Buffer) => socket.write(data))
      // What came from a side before its FIN is delivered to the other side, then the FIN
      // (RFC 9110 §9.3.6): a side that ended cleanly closes the other with end(), never
      // destroy(), which drops the bytes still queued toward it. squid closes both of its
      // sides on the client's FIN; writing the echo back to it then fails, and tearing the
      // target down on that error lost the tail of what squid had relayed (issue 10, item 2).
      // Only a side that broke before its FIN tears the other one down, and a
      // reset is passed on as a reset (RFC 9113 §8.5: the h2 tunnel rows tell
      // a reset from a FIN at the target, through this hop).
      let socketEnded = false
      let upstreamEnded = false
      socket.on('end', () => {
        socketEnded = true
        upstream.end()
      })
      upstream.on('end', () => {
        upstreamEnded = true
        socket.end()
      })
      const tearDown = (other: Socket): void => {
        if (!other.destroyed) other.resetAndDestroy()
      }
      socket.on('close', () => (socketEnded ? upstream.end() : tearDown(upstream)))
      upstream.on('close', () => (upstreamEnded ? socket.end() : tearDown(socket)))
      changes.notify()
    })
  }

  const server = createServer({ allowHalfOpen: true }, (socket) => {
    connections += 1
    const id = `u${connections}`
    const parser = createRequestParser({ mode: 'lenient' })
    socket.on('error', () => undefined)
    const onData = (data: Buffer): void => {
      parser.push(data)
      let event
      try {
        event = parser.next()
        while (event !== undefined && event.type !== 'head') event = parser.next()
      } catch {
        socket.off('data', onData)
        socket.end(refusal(400, 'Bad Request'))
        return
      }
      if (event === undefined) return
      socket.off('data', onData)
      const request = new LiveRequest(id, event.head)
      requests.push(request)
      changes.notify()
      // The CONNECT's own message event, then whatever followed the head is tunnel data.
      parser.next()
      answer(socket, request, parser.detach())
    }
    socket.on('data', onData)
  })
  tracker.watch(server)
  const address = await listenLoopback(server)
  const close = onceClose(async () => {
    await closeServer(server, tracker)
    tracker.destroyAll()
  })
  return {
    host: address.address,
    port: address.port,
    authority: authorityOf(address.address, address.port),
    get requests(): readonly NextHopRequest[] {
      return requests
    },
    answerFor(port, plan) {
      rules.set(port, plan)
      return () => {
        if (rules.get(port) === plan) rules.delete(port)
      }
    },
    nextRequest(port, timeoutMs) {
      const seen = requests.length
      return changes.until(
        `a request for port ${port} at the next-hop proxy`,
        () => requests.slice(seen).find((r) => targetPort(r.head.target) === port),
        timeoutMs,
      )
    },
    close,
    [Symbol.asyncDispose]: () => close(),
  }
}
