import { describe, expect, it } from 'vitest'
import { requestHead } from './head-fixtures.js'
import { connectionOptions, endToEndFields } from './hop-by-hop.js'

const names = (lines: string[]): string[] =>
  endToEndFields(requestHead('GET / HTTP/1.1', ...lines).headers).map((f) => f.name)

describe('connectionOptions', () => {
  it('reads every Connection line as a case-insensitive list with empty elements and OWS', () => {
    const head = requestHead(
      'GET / HTTP/1.1',
      'Connection: ,X-A',
      'Connection:',
      'CONNECTION: X-B ,\t, x-C',
      'connection: close',
    )
    expect([...connectionOptions(head.headers)]).toEqual(['x-a', 'x-b', 'x-c', 'close'])
  })
})

describe('endToEndFields', () => {
  it('drops Connection and every field it names, in any case', () => {
    expect(names(['Connection: x-c', 'X-C: 1', 'x-c: 2', 'X-End: 1'])).toEqual(['X-End'])
    expect(names(['Connection: X-D , ,X-E', 'X-D: 1', 'X-E: 1', 'Foo: a'])).toEqual(['Foo'])
  })

  it('always drops Keep-Alive, Proxy-Connection, TE, Transfer-Encoding, Upgrade and HTTP2-Settings', () => {
    const lines = [
      'Keep-Alive: 5',
      'Proxy-Connection: keep-alive',
      'TE: trailers',
      'Transfer-Encoding: chunked',
      'Upgrade: h2c',
      'HTTP2-Settings: x',
      'X-End: 1',
    ]
    expect(names(lines)).toEqual(['X-End'])
  })

  it('keeps every other line in order, duplicates included, with its raw bytes', () => {
    const head = requestHead('GET / HTTP/1.1', 'Foo: a', 'Bar:  1', 'Foo: b', 'Set-Cookie: x=1')
    const kept = endToEndFields(head.headers)
    expect(kept.map((f) => f.raw.toString('latin1'))).toEqual([
      'Foo: a',
      'Bar:  1',
      'Foo: b',
      'Set-Cookie: x=1',
    ])
  })
})
