import { describe, expect, it } from 'vitest'
import { requestHead, responseHead } from './head-fixtures.js'
import { clientResponseHead, upstreamRequestHead } from './message-head.js'
import { referenceSteps } from './steps/index.js'
import { viaMember } from './via.js'

const text = (bytes: Buffer): string => bytes.toString('latin1')

describe('upstreamRequestHead', () => {
  it('rebuilds Host first, writes HTTP/1.1, and appends Via after the earlier members', () => {
    const head = requestHead(
      'GET http://o.test:8080/p HTTP/1.0',
      'Host: evil.test',
      'Via: 1.1 upstream-a',
      'X-End:  raw  ',
    )
    const out = upstreamRequestHead({
      head,
      target: '/p',
      host: { mode: 'rebuild', value: 'o.test:8080' },
      framing: 'none',
      viaName: 'px',
      steps: referenceSteps,
    })
    expect(text(out)).toBe(
      'GET /p HTTP/1.1\r\nHost: o.test:8080\r\nVia: 1.1 upstream-a\r\nX-End:  raw  \r\nVia: 1.0 px\r\n\r\n',
    )
  })

  it('keeps a received Host in place in keep mode, even when Connection names it', () => {
    const head = requestHead(
      'GET / HTTP/1.1',
      'A: 1',
      'Host: site.test',
      'Connection: host, via',
      'Via: 1.1 forged',
    )
    const out = upstreamRequestHead({
      head,
      target: '/',
      host: { mode: 'keep', value: 'u:1' },
      framing: 'none',
      viaName: 'px',
      steps: referenceSteps,
    })
    expect(text(out)).toBe('GET / HTTP/1.1\r\nA: 1\r\nHost: site.test\r\nVia: 1.1 px\r\n\r\n')
  })

  it('writes one Content-Length with the decoded length, or Transfer-Encoding: chunked when re-chunking', () => {
    const length = requestHead(
      'POST / HTTP/1.1',
      'Host: h',
      'Content-Length: 005, 5',
      'Connection: content-length',
      'Content-Length: 5',
    )
    const out = upstreamRequestHead({
      head: length,
      target: '/',
      host: { mode: 'keep', value: 'h' },
      framing: 'content-length',
      viaName: 'px',
      steps: referenceSteps,
    })
    expect(text(out)).toBe('POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nVia: 1.1 px\r\n\r\n')
    const chunked = requestHead(
      'POST / HTTP/1.1',
      'Host: h',
      'Transfer-Encoding: gzip, chunked',
      'TE: trailers',
    )
    const re = upstreamRequestHead({
      head: chunked,
      target: '/',
      host: { mode: 'keep', value: 'h' },
      framing: 'chunked',
      viaName: 'px',
      steps: referenceSteps,
    })
    expect(text(re)).toBe(
      'POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nVia: 1.1 px\r\n\r\n',
    )
  })

  it('replaces Max-Forwards with the given value, once', () => {
    const head = requestHead('OPTIONS / HTTP/1.1', 'Host: h', 'Max-Forwards: 10', 'Max-Forwards: 3')
    const out = upstreamRequestHead({
      head,
      target: '/',
      host: { mode: 'keep', value: 'h' },
      framing: 'none',
      viaName: 'px',
      steps: referenceSteps,
      maxForwards: '9',
    })
    expect(text(out)).toBe(
      'OPTIONS / HTTP/1.1\r\nHost: h\r\nMax-Forwards: 9\r\nVia: 1.1 px\r\n\r\n',
    )
  })
})

describe('clientResponseHead', () => {
  const date = 'Sun, 06 Nov 1994 08:49:37 GMT'

  it('strips hop-by-hop fields, adds Date, Via and, when closing, Connection: close', () => {
    const head = responseHead(
      'HTTP/1.0 200 OK',
      'Connection: X-Hop, keep-alive',
      'X-Hop: 1',
      'Keep-Alive: timeout=5',
      'Content-Length: 2',
      'X-End: 1',
    )
    const out = clientResponseHead({
      head,
      framing: 'content-length',
      close: true,
      viaName: 'px',
      steps: referenceSteps,
      date,
    })
    expect(text(out)).toBe(
      `HTTP/1.1 200 OK\r\nContent-Length: 2\r\nX-End: 1\r\nDate: ${date}\r\nVia: 1.0 px\r\nConnection: close\r\n\r\n`,
    )
  })

  it('replaces an invalid Date with its own (RFC 9110 §6.6.1 MAY), and keeps an obsolete-format one', () => {
    const relay = (line: string): string =>
      text(
        clientResponseHead({
          head: responseHead('HTTP/1.1 200 OK', line, 'Content-Length: 0'),
          framing: 'content-length',
          close: false,
          viaName: 'px',
          steps: referenceSteps,
          date,
        }),
      )
    expect(relay('Date: yesterday')).toBe(
      `HTTP/1.1 200 OK\r\nContent-Length: 0\r\nDate: ${date}\r\nVia: 1.1 px\r\n\r\n`,
    )
    expect(relay('Date: Sunday, 06-Nov-94 08:49:37 GMT')).toContain(
      '\r\nDate: Sunday, 06-Nov-94 08:49:37 GMT\r\n',
    )
    expect(relay('Date: Sunday, 06-Nov-94 08:49:37 GMT')).not.toContain(date)
  })

  it('re-frames as chunked without Content-Length, and keeps an existing Date', () => {
    const head = responseHead(
      'HTTP/1.1 200 OK',
      'Date: Mon, 07 Nov 1994 08:49:37 GMT',
      'Transfer-Encoding: chunked',
      'Content-Length: 9',
    )
    const out = clientResponseHead({
      head,
      framing: 'chunked',
      close: false,
      viaName: 'px',
      date,
      steps: referenceSteps,
    })
    expect(text(out)).toBe(
      'HTTP/1.1 200 OK\r\nDate: Mon, 07 Nov 1994 08:49:37 GMT\r\nTransfer-Encoding: chunked\r\nVia: 1.1 px\r\n\r\n',
    )
  })

  it('drops Content-Length from 204 and 1xx but keeps it on a HEAD-style answer', () => {
    const noContent = responseHead('HTTP/1.1 204 No Content', 'Content-Length: 10')
    expect(
      text(
        clientResponseHead({
          head: noContent,
          framing: 'none',
          close: false,
          viaName: 'px',
          date,
          steps: referenceSteps,
        }),
      ),
    ).not.toContain('Content-Length')
    const head = responseHead('HTTP/1.1 200 OK', 'Content-Length: 100')
    expect(
      text(
        clientResponseHead({
          head,
          framing: 'none',
          close: false,
          viaName: 'px',
          date,
          steps: referenceSteps,
        }),
      ),
    ).toContain('Content-Length: 100\r\n')
    const early = responseHead('HTTP/1.1 103 Early Hints', 'Link: </a>')
    expect(
      text(
        clientResponseHead({
          head: early,
          framing: 'none',
          close: false,
          viaName: 'px',
          steps: referenceSteps,
        }),
      ),
    ).toBe('HTTP/1.1 103 Early Hints\r\nLink: </a>\r\nVia: 1.1 px\r\n\r\n')
  })
})

describe('viaMember', () => {
  it('names the received version without the protocol name', () => {
    expect(viaMember('HTTP/1.0', 'proxyspec')).toBe('1.0 proxyspec')
    expect(viaMember('HTTP/1.1', 'proxyspec')).toBe('1.1 proxyspec')
  })
})
