// Case-insensitive lookups over field lines as received.
import { describe, expect, it } from 'vitest'
import {
  connectionOptions,
  fieldValues,
  firstFieldValue,
  hasField,
  headerText,
  listTokens,
} from './fields.js'
import { bytes, parseRequests } from './test-feed.js'
import type { HeaderField } from './types.js'

/** Fields as the parser produces them (raw bytes and all). */
function fields(...lines: string[]): readonly HeaderField[] {
  const fed = parseRequests(`GET / HTTP/1.1\r\n${lines.map((l) => l + '\r\n').join('')}\r\n`)
  return fed.heads[0]!.headers
}

describe('fieldValues / firstFieldValue / hasField', () => {
  const headers = fields('Accept: a', 'X-Empty:', 'accept: b', 'ACCEPT: c, d', 'Host: h')

  it('fieldValues returns every line value, in order, whatever the case', () => {
    expect(fieldValues(headers, 'accept')).toEqual(['a', 'b', 'c, d'])
    expect(fieldValues(headers, 'ACCEPT')).toEqual(['a', 'b', 'c, d'])
    expect(fieldValues(headers, 'missing')).toEqual([])
  })

  it('firstFieldValue returns the first line value or undefined', () => {
    expect(firstFieldValue(headers, 'Accept')).toBe('a')
    expect(firstFieldValue(headers, 'host')).toBe('h')
    expect(firstFieldValue(headers, 'x-empty')).toBe('')
    expect(firstFieldValue(headers, 'missing')).toBeUndefined()
  })

  it('hasField is true for a field with an empty value, false when absent', () => {
    expect(hasField(headers, 'X-EMPTY')).toBe(true)
    expect(hasField(headers, 'host')).toBe(true)
    expect(hasField(headers, 'hos')).toBe(false)
    expect(hasField([], 'host')).toBe(false)
  })

  it('matches whole names only', () => {
    const h = fields('Content-Length-Extra: 1', 'X-Content-Length: 2')
    expect(hasField(h, 'content-length')).toBe(false)
  })
})

describe('listTokens / connectionOptions', () => {
  it('splits every line on commas, trims OWS, drops empty elements, lowercases', () => {
    const h = fields(
      'Connection: Keep-Alive ,, Upgrade',
      'connection: ,\tX-Custom\t, ',
      'Upgrade: h2c',
    )
    expect(listTokens(h, 'connection')).toEqual(['keep-alive', 'upgrade', 'x-custom'])
    expect(listTokens(h, 'Upgrade')).toEqual(['h2c'])
    expect(listTokens(h, 'missing')).toEqual([])
  })

  it('keeps duplicates and order across lines', () => {
    const h = fields('Transfer-Encoding: gzip', 'Transfer-Encoding: Chunked, gzip')
    expect(listTokens(h, 'transfer-encoding')).toEqual(['gzip', 'chunked', 'gzip'])
  })

  it('connectionOptions is listTokens of Connection', () => {
    const h = fields('Connection: close', 'Host: x', 'CONNECTION: TE, x-hop')
    expect(connectionOptions(h)).toEqual(['close', 'te', 'x-hop'])
    expect(connectionOptions(fields('Host: x'))).toEqual([])
  })

  it('works on hand-made fields too', () => {
    const h: HeaderField[] = [{ name: 'Connection', value: 'a, B', raw: bytes('Connection: a, B') }]
    expect(connectionOptions(h)).toEqual(['a', 'b'])
  })
})

describe('headerText', () => {
  it('is the raw head as latin1, byte for byte', () => {
    const input = 'GET / HTTP/1.1\r\nX: \xe9\xff\r\nhost :  spaced \r\n\r\n'
    const fed = parseRequests(input)
    expect(headerText(fed.heads[0]!)).toBe(input)
  })
})
