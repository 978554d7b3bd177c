/**
 * Max-Forwards for OPTIONS and TRACE (RFC 9110 §7.6.2). Pure.
 */
import type { RequestHead } from '../../wire/types.js'
import type { ProxyDefect } from './defects.js'
import { simpleResponse } from './simple-response.js'

/** Forward (with the decremented value, if any) or answer as the final recipient. */
export type MaxForwardsDecision =
  | { readonly kind: 'forward'; readonly value?: string }
  | { readonly kind: 'answer'; readonly response: Buffer }

/**
 * OPTIONS or TRACE with Max-Forwards 0: this proxy is the final recipient and
 * answers itself (HOP-06). Above 0: forwarded with the value minus one,
 * computed on the digits without overflow (HOP-07). No field: none added.
 * Other methods, and values that are not digits, are left alone.
 *
 * Seeded defects: 'ignores-max-forwards' forwards OPTIONS and TRACE as if the
 * field were not there, as nginx and HAProxy are reported to do [B23];
 * 'max-forwards-overflows' reads the value into a 32-bit int, like atoi(),
 * so large numerals wrap (to 0 or below: answered here, never forwarded).
 */
export function maxForwards(
  head: RequestHead,
  close: boolean,
  defect?: ProxyDefect,
): MaxForwardsDecision {
  if (head.method !== 'OPTIONS' && head.method !== 'TRACE') return { kind: 'forward' }
  if (defect === 'ignores-max-forwards') return { kind: 'forward' }
  const value = head.headers.find((f) => f.name.toLowerCase() === 'max-forwards')?.value
  if (value === undefined || !/^\d+$/.test(value)) return { kind: 'forward' }
  const remaining =
    defect === 'max-forwards-overflows' ? BigInt.asIntN(32, BigInt(value)) : BigInt(value)
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
