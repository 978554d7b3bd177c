// The reference h2 front with an h2 upstream: real sockets, the harness raw
// h2 origin (fields logged before validation, scripted answers) and raw client.
import { describe, expect, it } from 'vitest'
import { ERROR_CODE, SETTING } from '../../h2/constants.js'
import { openH2RawClient } from '../../h2/raw-client.js'
import { startH2RawOrigin, type H2RawResponder } from '../../h2/raw-origin.js'
import { startReferenceProxy } from '../proxy/proxy-server.js'
import { must, startRawOrigin } from '../proxy/test-kit.js'
import { connect } from 'node:net'
import { scopePerTest } from './test-kit.js'

const scope = scopePerTest()

async function setup(respond: H2RawResponder, settings?: readonly (readonly [number, number])[]) {
  const h1 = scope().use(await startRawOrigin(() => undefined))
  const origin = scope().use(await startH2RawOrigin({ respond, ...(settings ? { settings } : {}) }))
  const proxy = scope().use(
    await startReferenceProxy({
      mode: 'reverse',
      upstream: { host: '127.0.0.1', port: h1.port },
      h2Upstream: { host: origin.host, port: origin.port },
    }),
  )
  const client = scope().use(
    await openH2RawClient({ host: proxy.host, port: proxy.port, id: 'c1' }),
  )
  return { origin, client, proxy }
}

/** One HTTP/1.1 request to the proxy; everything it answers until it closes. */
function h1Exchange(port: number, request: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port })
    const chunks: Buffer[] = []
    socket.on('data', (c: Buffer) => chunks.push(c))
    socket.on('error', () => undefined)
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('latin1')))
    socket.write(request)
  })
}

describe('h2 front with an h2 upstream', () => {
  it('relays a GET and its response', async () => {
    const { origin, client } = await setup(() => ({
      fields: [
        { name: ':status', value: '200' },
        { name: 'content-length', value: '5' },
      ],
      body: 'hello',
    }))
    const id = await client.request({ path: '/a', authority: 'site.test' })
    const result = must(await client.waitForStreamEnd(id))
    expect(result.end).toBe('end-stream')
    expect(result.status).toBe('200')
    expect(result.data.toString()).toBe('hello')
    const seen = origin.requests()[0]!
    expect(seen.field(':path')).toBe('/a')
    expect(seen.field(':authority')).toBe('site.test')
  })

  it('answers 502 to a content-length mismatch and to connection-specific fields', async () => {
    const { client } = await setup((r) =>
      r.field(':path') === '/long'
        ? {
            fields: [
              { name: ':status', value: '200' },
              { name: 'content-length', value: '5' },
            ],
            body: '0123456789',
          }
        : {
            fields: [
              { name: ':status', value: '200' },
              { name: 'connection', value: 'close' },
            ],
            body: 'x',
          },
    )
    for (const path of ['/long', '/conn']) {
      const id = await client.request({ path })
      const result = must(await client.waitForStreamEnd(id))
      expect(result.status).toBe('502')
    }
  })

  it('delivers a complete response followed by RST_STREAM(NO_ERROR)', async () => {
    const { client } = await setup((r, conn) => {
      void (async () => {
        await conn.sendHeaders(r.streamId, [
          { name: ':status', value: '413' },
          { name: 'content-length', value: '4' },
        ])
        await conn.sendData(r.streamId, 'nope', { endStream: true })
        await conn.sendRst(r.streamId, ERROR_CODE.NO_ERROR)
      })()
      return undefined
    })
    const id = await client.request({ method: 'POST', path: '/p', body: 'abc' })
    const result = must(await client.waitForStreamEnd(id))
    expect(result.end).toBe('end-stream')
    expect(result.status).toBe('413')
    expect(result.data.toString()).toBe('nope')
  })

  it('answers 502, never REFUSED_STREAM, when the origin resets after reading', async () => {
    const { client } = await setup(() => ({ rstCode: ERROR_CODE.REFUSED_STREAM }))
    const id = await client.request({ method: 'POST', path: '/p', body: 'abc' })
    const result = must(await client.waitForStreamEnd(id))
    expect(result.status).toBe('502')
  })

  it('resets the client stream when the origin resets mid-body', async () => {
    const { client } = await setup(() => ({
      fields: [{ name: ':status', value: '200' }],
      body: Buffer.alloc(50_000, 0x61),
      rstCode: ERROR_CODE.INTERNAL_ERROR,
    }))
    const id = await client.request({ path: '/big' })
    const result = must(await client.waitForStreamEnd(id))
    expect(result.end).toBe('reset')
    expect(result.status).toBe('200')
  })

  it('never opens more streams than the origin allows', async () => {
    const { origin, client } = await setup(
      () => ({ body: 'ok' }),
      [[SETTING.MAX_CONCURRENT_STREAMS, 2]],
    )
    const ids = await Promise.all(
      Array.from({ length: 10 }, (_, i) => client.request({ path: `/r${i}` })),
    )
    for (const id of ids) expect(must(await client.waitForStreamEnd(id)).status).toBe('200')
    expect(origin.requests()).toHaveLength(10)
  })

  it('carries HTTP/1.1 clients to the h2 origin too, with the same checks', async () => {
    const { origin, proxy } = await setup((r) =>
      r.field(':path') === '/bad'
        ? {
            fields: [
              { name: ':status', value: '200' },
              { name: 'x-a', value: 'b\r\nset-cookie: evil=1' },
            ],
            body: 'x',
          }
        : { fields: [{ name: ':status', value: '200' }], body: 'hello' },
    )
    const good = await h1Exchange(
      proxy.port,
      'GET /good HTTP/1.1\r\nHost: site.test\r\nConnection: close\r\n\r\n',
    )
    expect(good).toMatch(/^HTTP\/1\.1 200 /)
    expect(good).toContain('\r\n\r\n5\r\nhello\r\n0\r\n\r\n')
    expect(origin.requests()[0]?.field(':authority')).toBe('site.test')
    const bad = await h1Exchange(
      proxy.port,
      'GET /bad HTTP/1.1\r\nHost: site.test\r\nConnection: close\r\n\r\n',
    )
    expect(bad).toMatch(/^HTTP\/1\.1 502 /)
    expect(bad).not.toContain('evil=1')
  })

  it('answers 502 when the h2 origin cannot be reached', async () => {
    const h1 = scope().use(await startRawOrigin(() => undefined))
    const gone = scope().use(await startRawOrigin(() => undefined))
    const port = gone.port
    await gone.close()
    const proxy = scope().use(
      await startReferenceProxy({
        mode: 'reverse',
        upstream: { host: '127.0.0.1', port: h1.port },
        h2Upstream: { host: '127.0.0.1', port },
      }),
    )
    const client = scope().use(
      await openH2RawClient({ host: proxy.host, port: proxy.port, id: 'c1' }),
    )
    const id = await client.request({ path: '/x' })
    expect(must(await client.waitForStreamEnd(id)).status).toBe('502')
  })
})
