import { connect, type Socket } from 'node:net'
import { connect as connectTls } from 'node:tls'
import { isTimeout, raceTimeout } from '../../net/deadline.js'
import { HarnessError } from '../../net/errors.js'
import type { OriginRequest, StartedOrigin } from '../../origin/types.js'
import type { Role } from '../model/roles.js'
import {
  originHostFor,
  type RunEnvironment,
  type TargetEndpoint,
} from '../environment/environment.js'

/** The roles that carry a request to an origin the harness names in their config. */
const GATEWAY_ROLES = new Set(['reverse', 'tls-terminator', 'tls-originator'])

/** Non-printable bytes shown as \xNN, for a one-line reason. */
function printable(text: string): string {
  return JSON.stringify(text).slice(1, -1)
}

interface Plan {
  /** The origin the request must reach. */
  readonly origin: StartedOrigin
  /** What the origin is known as: the Host the preflight sends, the name a config uses. */
  readonly host: string
  /** What to tell a user to point the target at. */
  readonly expects: string
  readonly tls: boolean
}

function planFor(role: Role, env: RunEnvironment): Plan {
  // The Host the cases send in this role (--host, else the upstream's authority).
  const host = originHostFor(env, role)
  if (role === 'tls-originator') {
    return {
      origin: env.tls.origin,
      host,
      expects: `the harness TLS origin at ${env.tls.origin.authority}, reached as https://${host} (SNI ${env.tls.name}, trusting the run CA: --spawn {origin_tls} {ca})`,
      tls: false,
    }
  }
  return {
    origin: env.origin,
    host,
    expects: `the harness origin at ${env.origin.url}, the path kept as sent (--spawn {origin})`,
    tls: role === 'tls-terminator',
  }
}

/** Opens the client side: TLS with any certificate for a terminator (the tls suite grades it), plain otherwise. */
function open(target: TargetEndpoint, tls: boolean): Socket {
  if (!tls) return connect({ host: target.host, port: target.port })
  return connectTls({
    host: target.host,
    port: target.port,
    servername: 'localhost',
    rejectUnauthorized: false,
    // The widest client: an old protocol is the tls suite's verdict, not a reason to stop here.
    minVersion: 'TLSv1',
    ciphers: 'DEFAULT@SECLEVEL=0',
  })
}

/**
 * Sends one request through a gateway-role target (reverse, tls-terminator,
 * tls-originator) with a fresh token in its path and requires it to reach
 * the harness origin before any case runs. A target configured toward
 * another upstream answers every case itself (a 404 from a default site
 * "passes" a case that only looks for a refusal), so the run stops here with
 * one line: what came back instead, and where the origin is and what Host the
 * request carried. A TLS handshake the harness cannot make at all is left to
 * the tls suite.
 */
export async function assertReachesOrigin(
  label: string,
  target: TargetEndpoint,
  env: RunEnvironment,
  timeoutMs = 2500,
): Promise<void> {
  if (!GATEWAY_ROLES.has(target.role)) return
  const plan = planFor(target.role, env)
  const token = env.tokens.next()
  const path = `/${token}/proxyspec-preflight`
  const reached: Promise<OriginRequest | undefined> = plan.origin
    .nextRequest(token, timeoutMs)
    .then((r) => (isTimeout(r) ? undefined : r))
  const socket = open(target, plan.tls)
  let received = ''
  let secured = false
  let handshakeFailed: string | undefined
  const answered = new Promise<string>((resolve) => {
    socket.once(plan.tls ? 'secureConnect' : 'connect', () => {
      secured = true
      socket.write(
        `GET ${path} HTTP/1.1\r\nHost: ${plan.host}\r\nConnection: close\r\nUser-Agent: proxyspec-preflight\r\n\r\n`,
      )
    })
    socket.on('data', (chunk: Buffer) => {
      received = (received + chunk.toString('latin1')).slice(0, 200)
      const line = /^[^\r\n]*(?=\r?\n)/.exec(received)?.[0]
      if (line !== undefined) resolve(`it answered "${printable(line)}"`)
    })
    socket.once('end', () => {
      resolve(
        received === ''
          ? 'it closed the connection without answering'
          : `it answered "${printable(received.split(/\r?\n/)[0] ?? '')}" and closed`,
      )
    })
    socket.once('error', (error: NodeJS.ErrnoException) => {
      if (plan.tls && !secured) {
        handshakeFailed = error.message
      }
      resolve(
        error.code === 'ECONNRESET'
          ? 'it reset the connection'
          : `the connection failed: ${error.code ?? error.message}`,
      )
    })
  })
  try {
    const first = await raceTimeout(
      'the preflight request at the origin or an answer',
      Promise.race([reached.then((r) => (r === undefined ? 'timeout' : r)), answered]),
      timeoutMs,
    )
    if (typeof first === 'object' && !isTimeout(first)) return
    // A target that forwards answers after the origin saw the request; a little grace for the record.
    if (typeof first === 'string' && first !== 'timeout') {
      const late = await raceTimeout('the preflight request at the origin', reached, 250)
      if (late !== undefined && !isTimeout(late)) return
    }
    if (handshakeFailed !== undefined) return
    const what =
      typeof first === 'string' && first !== 'timeout'
        ? first
        : received === ''
          ? `no answer within ${timeoutMs} ms`
          : `only "${printable(received)}" within ${timeoutMs} ms`
    throw new HarnessError(
      'HARNESS_TARGET_UNREACHABLE',
      `target ${label} (${target.role}) does not pass requests on to the harness origin: ${what} to "GET ${path}" (Host: ${plan.host}) and nothing reached ${plan.expects}`,
    )
  } finally {
    socket.destroy()
    plan.origin.forget(token)
  }
}
