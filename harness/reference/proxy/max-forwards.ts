/**
 * Max-Forwards for OPTIONS and TRACE (RFC 9110 §7.6.2). Pure.
 */
import type { RequestHead } from '../../wire/types.js'
import type { ProxySteps } from './steps/index.js'
import { simpleResponse } from './simple-response.js'

/** Forward (with the decremented value, if any) or answer as the final recipient. */
export type MaxForwardsDecision =
  | { readonly kind: 'forward'; readonly value?: string }
  | { readonly kind: 'answer'; readonly response: Buffer }

/**
 * The Max-Forwards of an OPTIONS or TRACE, read on the digits without
 * overflow (RFC 9110 §7.6.2); undefined for other methods, without the field,
 * or when the value is not digits (left alone).
 */
export function receivedMaxForwards(head: RequestHead): bigint | undefined {
  if (head.method !== 'OPTIONS' && head.method !== 'TRACE') return undefined
  const value = head.headers.find((f) => f.name.toLowerCase() === 'max-forwards')?.value
  if (value === undefined || !/^\d+$/.test(value)) return undefined
  return BigInt(value)
}

/**
 * OPTIONS or TRACE with Max-Forwards 0: this proxy is the final recipient and
 * answers itself (HOP-06). Above 0: forwarded with the value minus one (HOP-07).
 * No field: none added. Other methods, and values that are not digits, are left alone.
 */
export function maxForwards(
  head: RequestHead,
  close: boolean,
  steps: ProxySteps,
): MaxForwardsDecision {
  const remaining = steps.receivedMaxForwards(head)
  if (remaining === undefined) return { kind: 'forward' }
  if (remaining > 0n) return { kind: 'forward', value: (remaining - 1n).toString() }
  return { kind: 'answer', response: finalAnswer(head, close) }
}

// Reflected by TRACE only without credentials (RFC 9110 §9.3.8: SHOULD exclude sensitive fields).
const SENSITIVE = /^(authorization|proxy-authorization|cookie)$/i

function finalAnswer(head: RequestHead, close: boolean): Buffer {
  if (head.method === 'OPTIONS') {
    return simpleResponse({
      status: 200,
      text: '',
      close,
      body: Buffer.alloc(0),
      headers: ['Allow: GET, HEAD, POST, PUT, DELETE, OPTIONS, TRACE'],
    })
  }
  const lines = [
    Buffer.from(`${head.method} ${head.target} ${head.version}\r\n`, 'latin1'),
    ...head.headers
      .filter((f) => !SENSITIVE.test(f.name))
      .map((f) => Buffer.concat([f.raw, Buffer.from('\r\n')])),
    Buffer.from('\r\n'),
  ]
  return simpleResponse({
    status: 200,
    text: '',
    close,
    body: Buffer.concat(lines),
    headers: ['Content-Type: message/http'],
  })
}
