import { http, HttpResponse } from 'msw'
import { afterEach, describe, expect, it } from 'vitest'
import { openRawClient } from '../client/index.js'
import type { RawClient, ReadResponseResult } from '../client/types.js'
import { isTimeout } from '../net/deadline.js'
import { Scope } from '../net/started.js'
import { TranscriptRecorder } from '../net/transcript.js'
import { firstFieldValue, listTokens } from '../wire/fields.js'
import { requestBytes } from '../wire/serialize.js'
import type { HttpMessage, ResponseHead } from '../wire/types.js'
import { startOrigin } from './origin-server.js'
import type { StartedOrigin } from './types.js'

let scope = new Scope()
afterEach(async () => {
  await scope.close()
  scope = new Scope()
})

async function setup(): Promise<{ origin: StartedOrigin; client: () => Promise<RawClient> }> {
  const origin = scope.use(await startOrigin())
  let n = 0
  return {
    origin,
    client: async () =>
      scope.use(
        await openRawClient({
          host: origin.host,
          port: origin.port,
          id: `c${(n += 1)}`,
          timeoutMs: 3000,
          transcript: new TranscriptRecorder(),
        }),
      ),
  }
}

function response(result: ReadResponseResult): HttpMessage<ResponseHead> {
  if (result.kind !== 'response') throw new Error(`expected a response, got ${result.kind}`)
  return result.message
}

const get = (target: string, headers: [string, string][] = [], version = 'HTTP/1.1'): Buffer =>
  requestBytes({ method: 'GET', target, version, headers: [['Host', 'origin.test'], ...headers] })

