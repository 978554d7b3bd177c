// The reference's transfer-coding refusals (RFC 9112 §6.1, SMUG-05): chunked
// twice gets 400, a coding it would only relabel gets 501, nothing is forwarded.
import { gzipSync } from 'node:zlib'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { Scope } from '../net/started.js'
import { transferCodingRefusal } from './framing.js'
import { requestHead } from './head-fixtures.js'
import { startReferenceProxy } from './proxy-server.js'
import { connectPeer, fieldLines, must, startRawOrigin } from './test-kit.js'

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

  it('refuses a coding before chunked with 501, unless the defect relabels it', () => {
    expect(transferCodingRefusal(head('gzip, chunked'))?.status).toBe(501)
    expect(
      transferCodingRefusal(head('gzip, chunked'), 'drops-unknown-transfer-coding'),
    ).toBeUndefined()
  })
})

describe('startReferenceProxy (transfer codings)', () => {
  let scope = new Scope()
  beforeEach(() => {
    scope = new Scope()
  })
  afterEach(async () => {
    await scope.close()
  })

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
