// Anomalies: lenient mode records each one and carries on with a stated
// interpretation; strict mode throws a WireError naming it. Some input is
// fatal in both modes. Every input is fed whole and one byte at a time.
import { describe, expect, it } from 'vitest'
import { bytes, codes, parseBoth, type Fed, type FeedOptions } from './test-feed.js'
import type { AnomalyCode, RequestHead, ResponseHead } from './types.js'

interface Case {
  readonly name: string
  readonly kind: 'request' | 'response'
  readonly input: string
  readonly options?: FeedOptions
  /** The code strict mode throws, and lenient mode records. */
  readonly code: AnomalyCode
  /** Where strict mode says it noticed it (byte offset within the message). */
  readonly offset: number
  /** What lenient mode made of it. */
  readonly lenient: (fed: Fed) => void
}

const req = (fed: Fed): RequestHead => fed.heads[0] as RequestHead
const res = (fed: Fed): ResponseHead => fed.heads[0] as ResponseHead
const field = (fed: Fed, name: string): string | undefined =>
  fed.heads[0]!.headers.find((f) => f.name === name)?.value

const cases: Case[] = [
  {
    name: 'bare LF line endings in a head',
    kind: 'request',
    input: 'GET / HTTP/1.1\nHost: a\n\n',
    code: 'bare-lf',
    offset: 14,
    lenient: (fed) => {
      expect(req(fed).target).toBe('/')
      expect(field(fed, 'Host')).toBe('a')
      expect(codes(fed.messages[0]!)).toEqual(['bare-lf', 'bare-lf', 'bare-lf'])
      expect(fed.messages[0]!.anomalies.map((a) => a.offset)).toEqual([14, 22, 23])
    },
  },
  {
    name: 'a bare CR inside a field value',
    kind: 'request',
    input: 'GET / HTTP/1.1\r\nX: a\rb\r\n\r\n',
    code: 'bare-cr',
    offset: 20,
    lenient: (fed) => {
      expect(field(fed, 'X')).toBe('a b')
      expect(fed.heads[0]!.headers[0]!.raw).toEqual(bytes('X: a\rb'))
    },
  },
  {
    name: 'obs-fold',
    kind: 'request',
    input: 'GET / HTTP/1.1\r\nX-Long: a\r\n  b\r\n\tc\r\nHost: h\r\n\r\n',
    code: 'obs-fold',
    offset: 27,
    lenient: (fed) => {
      const [folded, host] = fed.heads[0]!.headers
      expect(folded!.value).toBe('a b c')
      expect(folded!.raw).toEqual(bytes('X-Long: a\r\n  b\r\n\tc'))
      expect(host!.value).toBe('h')
      expect(codes(fed.messages[0]!)).toEqual(['obs-fold', 'obs-fold'])
    },
  },
  {
    name: 'whitespace between field name and colon',
    kind: 'request',
    input: 'POST / HTTP/1.1\r\nHost: a\r\nContent-Length : 2\r\n\r\nhi',
    code: 'whitespace-before-colon',
    offset: 26,
    lenient: (fed) => {
      const cl = fed.heads[0]!.headers[1]!
      expect(cl.name).toBe('Content-Length')
      expect(cl.raw).toEqual(bytes('Content-Length : 2'))
      // The field is honoured under its trimmed name.
      expect(fed.messages[0]!.body).toEqual(bytes('hi'))
    },
  },
  {
    name: 'a field name that is not a token',
    kind: 'request',
    input: 'GET / HTTP/1.1\r\nBad Name: x\r\n\r\n',
    code: 'invalid-field-name',
    offset: 16,
    lenient: (fed) => expect(field(fed, 'Bad Name')).toBe('x'),
  },
  {
    name: 'a field line without a colon',
    kind: 'request',
    input: 'GET / HTTP/1.1\r\nNoColonHere\r\nHost: a\r\n\r\n',
    code: 'invalid-field-name',
    offset: 16,
    lenient: (fed) => {
      expect(fed.heads[0]!.headers.map((f) => [f.name, f.value])).toEqual([
        ['NoColonHere', ''],
        ['Host', 'a'],
      ])
    },
  },
  {
    name: 'NUL in a field value',
    kind: 'request',
    input: 'GET / HTTP/1.1\r\nX: a\0b\r\n\r\n',
    code: 'invalid-field-value',
    offset: 20,
    lenient: (fed) => expect(field(fed, 'X')).toBe('a b'),
  },
  {
    name: 'a whitespace-led line right after the start line',
    kind: 'request',
    input: 'GET / HTTP/1.1\r\n X: y\r\nHost: a\r\n\r\n',
    code: 'leading-whitespace-line',
    offset: 16,
    lenient: (fed) => expect(fed.heads[0]!.headers.map((f) => f.name)).toEqual(['Host']),
  },
  {
    name: 'a request line with a double SP',
    kind: 'request',
    input: 'GET  /x HTTP/1.1\r\n\r\n',
    code: 'invalid-start-line',
    offset: 0,
    lenient: (fed) => expect(req(fed)).toMatchObject({ method: 'GET', target: '/x' }),
  },
  {
    name: 'a method that is not a token',
    kind: 'request',
    input: 'G(T / HTTP/1.1\r\n\r\n',
    code: 'invalid-start-line',
    offset: 0,
    lenient: (fed) => expect(req(fed).method).toBe('G(T'),
  },
  {
    name: 'a malformed version',
    kind: 'request',
    input: 'GET / HTTP/1.10\r\n\r\n',
    code: 'invalid-version',
    offset: 0,
    lenient: (fed) => expect(req(fed).version).toBe('HTTP/1.10'),
  },
  {
    name: 'a status line without the SP before the reason',
    kind: 'response',
    input: 'HTTP/1.1 204\r\n\r\n',
    code: 'invalid-start-line',
    offset: 0,
    lenient: (fed) => expect(res(fed)).toMatchObject({ status: 204, reason: '' }),
  },
  {
    name: 'a status code that is not three digits',
    kind: 'response',
    input: 'HTTP/1.1 0204 No Content\r\n\r\n',
    code: 'invalid-status',
    offset: 0,
    lenient: (fed) => expect(res(fed)).toMatchObject({ status: 204, reason: 'No Content' }),
  },
  {
    name: 'empty lines before a status line',
    kind: 'response',
    input: '\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n',
    code: 'invalid-start-line',
    offset: 0,
    lenient: (fed) => {
      expect(res(fed).status).toBe(204)
      expect(fed.heads[0]!.raw).toEqual(bytes('HTTP/1.1 204 No Content\r\n\r\n'))
    },
  },
  {
    name: 'a non-numeric Content-Length in a request',
    kind: 'request',
    input: 'POST / HTTP/1.1\r\nContent-Length: abc\r\n\r\n',
    code: 'invalid-content-length',
    offset: 0,
    lenient: (fed) => expect(fed.messages[0]!.framing).toBe('none'),
  },
  {
    name: 'a signed Content-Length in a response',
    kind: 'response',
    input: 'HTTP/1.1 200 OK\r\nContent-Length: +3\r\n\r\nabcdef',
    options: { eof: true },
    code: 'invalid-content-length',
    offset: 0,
    lenient: (fed) => {
      expect(fed.messages[0]!.framing).toBe('close-delimited')
      expect(fed.messages[0]!.body).toEqual(bytes('abcdef'))
    },
  },
  {
    name: 'conflicting Content-Length lines',
    kind: 'request',
    input: 'POST / HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 5\r\n\r\nabcde',
    code: 'conflicting-content-length',
    offset: 0,
    lenient: (fed) => {
      expect(fed.messages[0]!.body).toEqual(bytes('abc'))
      expect(fed.rest).toEqual(bytes('de'))
    },
  },
  {
    name: 'a Content-Length list that disagrees',
    kind: 'response',
    input: 'HTTP/1.1 200 OK\r\nContent-Length: 2, 4\r\n\r\nabcd',
    code: 'conflicting-content-length',
    offset: 0,
    lenient: (fed) => expect(fed.messages[0]!.body).toEqual(bytes('ab')),
  },
  {
    name: 'Content-Length with Transfer-Encoding',
    kind: 'request',
    input: 'POST / HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
    code: 'content-length-with-transfer-encoding',
    offset: 0,
    lenient: (fed) => {
      expect(fed.messages[0]!.framing).toBe('chunked')
      expect(fed.messages[0]!.body.length).toBe(0)
      expect(fed.state).toBe('idle')
    },
  },
  {
    name: 'a request Transfer-Encoding that does not end in chunked',
    kind: 'request',
    input: 'POST / HTTP/1.1\r\nTransfer-Encoding: chunked, gzip\r\n\r\nGET /n HTTP/1.1\r\n\r\n',
    code: 'transfer-encoding-not-chunked-last',
    offset: 0,
    lenient: (fed) => {
      expect(fed.messages[0]!.framing).toBe('none')
      expect(fed.heads.map((h) => (h as RequestHead).target)).toEqual(['/', '/n'])
    },
  },
  {
    name: 'Transfer-Encoding in HTTP/1.0',
    kind: 'request',
    input: 'POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nz\r\n0\r\n\r\n',
    code: 'transfer-encoding-in-http10',
    offset: 0,
    lenient: (fed) => {
      expect(fed.messages[0]!.framing).toBe('chunked')
      expect(fed.messages[0]!.body).toEqual(bytes('z'))
    },
  },
  {
    name: 'EOF before the Content-Length body is complete',
    kind: 'response',
    input: 'HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort',
    options: { eof: true },
    code: 'incomplete',
    offset: 44, // the end of what arrived
    lenient: (fed) => {
      const message = fed.messages[0]!
      expect(message.complete).toBe(false)
      expect(message.body).toEqual(bytes('short'))
      expect(message.raw).toEqual(bytes('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort'))
      expect(fed.state).toBe('closed')
    },
  },
]