describe('startOrigin', () => {
  it('answers with the default route and records the request under its token', async () => {
    const { origin, client } = await setup()
    const c = await client()
    await c.write(get('/t-abcdef-1/hello?x=1'))
    const message = response(await c.readResponse())
    expect(message.head.status).toBe(200)
    expect(message.body.toString()).toBe('proxyspec origin: GET /t-abcdef-1/hello?x=1')
    expect(firstFieldValue(message.head.headers, 'content-length')).toBe(
      String(message.body.length),
    )
    const seen = await origin.nextRequest('t-abcdef-1', 1000)
    if (isTimeout(seen)) throw new Error('no request')
    expect(seen).toMatchObject({ id: 1, token: 't-abcdef-1', conn: 'o1', connSeq: 1 })
    expect(seen.message.head.raw.equals(get('/t-abcdef-1/hello?x=1'))).toBe(true)
    // The queue hands each request out once; the next wait is a timeout value, not a throw.
    const none = await origin.nextRequest('t-abcdef-1', 50)
    expect(isTimeout(none)).toBe(true)
    expect(origin.requests('t-abcdef-1')).toHaveLength(1)
  })

  it('routes through msw handlers and keeps the fields they set, Connection-listed ones included', async () => {
    const { origin, client } = await setup()
    origin.behave('t-abcdef-2', {
      kind: 'routes',
      handlers: [
        http.post('*/t-abcdef-2/echo', async ({ request }) =>
          HttpResponse.text(`got ${await request.text()}`, {
            status: 201,
            headers: { Connection: 'X-Hop', 'X-Hop': '1' },
          }),
        ),
      ],
    })
    const c = await client()
    await c.write(
      requestBytes({
        method: 'POST',
        target: '/t-abcdef-2/echo',
        headers: [
          ['Host', 'origin.test'],
          ['Content-Length', '5'],
        ],
        body: 'hello',
      }),
    )
    const message = response(await c.readResponse())
    expect(message.head.status).toBe(201)
    expect(message.body.toString()).toBe('got hello')
    expect(listTokens(message.head.headers, 'connection')).toEqual(['x-hop'])
    expect(firstFieldValue(message.head.headers, 'x-hop')).toBe('1')
  })

  it('answers 404 when no handler matches', async () => {
    const { origin, client } = await setup()
    origin.behave('t-abcdef-3', {
      kind: 'routes',
      handlers: [http.get('*/elsewhere', () => HttpResponse.text('no'))],
    })
    const c = await client()
    await c.write(get('/t-abcdef-3/here'))
    expect(response(await c.readResponse()).head.status).toBe(404)
  })

  it('frames by chunked and by close when the policy says so', async () => {
    const { origin, client } = await setup()
    const route = (framing: 'chunked' | 'close-delimited') => ({
      kind: 'routes' as const,
      handlers: [http.all('*', () => HttpResponse.text('framed body'))],
      policy: { framing },
    })
    origin.behave('t-abcdef-4', route('chunked'))
    origin.behave('t-abcdef-5', route('close-delimited'))
    const c = await client()
    await c.write(get('/t-abcdef-4/'))
    const chunked = response(await c.readResponse())
    expect(chunked.framing).toBe('chunked')
    expect(chunked.body.toString()).toBe('framed body')
    // The same connection: chunked framing leaves it open.
    await c.write(get('/t-abcdef-5/'))
    const delimited = response(await c.readResponse())
    expect(delimited.framing).toBe('close-delimited')
    expect(delimited.body.toString()).toBe('framed body')
    expect(listTokens(delimited.head.headers, 'connection')).toEqual(['close'])
    // The origin ended first; the connection is closed once the client lets go too.
    await c.close()
    expect(await origin.connectionClosed('o1', 1000)).toBe('origin')
  })

  it('speaks HTTP/1.0: keep-alive only when asked, and says so', async () => {
    const { origin, client } = await setup()
    origin.behave('t-abcdef-6', {
      kind: 'routes',
      handlers: [http.all('*', () => HttpResponse.text('ten bytes!'))],
      policy: { version: 'HTTP/1.0' },
    })
    const c = await client()
    await c.write(get('/t-abcdef-6/a', [['Connection', 'keep-alive']], 'HTTP/1.0'))
    const first = response(await c.readResponse())
    expect(first.head.version).toBe('HTTP/1.0')
    expect(listTokens(first.head.headers, 'connection')).toEqual(['keep-alive'])
    await c.write(get('/t-abcdef-6/b', [], 'HTTP/1.0'))
    response(await c.readResponse())
    expect(await c.waitForClose({ timeoutMs: 1000 })).toEqual({ kind: 'eof' })
    expect(origin.requests('t-abcdef-6').map((r) => r.connSeq)).toEqual([1, 2])
  })

  it('forces close, or ignores a close request, as the policy says', async () => {
    const { origin, client } = await setup()
    origin.behave('t-abcdef-7', {
      kind: 'routes',
      handlers: [http.all('*', () => HttpResponse.text('x'))],
      policy: { persistence: 'close' },
    })
    origin.behave('t-abcdef-8', {
      kind: 'routes',
      handlers: [http.all('*', () => HttpResponse.text('y'))],
      policy: { persistence: 'ignore-close' },
    })
    const closing = await client()
    await closing.write(get('/t-abcdef-7/'))
    expect(listTokens(response(await closing.readResponse()).head.headers, 'connection')).toEqual([
      'close',
    ])
    expect(await closing.waitForClose({ timeoutMs: 1000 })).toEqual({ kind: 'eof' })

    const stubborn = await client()
    await stubborn.write(get('/t-abcdef-8/', [['Connection', 'close']]))
    const message = response(await stubborn.readResponse())
    expect(listTokens(message.head.headers, 'connection')).toEqual([])
    await stubborn.write(get('/t-abcdef-8/again'))
    expect(response(await stubborn.readResponse()).body.toString()).toBe('y')
  })

  it('answers pipelined requests in order, and requests written one byte at a time', async () => {
    const { origin, client } = await setup()
    const c = await client()
    await c.write(
      Buffer.concat([get('/t-abcdef-9/1'), get('/t-abcdef-9/2'), get('/t-abcdef-9/3')]),
      { fragments: 1 },
    )
    const bodies: string[] = []
    for (let i = 0; i < 3; i += 1) bodies.push(response(await c.readResponse()).body.toString())
    expect(bodies).toEqual(['1', '2', '3'].map((n) => `proxyspec origin: GET /t-abcdef-9/${n}`))
    expect(origin.requests('t-abcdef-9').map((r) => [r.conn, r.connSeq])).toEqual([
      ['o1', 1],
      ['o1', 2],
      ['o1', 3],
    ])
  })

  it('lets a raw responder answer at the head, before the body arrives', async () => {
    const { origin, client } = await setup()
    origin.behave('t-abcdef-10', {
      kind: 'raw',
      on: 'head',
      respond(_request, connection) {
        connection.write(
          'HTTP/1.1 413 Content Too Large\r\nContent-Length: 0\r\nConnection: close\r\n\r\n',
        )
        connection.end()
      },
    })
    const c = await client()
    await c.write(
      requestBytes({
        method: 'POST',
        target: '/t-abcdef-10/',
        headers: [
          ['Host', 'o'],
          ['Content-Length', '1000'],
        ],
      }),
    )
    expect(response(await c.readResponse()).head.status).toBe(413)
    const seen = origin.requests('t-abcdef-10')
    expect(seen).toHaveLength(1)
    expect(seen[0]?.message.complete).toBe(false)
  })

  it('reads heads far past 64 KiB (a 200 KiB field), so it never refuses what a case sends on', async () => {
    const { origin, client } = await setup()
    const c = await client()
    const big = 'a'.repeat(200 * 1024)
    await c.write(get('/t-abcdef-7/x', [['X-Big', big]]))
    expect(response(await c.readResponse()).head.status).toBe(200)
    const seen = await origin.nextRequest('t-abcdef-7', 1000)
    if (isTimeout(seen)) throw new Error('no request')
    expect(firstFieldValue(seen.message.head.headers, 'x-big')).toBe(big)
  })

  it('records every byte both ways in the transcript, and who closed first', async () => {
    const { origin, client } = await setup()
    const c = await client()
    await c.write(get('/t-abcdef-11/'))
    response(await c.readResponse())
    await c.end()
    expect(await origin.connectionClosed('o1', 1000)).toBe('peer')
    const events = origin.transcript.eventsFor(['o1'])
    const inbound = Buffer.concat(
      events.filter((e) => e.dir === 'from-target' && e.data).map((e) => e.data!),
    )
    expect(inbound.equals(get('/t-abcdef-11/'))).toBe(true)
    expect(events.some((e) => e.type === 'data' && e.dir === 'to-target')).toBe(true)
    expect(events.map((e) => e.type)).toContain('end')
    expect(origin.connections[0]).toMatchObject({ id: 'o1', closedBy: 'peer', requests: 1 })
  })

  it('answers 400 and closes when the request cannot be parsed at all', async () => {
    const { client } = await setup()
    const c = await client()
    await c.write('\x16\x03\x01 not http at all\r\n\r\n')
    expect(response(await c.readResponse()).head.status).toBe(400)
    expect(await c.waitForClose({ timeoutMs: 1000 })).toEqual({ kind: 'eof' })
  })
})
