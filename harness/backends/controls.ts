/**
 * A backend's switchable controls (catalog §12.2.1) and the answers they make.
 * A request's answer is planned when the request has been read, from the
 * controls of that moment: switching later changes the requests after it.
 */
import { LB_BACKEND_FIELD, LB_ID_FIELD } from './lb-id.js'
import { responseBytes } from '../wire/serialize.js'
import { connectionOptions } from '../wire/fields.js'
import type { FieldLine, RequestHead } from '../wire/types.js'
import type { HealthAnswer } from './types.js'

export type Fault =
  | { readonly kind: 'none' }
  | { readonly kind: 'blackhole' }
  | { readonly kind: 'reset-after'; readonly after: number | 'request' }
  | {
      readonly kind: 'cut-body'
      readonly k: number
      readonly how: 'fin' | 'rst'
      readonly framing: 'content-length' | 'chunked'
    }
  | { readonly kind: 'stream'; readonly bytes: number; readonly bytesPerSecond: number }

export interface Controls {
  health: HealthAnswer
  fault: Fault
  slowMs: number
  drain: boolean
  /** How long a draining backend keeps the connection open after the response that said close. */
  drainLingerMs: number
  idleCloseMs: number | undefined
  /** Field lines of the backend's own on every client response (e.g. its Set-Cookie lines), in order. */
  responseFields: readonly FieldLine[]
}

export function normalControls(): Controls {
  return {
    health: 200,
    fault: { kind: 'none' },
    slowMs: 0,
    drain: false,
    drainLingerMs: 0,
    idleCloseMs: undefined,
    responseFields: [],
  }
}

/** What the backend does with one request it has read. */
export type Plan =
  | {
      readonly kind: 'respond'
      readonly status: number
      readonly bytes: Buffer
      readonly close: boolean
      /** After a response that said close, how long before the backend closes (drain's linger). */
      readonly lingerMs: number
      readonly delayMs: number
    }
  | {
      /** A head, then `body` written a piece at a time at `bytesPerSecond`. */
      readonly kind: 'stream'
      readonly status: number
      readonly head: Buffer
      readonly body: Buffer
      readonly bytesPerSecond: number
      readonly close: boolean
      readonly delayMs: number
    }
  | {
      readonly kind: 'cut'
      readonly status: number
      readonly bytes: Buffer
      readonly how: 'fin' | 'rst'
      readonly delayMs: number
    }
  | { readonly kind: 'reset' }
  | { readonly kind: 'silent' }

export interface ReadRequest {
  readonly id: string | undefined
  readonly method: string
  readonly target: string
  /** The request asked to close (Connection: close, or HTTP/1.0 without keep-alive). */
  readonly wantsClose: boolean
  /** HTTP/1.0 with Connection: keep-alive. */
  readonly keepAlive10: boolean
}

/** The path of an origin- or absolute-form target, without its query. */
export function pathOf(target: string): string {
  const path = target.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i, '')
  return path.split(/[?#]/, 1)[0] || '/'
}

export function readRequestOf(head: RequestHead, id: string | undefined): ReadRequest {
  const options = connectionOptions(head.headers)
  const http10 = head.version === 'HTTP/1.0'
  return {
    id,
    method: head.method,
    target: head.target,
    wantsClose: options.includes('close') || (http10 && !options.includes('keep-alive')),
    keepAlive10: http10 && options.includes('keep-alive'),
  }
}

/** How a health check is answered. */
export function healthPlan(name: string, controls: Controls, request: ReadRequest): Plan {
  const answer = controls.health
  if (answer === 'timeout') return { kind: 'silent' }
  if (answer === 'reset') return { kind: 'reset' }
  const close = controls.drain || request.wantsClose
  const body = `${name} health ${answer}\n`
  return {
    kind: 'respond',
    status: answer,
    bytes: response(answer, headers(name, undefined, close, request), body, request.method),
    close,
    lingerMs: lingerOf(controls),
    delayMs: 0,
  }
}

/** How a client request is answered: the id echoed, the backend named. */
export function clientPlan(name: string, controls: Controls, request: ReadRequest): Plan {
  const fault = controls.fault
  if (fault.kind === 'blackhole') return { kind: 'silent' }
  if (fault.kind === 'reset-after') return { kind: 'reset' }
  const close = controls.drain || request.wantsClose
  const echo = `${request.id ?? '-'}\n${name} ${request.method} ${request.target}\n`
  const fields = [...headers(name, request.id, close, request), ...controls.responseFields]
  if (fault.kind === 'none') {
    return {
      kind: 'respond',
      status: 200,
      bytes: response(200, fields, echo, request.method),
      close,
      lingerMs: lingerOf(controls),
      delayMs: controls.slowMs,
    }
  }
  if (fault.kind === 'stream') {
    // The echo, then filler up to `bytes`: a whole Content-Length body, sent slowly.
    const body = Buffer.alloc(Math.max(fault.bytes, Buffer.byteLength(echo)), 'y')
    body.write(echo, 'latin1')
    return {
      kind: 'stream',
      status: 200,
      head: responseBytes({
        status: 200,
        headers: [...fields, ['Content-Length', String(body.length)]],
      }),
      body: request.method === 'HEAD' ? Buffer.alloc(0) : body,
      bytesPerSecond: fault.bytesPerSecond,
      close,
      delayMs: controls.slowMs,
    }
  }
  // The declared body is larger than what is sent: k bytes, then the close.
  const body = Buffer.concat([Buffer.from(echo, 'latin1'), Buffer.alloc(fault.k + 1024, 'x')])
  const sent = Math.min(fault.k, body.length - 1)
  const head =
    fault.framing === 'chunked'
      ? responseBytes({ status: 200, headers: [...fields, ['Transfer-Encoding', 'chunked']] })
      : responseBytes({
          status: 200,
          headers: [...fields, ['Content-Length', String(body.length)]],
        })
  const prefix =
    fault.framing === 'chunked'
      ? Buffer.from(`${body.length.toString(16)}\r\n`, 'latin1')
      : Buffer.alloc(0)
  return {
    kind: 'cut',
    status: 200,
    bytes: Buffer.concat([head, prefix, body.subarray(0, sent)]),
    how: fault.how,
    delayMs: controls.slowMs,
  }
}

function lingerOf(controls: Controls): number {
  return controls.drain ? controls.drainLingerMs : 0
}

function headers(
  name: string,
  id: string | undefined,
  close: boolean,
  request: ReadRequest,
): FieldLine[] {
  const lines: FieldLine[] = []
  if (id !== undefined) lines.push([LB_ID_FIELD, id])
  lines.push([LB_BACKEND_FIELD, name], ['Content-Type', 'text/plain'])
  if (close) lines.push(['Connection', 'close'])
  else if (request.keepAlive10) lines.push(['Connection', 'keep-alive'])
  return lines
}

function response(status: number, fields: FieldLine[], body: string, method: string): Buffer {
  const bytes = Buffer.from(body, 'latin1')
  return responseBytes({
    status,
    headers: [...fields, ['Content-Length', String(bytes.length)]],
    ...(method === 'HEAD' ? {} : { body: bytes }),
  })
}
