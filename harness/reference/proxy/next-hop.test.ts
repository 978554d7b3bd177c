// The reference chained to the harness next hop (RFC 9110 §9.3.6, RFC 9112
// §3.2.3, §6.3 rule 2): what it sends on (CONNECT-14), what it makes of the
// next hop's 2xx (CONNECT-03, CONNECT-04), and a refusal passed back framed.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { Scope } from '../../net/started.js'
import { startNextHop } from '../../nexthop/index.js'
import { startEchoServer } from '../../tcp/index.js'
import { startReferenceProxy } from './proxy-server.js'
import { connectPeer, must } from './test-kit.js'

let scope = new Scope()
beforeEach(() => {
  scope = new Scope()
})
afterEach(async () => {
  await scope.close()
})

const ESTABLISHED = 'HTTP/1.1 200 Connection Established\r\n\r\n'

async function chained() {
  const echo = scope.use(await startEchoServer())
  const hop = scope.use(await startNextHop())
  const proxy = scope.use(
    await startReferenceProxy({
      mode: 'forward',
      connectPorts: [echo.port],
      nextHop: { host: hop.host, port: hop.port },
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

describe('startReferenceProxy with nextHop', () => {
  it('sends CONNECT host:port with Host and without the client credentials, then tunnels through', async () => {
    const { echo, hop, peer, connect } = await chained()
    const seen = hop.nextRequest(echo.port, 2000)
    connect('Proxy-Authorization: Basic dXNlcjpwYXNz\r\n')
    const request = must(await seen)
    expect(request.head.raw.toString('latin1')).toBe(
      `CONNECT ${echo.authority} HTTP/1.1\r\nHost: ${echo.authority}\r\n\r\n`,
    )
    must(await peer.waitForBytes(ESTABLISHED.length))
    peer.socket.write('ping')
    const back = must(await peer.waitForBytes(ESTABLISHED.length + 4))
    expect(back.toString('latin1')).toBe(`${ESTABLISHED}ping`)
  })

  it('answers its own bare 200 to a next-hop 2xx with CL and TE, and passes the bytes after it on as tunnel data', async () => {
    const { echo, hop, peer, connect } = await chained()
    hop.answerFor(echo.port, {
      kind: 'scripted',
      response: 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\nHELLO',
    })
    connect()
    const got = must(await peer.waitForBytes(ESTABLISHED.length + 5))
    expect(got.toString('latin1')).toBe(`${ESTABLISHED}HELLO`)
  })

  it('passes a next-hop refusal back as a framed response and closes', async () => {
    const { echo, hop, peer, connect } = await chained()
    hop.answerFor(echo.port, {
      kind: 'scripted',
      response: 'HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n',
      then: 'close',
    })
    connect()
    must(await peer.waitForEnd())
    const [response] = peer.responses(['CONNECT'])
    expect(response?.head.status).toBe(403)
    expect(response?.complete).toBe(true)
  })
})
