// Who produced what the client read: the origin's answer relayed, or the
// target's own. Pinned on handmade origin records, and on a real origin that
// records what it wrote back (OriginRequest.sent).
import { afterEach, describe, expect, it } from 'vitest'
import { openRawClient } from '../../harness/client/index.js'
import type { ReadResponseResult } from '../../harness/client/types.js'
import { isTimeout } from '../../harness/net/deadline.js'
import { Scope } from '../../harness/net/started.js'
import { TranscriptRecorder } from '../../harness/net/transcript.js'
import { startOrigin } from '../../harness/origin/origin-server.js'
import type { OriginRequest } from '../../harness/origin/types.js'
import { parseMessages } from '../../harness/wire/parse-messages.js'
import { requestBytes } from '../../harness/wire/serialize.js'
import type { HttpMessage, RequestHead, ResponseHead } from '../../harness/wire/types.js'
import { originAnswers, provenance, provenanceOf } from './provenance.js'

const OK_HELLO = 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello'
const FORBIDDEN = 'HTTP/1.1 403 Forbidden\r\nContent-Length: 4\r\n\r\nnope'

function response(text: string): ReadResponseResult {
  const [message] = parseMessages('response', Buffer.from(text, 'latin1'), {
    mode: 'lenient',
    eof: true,
  }).messages
  if (message === undefined) throw new Error('no message')
  return { kind: 'response', message: message as HttpMessage<ResponseHead>, interim: [] }
}

function originGot(sent: string, method = 'GET'): OriginRequest {
  const [message] = parseMessages(
    'request',
    Buffer.from(`${method} /t-x/ HTTP/1.1\r\nHost: o\r\n\r\n`, 'latin1'),
    { mode: 'lenient' },
  ).messages
  return {
    id: 1,
    token: 't-x',
    conn: 'o1',
    connSeq: 1,
    at: 0,
    message: message as HttpMessage<RequestHead>,
    sent: { bytes: Buffer.from(sent, 'latin1') },
  }
}

describe('provenanceOf', () => {
  it('a response when nothing reached the origin is the target’s own', () => {
    const p = provenanceOf(response('HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n'), [])
    expect(p).toEqual({
      by: 'target',
      phrase: 'the target answered 502 Bad Gateway itself; nothing reached the origin',
    })
  })

  it('a response after the origin had the request but had not answered it is the target’s own', () => {
    expect(provenance(response('HTTP/1.1 504 Gateway Timeout\r\n\r\n'), [originGot('')])).toBe(
      'the target answered 504 Gateway Timeout itself after the origin had the request (the origin had not answered it)',
    )
  })

  it('the origin’s status and body back at the client are relayed', () => {
    expect(provenanceOf(response(FORBIDDEN), [originGot(FORBIDDEN)])).toEqual({
      by: 'origin',
      phrase: "the target relayed the origin's 403 Forbidden",
    })
  })

  it('a relayed body survives a change of framing (chunked at the origin, Content-Length at the client)', () => {
    const chunked = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n'
    expect(provenanceOf(response(OK_HELLO), [originGot(chunked)]).by).toBe('origin')
  })

  it('the same status with another body is the target’s own', () => {
    const own = 'HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nmine'
    expect(provenance(response(own), [originGot(OK_HELLO)])).toBe(
      "the target answered 200 OK itself after the origin had the request (the origin's 200 OK had another body)",
    )
  })

  it('another status than the origin’s is the target’s own, naming what the origin sent', () => {
    expect(provenance(response('HTTP/1.1 502 Bad Gateway\r\n\r\n'), [originGot(OK_HELLO)])).toBe(
      'the target answered 502 Bad Gateway itself after the origin had the request (the origin answered 200 OK)',
    )
  })

  it('a HEAD answer is compared by status only', () => {
    const head = 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n'
    const read = parseMessages('response', Buffer.from(head, 'latin1'), {
      mode: 'lenient',
      requestMethods: ['HEAD'],
    }).messages[0] as HttpMessage<ResponseHead>
    const result: ReadResponseResult = { kind: 'response', message: read, interim: [] }
    expect(provenanceOf(result, [originGot(head, 'HEAD')]).by).toBe('origin')
  })

  it('closes, silences and garbage say what the origin side saw', () => {
    const closed: ReadResponseResult = { kind: 'closed', how: 'eof', partial: Buffer.alloc(0) }
    expect(provenance(closed, [])).toBe(
      'the target closed the connection (eof) without a response; nothing reached the origin',
    )
    expect(provenance(closed, [originGot(OK_HELLO)])).toBe(
      'the target closed the connection (eof) without a response; the origin had the request and answered 200 OK',
    )
    const quiet: ReadResponseResult = {
      kind: 'timeout',
      afterMs: 300.4,
      waitingFor: 'a response',
      partial: Buffer.alloc(0),
    }
    expect(provenance(quiet, [originGot('')])).toBe(
      'the target sent no response for 300 ms; the origin had the request and had not answered it',
    )
  })

  it('a broken origin answer still yields its status line', () => {
    const broken = 'HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n'
    expect(originAnswers([originGot(broken)]).map((a) => a.status)).toEqual([200])
  })
})

describe('OriginRequest.sent', () => {
  let scope = new Scope()
  afterEach(async () => {
    await scope.close()
    scope = new Scope()
  })

  it('holds what the origin wrote back for each request, in order on one connection', async () => {
    const origin = scope.use(await startOrigin())
    const client = scope.use(
      await openRawClient({
        host: origin.host,
        port: origin.port,
        id: 'c1',
        timeoutMs: 2000,
        transcript: new TranscriptRecorder(),
      }),
    )
    const get = (path: string): Buffer =>
      requestBytes({ method: 'GET', target: path, headers: [['Host', 'origin.test']] })
    await client.write(Buffer.concat([get('/t-aaaaaa-1/a'), get('/t-aaaaaa-1/b')]))
    const first = await client.readResponse()
    const second = await client.readResponse()
    const seen = await origin.nextRequest('t-aaaaaa-1', 2000)
    if (isTimeout(seen)) throw new Error('the origin saw nothing')
    const requests = origin.requests('t-aaaaaa-1')
    expect(requests).toHaveLength(2)
    expect(requests[0]?.sent.bytes.toString('latin1')).toContain(
      'proxyspec origin: GET /t-aaaaaa-1/a',
    )
    expect(requests[1]?.sent.bytes.toString('latin1')).toContain(
      'proxyspec origin: GET /t-aaaaaa-1/b',
    )
    expect(provenanceOf(first, requests).by).toBe('origin')
    expect(provenanceOf(second, requests.slice(0, 1)).by).toBe('target')
  })
})
