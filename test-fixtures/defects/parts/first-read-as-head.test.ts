// The first read of a message taken for its whole head (the keep-alive entry
// 'assumes-one-read-holds-one-message'): right when TCP delivers a head in one
// piece, wrong as soon as it comes in several.
import { describe, expect, it } from 'vitest'
import { createRequestParser } from '../../../harness/wire/parser.js'
import { firstReadAsHead } from './first-read-as-head.js'

const HEAD = Buffer.from('GET / HTTP/1.1\r\nHost: o\r\n\r\n', 'latin1')

describe('firstReadAsHead', () => {
  const heads = (chunks: string[]): string[] => {
    const parser = firstReadAsHead(createRequestParser({ mode: 'lenient' }))
    const seen: string[] = []
    for (const chunk of chunks) {
      parser.push(Buffer.from(chunk, 'latin1'))
      for (let e = parser.next(); e !== undefined; e = parser.next())
        if (e.type === 'head') seen.push(`${e.head.method} ${e.head.target}`)
    }
    return seen
  }

  it('reads a head that came in one piece, pipelined ones too, like any parser', () => {
    expect(heads([`${HEAD.toString()}${HEAD.toString()}`])).toEqual(['GET /', 'GET /'])
  })

  it('takes the first read for the whole head when it is not: "GET /lo" is no request line', () => {
    expect(() => heads(['GET /lo', 'ng HTTP/1.1\r\nHost: o\r\n\r\n'])).toThrow(
      /not a request line: "GET \/lo"/,
    )
  })
})