describe.each(cases)('$name', (c) => {
  const run = (mode: 'strict' | 'lenient'): Fed =>
    parseBoth(c.kind, c.input, { ...c.options, mode })

  it(`lenient: records ${c.code} and carries on`, () => {
    const fed = run('lenient')
    expect(fed.error).toBeUndefined()
    expect(fed.messages.length).toBeGreaterThan(0)
    expect(codes(fed.messages[0]!)).toContain(c.code)
    c.lenient(fed)
  })

  it(`strict: throws WireError ${c.code}`, () => {
    const fed = run('strict')
    expect(fed.error?.name).toBe('WireError')
    expect(fed.error?.code).toBe(c.code)
    expect(fed.error?.offset).toBe(c.offset)
    expect(fed.error?.message).toContain(c.code)
    expect(fed.messages).toEqual([])
    expect(fed.state).toBe('closed')
  })
})

describe('informational anomalies are recorded, never thrown', () => {
  it('duplicate-content-length that agrees (lines and list)', () => {
    for (const cl of ['Content-Length: 3\r\nContent-Length: 3', 'Content-Length: 3, 3']) {
      const fed = parseBoth('request', `POST / HTTP/1.1\r\n${cl}\r\n\r\nabc`, { mode: 'strict' })
      expect(fed.error).toBeUndefined()
      expect(fed.messages[0]!.body).toEqual(bytes('abc'))
      expect(codes(fed.messages[0]!)).toEqual(['duplicate-content-length'])
    }
  })
})

