import { describe, expect, it } from 'vitest'
import { decodeBytes, printable, redactCredentials, visibleText } from './bytes.js'
import { evidenceText } from './evidence-text.js'
import { mdCode, mdFence, mdLink, mdText } from './markdown.js'

const b64 = (text: string): string => Buffer.from(text, 'latin1').toString('base64')

describe('printable', () => {
  it('shows CR and LF, escapes other non-printables and doubles a literal backslash', () => {
    expect(printable('GET / HTTP/1.1\r\nX: a\tb\x00\x7f\xff\\x41\n')).toBe(
      'GET / HTTP/1.1\\r\\n\nX: a\\x09b\\x00\\x7f\\xff\\\\x41\\n\n',
    )
  })

  it('keeps a bare LF distinguishable from CRLF', () => {
    expect(printable('a\nb\r\n')).toBe('a\\n\nb\\r\\n\n')
  })
})

describe('redactCredentials', () => {
  it('hides Authorization and Proxy-Authorization values but keeps the scheme', () => {
    const out = redactCredentials(
      'GET / HTTP/1.1\r\nAuthorization: Basic dXNlcjpwYXNz\r\nproxy-authorization:tok\r\nX-Authorization: keep\r\n\r\n',
    )
    expect(out).toBe(
      'GET / HTTP/1.1\r\nAuthorization: Basic [redacted 12 bytes]\r\nproxy-authorization:[redacted 3 bytes]\r\nX-Authorization: keep\r\n\r\n',
    )
  })

  it('leaves values the harness already redacted as they are', () => {
    const text =
      'Authorization: Bearer [redacted 24 bytes]\r\nProxy-Authorization: [redacted 5 bytes]\r\n'
    expect(redactCredentials(text)).toBe(text)
  })
})

describe('decodeBytes', () => {
  it('redacts before truncating, so a cut never exposes part of a credential', () => {
    const decoded = decodeBytes(b64('Authorization: Basic c2VjcmV0c2VjcmV0\r\n'), 24)
    expect(decoded.text).toBe('Authorization: Basic [re')
    expect(decoded.byteLength).toBe(39)
    expect(decoded.omitted).toBe(18)
  })
})

describe('visibleText', () => {
  it('keeps line breaks, tabs and non-ASCII letters, and escapes C0 and C1 controls', () => {
    expect(visibleText('é ✓\tok\n\x1b[0m\x85')).toBe('é ✓\tok\n\\x1b[0m\\x85')
  })
})

describe('evidenceText', () => {
  it('names the hop and direction of every event and caps the bytes shown', () => {
    const text = evidenceText(
      {
        events: [
          {
            seq: 1,
            t: 0.5,
            hop: 'client',
            conn: 'c1',
            type: 'data',
            dir: 'to-target',
            base64: b64('GET / HTTP/1.1\r\n\r\n'),
          },
          {
            seq: 2,
            t: 1,
            hop: 'origin',
            conn: 'o1',
            type: 'data',
            dir: 'from-target',
            base64: b64('x'.repeat(10)),
          },
          {
            seq: 3,
            t: 2,
            hop: 'origin',
            conn: 'o1',
            type: 'data',
            dir: 'to-target',
            base64: b64('y'),
          },
          { seq: 4, t: 3, hop: 'client', conn: 'c1', type: 'end', dir: 'from-target' },
        ],
        notes: ['saw it'],
      },
      { maxBytesPerEvent: 4 },
    )
    expect(text.split('\n')).toEqual([
      '#1 +0.5 ms c1 client → target: data, 18 bytes',
      '    GET ',
      '    … 14 more bytes not shown',
      '#2 +1 ms o1 target → origin: data, 10 bytes',
      '    xxxx',
      '    … 6 more bytes not shown',
      '#3 +2 ms o1 origin → target: data, 1 byte',
      '    y',
      '#4 +3 ms c1 target → client: end',
      'note: saw it',
    ])
  })
})

describe('Markdown escaping', () => {
  it('keeps target-controlled text from becoming markup', () => {
    expect(mdText('[click](http://evil) <img src=x> *bold* | pipe\nnext')).toBe(
      '\\[click\\](http://evil) &lt;img src=x&gt; \\*bold\\* \\| pipe next',
    )
    expect(mdCode('a `b` c')).toBe('``a `b` c``')
    expect(mdFence('x\n```\ny')).toBe('````text\nx\n```\ny\n````')
    expect(mdLink('RFC', 'https://example.test/a (b)')).toBe(
      '[RFC](https://example.test/a%20%28b%29)',
    )
  })
})
