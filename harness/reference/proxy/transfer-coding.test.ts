// The reference's transfer-coding refusals (RFC 9112 §6.1, SMUG-05): chunked
// twice gets 400, a request coding it would only relabel gets 501 and nothing
// is forwarded; a response in such a coding gets 502.
import { gzipSync } from 'node:zlib'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { Scope } from '../../net/started.js'
import { responseCodingProblem, transferCodingRefusal } from './framing.js'
import { requestHead, responseHead } from './head-fixtures.js'
import { startReferenceProxy } from './proxy-server.js'
import { connectPeer, fieldLines, must, startRawOrigin } from './test-kit.js'

let scope = new Scope()
beforeEach(() => {
  scope = new Scope()
})
afterEach(async () => {
  await scope.close()
})

describe('transferCodingRefusal', () => {
  const head = (te?: string) =>
    requestHead(
      'POST / HTTP/1.1',
      'Host: a',
      ...(te === undefined ? [] : [`Transfer-Encoding: ${te}`]),
    )

  it('lets plain chunked and no Transfer-Encoding through', () => {
    expect(transferCodingRefusal(head())).toBeUndefined()
    expect(transferCodingRefusal(head('chunked'))).toBeUndefined()
    expect(transferCodingRefusal(head('Chunked'))).toBeUndefined()
  })

  it('refuses chunked applied twice with 400', () => {
    expect(transferCodingRefusal(head('chunked, chunked'))?.status).toBe(400)
  })

  it('refuses a coding before chunked with 501', () => {
    expect(transferCodingRefusal(head('gzip, chunked'))?.status).toBe(501)
  })
})

describe('responseCodingProblem', () => {
  const head = (status: string, ...lines: string[]) => responseHead(`HTTP/1.1 ${status}`, ...lines)

  it('relays plain chunked, Content-Length and close-delimited bodies', () => {
    expect(
      responseCodingProblem('GET', head('200 OK', 'Transfer-Encoding: chunked')),
    ).toBeUndefined()
    expect(responseCodingProblem('GET', head('200 OK', 'Content-Length: 2'))).toBeUndefined()
    expect(responseCodingProblem('GET', head('200 OK'))).toBeUndefined()
  })

  it('refuses a coding it would have to drop, unless there is no body', () => {
    expect(
      responseCodingProblem('GET', head('200 OK', 'Transfer-Encoding: gzip, chunked')),
    ).toMatch(/gzip/)
    expect(responseCodingProblem('GET', head('200 OK', 'Transfer-Encoding: gzip'))).toMatch(/gzip/)
    expect(
      responseCodingProblem('HEAD', head('200 OK', 'Transfer-Encoding: gzip, chunked')),
    ).toBeUndefined()
  })

  it('answers 502 to such a response', async () => {
    const origin = scope.use(
      await startRawOrigin((r) =>
        r.conn.socket.write(
          'HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n2\r\n\x1f\x8b\r\n0\r\n\r\n',
        ),
      ),
    )
    const proxy = scope.use(await startReferenceProxy({ mode: 'forward' }))
    const peer = await connectPeer(proxy.port)
    scope.defer(() => {
      peer.socket.destroy()
    })
    peer.socket.write(`GET http://${origin.authority}/ HTTP/1.1\r\nHost: x\r\n\r\n`)
    const [response] = must(await peer.waitForResponses(1))
    expect(response?.head.status).toBe(502)
  })
})

describe('startReferenceProxy (transfer codings)', () => {
  it.each([
    ['chunked, chunked', 400],
    ['gzip, chunked', 501],
  ] as const)(
    'answers "%s" with %i and Connection: close, forwarding nothing',
    async (te, status) => {
      const origin = scope.use(
        await startRawOrigin((r) =>
          r.conn.socket.write('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n'),
        ),
      )
      const proxy = scope.use(await startReferenceProxy({ mode: 'forward' }))
      const peer = await connectPeer(proxy.port)
      scope.defer(() => {
        peer.socket.destroy()
      })
      const body = gzipSync(Buffer.from('hello'))
      peer.socket.write(
        Buffer.concat([
          Buffer.from(
            `POST http://${origin.authority}/ HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: ${te}\r\n\r\n${body.length.toString(16)}\r\n`,
          ),
          body,
          Buffer.from('\r\n0\r\n\r\n'),
        ]),
      )
      must(await peer.waitForEnd())
      const responses = peer.responses()
      expect(responses.map((m) => m.head.status)).toEqual([status])
      expect(fieldLines(responses[0]?.head.raw.toString('latin1') ?? '', 'connection')).toEqual([
        'close',
      ])
      expect(origin.requests).toHaveLength(0)
    },
  )
})