describe('fatal in both modes', () => {
  const fatal: { name: string; kind: 'request' | 'response'; input: string; code: AnomalyCode }[] =
    [
      {
        name: 'not a request line',
        kind: 'request',
        input: 'HELLO\r\n\r\n',
        code: 'invalid-start-line',
      },
      {
        name: 'a request line of two words',
        kind: 'request',
        input: 'GET /\r\n\r\n',
        code: 'invalid-start-line',
      },
      {
        name: 'not a status line',
        kind: 'response',
        input: 'SSH-2.0-OpenSSH\r\n\r\n',
        code: 'invalid-start-line',
      },
      {
        name: 'a lowercase protocol name',
        kind: 'response',
        input: 'http/1.1 200 OK\r\n\r\n',
        code: 'invalid-start-line',
      },
      {
        name: 'a status below 100',
        kind: 'response',
        input: 'HTTP/1.1 099 Low\r\n\r\n',
        code: 'invalid-status',
      },
      {
        name: 'a non-numeric status',
        kind: 'response',
        input: 'HTTP/1.1 2xx OK\r\n\r\n',
        code: 'invalid-status',
      },
    ]

  for (const mode of ['strict', 'lenient'] as const) {
    it.each(fatal)(`${mode}: $name`, ({ kind, input, code }) => {
      const fed = parseBoth(kind, input, { mode })
      expect(fed.error?.code).toBe(code)
      expect(fed.steps.map((s) => s.type)).toEqual(['error'])
    })
  }

  it('a head larger than maxHeadBytes, in both modes; exactly maxHeadBytes is accepted', () => {
    const head = 'GET / HTTP/1.1\r\nX-Pad: ' + 'p'.repeat(40) + '\r\n\r\n'
    for (const mode of ['strict', 'lenient'] as const) {
      const ok = parseBoth('request', head, { mode, maxHeadBytes: head.length })
      expect(ok.error).toBeUndefined()
      expect(ok.heads[0]!.raw.length).toBe(head.length)

      const tooLarge = parseBoth('request', head, { mode, maxHeadBytes: head.length - 1 })
      expect(tooLarge.error?.code).toBe('head-too-large')
      expect(tooLarge.error?.offset).toBe(head.length - 1)
    }
  })

  it('a head too large even without its end: no waiting for the empty line', () => {
    const fed = parseBoth('response', 'HTTP/1.1 200 OK\r\nX: ' + 'y'.repeat(100), {
      maxHeadBytes: 64,
    })
    expect(fed.error?.code).toBe('head-too-large')
  })

  it('the default limit is 65536 bytes', () => {
    const pad = (n: number): string => 'GET / HTTP/1.1\r\nX: ' + 'a'.repeat(n) + '\r\n\r\n'
    const base = pad(0).length
    expect(parseBoth('request', pad(65536 - base)).error).toBeUndefined()
    expect(parseBoth('request', pad(65537 - base)).error?.code).toBe('head-too-large')
  })

  it('EOF in the middle of a head', () => {
    for (const mode of ['strict', 'lenient'] as const) {
      const fed = parseBoth('request', 'GET / HTTP/1.1\r\nHost: a\r\n', { mode, eof: true })
      expect(fed.error?.code).toBe('incomplete')
      expect(fed.messages).toEqual([])
    }
  })

  it('EOF between messages is a clean close, not an error', () => {
    const fed = parseBoth('request', 'GET / HTTP/1.1\r\n\r\n', { mode: 'strict', eof: true })
    expect(fed.error).toBeUndefined()
    expect(fed.messages).toHaveLength(1)
    expect(fed.state).toBe('closed')
  })
})
