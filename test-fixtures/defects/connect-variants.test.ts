// The connect entries that replace a next-hop or proxy-authentication step: each
// changes exactly what its name says (the reference's answers are pinned next to
// the code, in harness/reference/proxy/next-hop.test.ts and proxy-auth.test.ts).
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { Scope } from '../../harness/net/started.js'
import { startNextHop } from '../../harness/nexthop/index.js'
import { requestHead } from '../../harness/reference/proxy/head-fixtures.js'
import { startReferenceProxy } from '../../harness/reference/proxy/proxy-server.js'
import { stepsWith } from '../../harness/reference/proxy/steps/index.js'
import { connectPeer, must } from '../../harness/reference/proxy/test-kit.js'
import { startEchoServer } from '../../harness/tcp/index.js'
import { variantOf } from './index.js'

let scope = new Scope()
beforeEach(() => {
  scope = new Scope()
})
afterEach(async () => {
  await scope.close()
})

const ESTABLISHED = 'HTTP/1.1 200 Connection Established\r\n\r\n'

/** The reference with variant `name`, chained to the harness next hop, and a client of it. */
async function chained(name: string) {
  const echo = scope.use(await startEchoServer())
  const hop = scope.use(await startNextHop())
  const proxy = scope.use(
    await startReferenceProxy({
      mode: 'forward',
      connectPorts: [echo.port],
      nextHop: { host: hop.host, port: hop.port },
      steps: variantOf(name),
    }),
  )
  const peer = await connectPeer(proxy.port)
  scope.defer(() => {
    peer.socket.destroy()
  })
  const connect = (extra = ''): void => {
    peer.socket.write(
      `CONNECT ${echo.authority} HTTP/1.1\r\nHost: ${echo.authority}\r\n${extra}\r\n`,
    )
  }
  return { echo, hop, peer, connect }
}

describe('next-hop variants', () => {
  it('forwards-credentials-to-next-hop sends the client credentials on', async () => {
    const leak = await chained('forwards-credentials-to-next-hop')
    const seen = leak.hop.nextRequest(leak.echo.port, 2000)
    leak.connect('Proxy-Authorization: Basic dXNlcjpwYXNz\r\n')
    expect(must(await seen).head.raw.toString('latin1')).toContain('Proxy-Authorization')
  })

  it('reads-next-hop-2xx-body swallows the bytes after the next hop 2xx', async () => {
    const swallow = await chained('reads-next-hop-2xx-body')
    swallow.hop.answerFor(swallow.echo.port, {
      kind: 'scripted',
      response: 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nHELLO',
    })
    swallow.connect()
    must(await swallow.peer.waitForBytes(ESTABLISHED.length))
    swallow.peer.socket.write('x')
    const got = must(await swallow.peer.waitForBytes(ESTABLISHED.length + 1))
    expect(got.toString('latin1')).toBe(`${ESTABLISHED}x`)
  })

  it('relays-next-hop-2xx-head passes the next hop head on verbatim', async () => {
    const verbatim = await chained('relays-next-hop-2xx-head')
    verbatim.hop.answerFor(verbatim.echo.port, {
      kind: 'scripted',
      response: 'HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n',
    })
    verbatim.connect()
    const head = must(await verbatim.peer.waitForBytes(10))
    expect(head.toString('latin1')).toContain('Content-Length: 0')
  })
})

describe('proxy-authentication variants', () => {
  const CREDS = { user: 'alice', pass: 'se:cret' }
  const basic = (text: string): string =>
    `Proxy-Authorization: Basic ${Buffer.from(text).toString('base64')}`
  const get = (...lines: string[]) =>
    requestHead('GET http://a.test/ HTTP/1.1', 'Host: a.test', ...lines)

  it('any credentials, a CONNECT unasked, a split at the last colon', () => {
    const check = (variant: string, head: ReturnType<typeof get>): boolean => {
      const steps = stepsWith(variantOf(variant))
      return steps.authorized(head, CREDS, steps.basicCredentials)
    }
    expect(check('accepts-wrong-proxy-credentials', get(basic('x:y')))).toBe(true)
    const connect = requestHead('CONNECT a.test:443 HTTP/1.1', 'Host: a.test:443')
    expect(check('connect-skips-proxy-auth', connect)).toBe(true)
    expect(check('splits-credentials-at-last-colon', get(basic('alice:se:cret')))).toBe(false)
    // A password without a colon still matches.
    const plain = stepsWith(variantOf('splits-credentials-at-last-colon'))
    const bob = get(basic('bob:plain'))
    expect(plain.authorized(bob, { user: 'bob', pass: 'plain' }, plain.basicCredentials)).toBe(true)
  })

  it('forwards-proxy-authorization keeps Proxy-Authorization in what is forwarded', () => {
    const head = get(basic('alice:se:cret'), 'Authorization: Bearer x')
    const names = (h: typeof head): string[] => h.headers.map((f) => f.name)
    const leak = stepsWith(variantOf('forwards-proxy-authorization'))
    expect(names(leak.consumeProxyAuthorization(head))).toContain('Proxy-Authorization')
  })
})
