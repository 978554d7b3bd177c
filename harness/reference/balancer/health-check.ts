/**
 * One active health check: the balancer's own request to a backend's health
 * path on a fresh connection, answered within the check timeout or failed.
 * Only the status line is read; the connection is closed at once after it.
 */
import { connect } from 'node:net'
import type { ConnectionTracker } from '../../net/connection-tracker.js'
import type { BalancerProfile } from '../../engine/model/balancer-profile.js'
import type { Backend } from './backend.js'

/** What a check got: a status code, or why none came. */
export type CheckOutcome =
  | { readonly kind: 'status'; readonly status: number }
  | { readonly kind: 'timeout' }
  | { readonly kind: 'error'; readonly message: string }

/**
 * The bytes of a check: the declared method, path and version (default
 * GET / HTTP/1.1), with Host (the declared one, else the backend's
 * authority; RFC 9112 §3.2 requires it of HTTP/1.1, LB-12) and
 * Connection: close; nothing taken from client traffic.
 */
export function healthCheckRequest(profile: BalancerProfile, backend: Backend): string {
  const active = profile.active
  const method = active?.method ?? 'GET'
  const path = active?.path ?? '/'
  const version = active?.version ?? 'HTTP/1.1'
  const host = active?.host ?? backend.key
  return `${method} ${path} ${version}\r\nHost: ${host}\r\nConnection: close\r\n\r\n`
}

/** Whether a check passed: a 2xx or 3xx status line in time (HAProxy's and nginx's rule). */
export function healthCheckPassed(outcome: CheckOutcome): boolean {
  return outcome.kind === 'status' && outcome.status >= 200 && outcome.status < 400
}

/** Runs one check; resolves with its outcome within `timeoutMs`, never rejects. */
export function runCheck(
  backend: Backend,
  request: string,
  timeoutMs: number,
  tracker: ConnectionTracker,
): Promise<CheckOutcome> {
  return new Promise((resolve) => {
    const socket = connect({ host: backend.address, port: backend.port })
    tracker.add(socket)
    let received = ''
    let settled = false
    const finish = (outcome: CheckOutcome): void => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      socket.destroy()
      resolve(outcome)
    }
    const timer = setTimeout(() => finish({ kind: 'timeout' }), timeoutMs)
    socket.setNoDelay(true)
    socket.on('connect', () => socket.write(request, 'latin1'))
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('latin1')
      const end = received.indexOf('\r\n')
      if (end === -1) {
        if (received.length > 8192) finish({ kind: 'error', message: 'no status line' })
        return
      }
      const match = /^HTTP\/1\.[01] (\d{3}) /.exec(received.slice(0, end + 1).replace(/\r$/, ' '))
      finish(
        match === null
          ? { kind: 'error', message: 'an invalid status line' }
          : { kind: 'status', status: Number(match[1]) },
      )
    })
    socket.on('error', (error: NodeJS.ErrnoException) =>
      finish({ kind: 'error', message: error.code ?? error.message }),
    )
    socket.on('close', () => finish({ kind: 'error', message: 'closed before a status line' }))
  })
}
