// The keep-alive seeded defects are each one decision turned wrong: off by
// default, on only for the name that switches them.
import { describe, expect, it } from 'vitest'
import { requestHead, responseHead } from './head-fixtures.js'
import {
  clientMayPersist,
  mayRetry,
  upstreamMayPersist,
  withLeakedPersistence,
} from './persistence.js'

const HEAD = Buffer.from('GET / HTTP/1.1\r\nHost: o\r\n\r\n', 'latin1')

describe('persistence decisions and their seeded defects', () => {
  it('retries only an idempotent request on a reused connection, unless the POST-retry defect is on', () => {
    expect(mayRetry('GET', true)).toBe(true)
    expect(mayRetry('GET', false)).toBe(false)
    expect(mayRetry('POST', true)).toBe(false)
    expect(mayRetry('POST', false, 'retries-non-idempotent-requests')).toBe(true)
  })

  it('forwards no client persistence field, except under the defects that leak them', () => {
    const close = requestHead('GET / HTTP/1.1', 'Host: o', 'Connection: close')
    const http10 = requestHead('GET / HTTP/1.0', 'Connection: keep-alive', 'Keep-Alive: 300')
    expect(withLeakedPersistence(HEAD, close)).toBe(HEAD)
    expect(withLeakedPersistence(HEAD, http10, 'forwards-client-close-inbound')).toBe(HEAD)
    expect(withLeakedPersistence(HEAD, close, 'forwards-client-close-inbound').toString()).toBe(
      'GET / HTTP/1.1\r\nHost: o\r\nConnection: close\r\n\r\n',
    )
    expect(
      withLeakedPersistence(HEAD, http10, 'forwards-keep-alive-from-http10-client').toString(),
    ).toBe('GET / HTTP/1.1\r\nHost: o\r\nConnection: keep-alive\r\nKeep-Alive: 300\r\n\r\n')
  })

  it('turns exactly one rule with each client-side defect', () => {
    const plain = requestHead('GET / HTTP/1.1', 'Host: h')
    const close = requestHead('GET / HTTP/1.1', 'Host: h', 'Connection: close')
    const http10 = requestHead('GET / HTTP/1.0', 'Connection: keep-alive')
    expect(clientMayPersist(plain, 'closes-every-client-connection')).toBe(false)
    expect(clientMayPersist(close, 'ignores-client-close')).toBe(true)
    expect(clientMayPersist(http10, 'ignores-client-close')).toBe(false)
    expect(clientMayPersist(http10, 'persists-with-http10-client')).toBe(true)
    expect(clientMayPersist(close, 'persists-with-http10-client')).toBe(false)
  })

  it('turns exactly one rule with each upstream-side defect', () => {
    const close = responseHead('HTTP/1.1 200 OK', 'Connection: close')
    const plain = responseHead('HTTP/1.1 200 OK')
    expect(upstreamMayPersist(close, false, 'reuses-upstream-after-close')).toBe(true)
    expect(upstreamMayPersist(close, true, 'reuses-upstream-after-close')).toBe(false)
    expect(upstreamMayPersist(plain, false, 'no-upstream-keep-alive')).toBe(false)
  })
})
