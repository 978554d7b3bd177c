import { describe, expect, it } from 'vitest'
import { parseMessages } from '../wire/parser.js'
import type { RequestHead } from '../wire/types.js'
import { decidePersistence } from './persistence.js'

function head(text: string): RequestHead {
  const { messages } = parseMessages('request', Buffer.from(text.replace(/\n/g, '\r\n') + '\r\n'), {
    mode: 'lenient',
  })
  const message = messages[0]
  if (message?.head.kind !== 'request') throw new Error('no request')
  return message.head
}

const policy = { persistence: 'honour', framing: 'content-length', version: 'HTTP/1.1' } as const

describe('decidePersistence (RFC 9112 §9.3, App. C.2.2)', () => {
  it('keeps a 1.1 connection open unless the request says close', () => {
    expect(decidePersistence(head('GET / HTTP/1.1\nHost: a\n'), policy)).toEqual({
      keepOpen: true,
      connectionToken: undefined,
    })
    expect(
      decidePersistence(head('GET / HTTP/1.1\nHost: a\nConnection: x, Close\n'), policy),
    ).toEqual({
      keepOpen: false,
      connectionToken: 'close',
    })
  })

  it('keeps a 1.0 exchange open only on keep-alive', () => {
    expect(decidePersistence(head('GET / HTTP/1.0\nConnection: keep-alive\n'), policy)).toEqual({
      keepOpen: true,
      connectionToken: 'keep-alive',
    })
    expect(decidePersistence(head('GET / HTTP/1.0\n'), policy).keepOpen).toBe(false)
    expect(
      decidePersistence(head('GET / HTTP/1.1\nHost: a\n'), { ...policy, version: 'HTTP/1.0' }),
    ).toEqual({
      keepOpen: false,
      connectionToken: undefined,
    })
  })

  it('closes for close-delimited framing and the close policy; never for ignore-close', () => {
    const request = head('GET / HTTP/1.1\nHost: a\nConnection: close\n')
    expect(
      decidePersistence(head('GET / HTTP/1.1\nHost: a\n'), {
        ...policy,
        framing: 'close-delimited',
      }).keepOpen,
    ).toBe(false)
    expect(
      decidePersistence(head('GET / HTTP/1.1\nHost: a\n'), { ...policy, persistence: 'close' })
        .keepOpen,
    ).toBe(false)
    expect(decidePersistence(request, { ...policy, persistence: 'ignore-close' })).toEqual({
      keepOpen: true,
      connectionToken: undefined,
    })
  })
})
