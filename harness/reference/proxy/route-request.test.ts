import { referenceSteps } from './steps/index.js'
import { describe, expect, it } from 'vitest'
import { requestHead } from './head-fixtures.js'
import { routeRequest, type RoutingConfig } from './route-request.js'

const forward: RoutingConfig = {
  mode: 'forward',
  connectPorts: [443],
  steps: referenceSteps,
  hosts: { 'o.test': '127.0.0.2' },
  self: { address: '127.0.0.1', port: 3128 },
}
const reverse: RoutingConfig = {
  ...forward,
  mode: 'reverse',
  upstream: { address: '127.0.0.1', port: 8080 },
}
const status = (config: RoutingConfig, ...lines: string[]): number | string => {
  const route = routeRequest(requestHead(...lines), config)
  return route.kind === 'reject' ? route.status : route.kind
}

describe('routeRequest', () => {
  it('routes absolute-form to the target authority with Host rebuilt', () => {
    expect(
      routeRequest(requestHead('GET http://o.test:81/x HTTP/1.1', 'Host: evil'), forward),
    ).toEqual({
      kind: 'forward',
      upstream: { address: '127.0.0.2', port: 81, key: '127.0.0.2:81' },
      target: '/x',
      host: { mode: 'rebuild', value: 'o.test:81' },
    })
  })

  it('refuses what is not loopback (403), loops (508), origin-form in forward mode (400) and other schemes (501)', () => {
    expect(status(forward, 'GET http://example.com/ HTTP/1.1', 'Host: example.com')).toBe(403)
    expect(status(forward, 'GET http://127.0.0.1:3128/ HTTP/1.1', 'Host: x')).toBe(508)
    expect(status(forward, 'CONNECT localhost:3128 HTTP/1.1', 'Host: x')).toBe(403)
    expect(
      status({ ...forward, connectPorts: [3128] }, 'CONNECT localhost:3128 HTTP/1.1', 'Host: x'),
    ).toBe(508)
    expect(status(forward, 'GET / HTTP/1.1', 'Host: x')).toBe(400)
    expect(status(forward, 'GET https://o.test/ HTTP/1.1', 'Host: x')).toBe(501)
  })

  it('needs exactly one valid Host on HTTP/1.1, and none or one on HTTP/1.0', () => {
    expect(status(forward, 'GET http://o.test/ HTTP/1.1')).toBe(400)
    expect(status(forward, 'GET http://o.test/ HTTP/1.1', 'Host: a', 'Host: a')).toBe(400)
    expect(status(forward, 'GET http://o.test/ HTTP/1.1', 'Host: a.test, b.test')).toBe(400)
    expect(status(forward, 'GET http://o.test/ HTTP/1.1', 'Host: a.test:80x')).toBe(400)
    expect(status(forward, 'GET http://o.test/ HTTP/1.0')).toBe('forward')
    expect(status(forward, 'CONNECT o.test:443 HTTP/1.0')).toBe('connect')
  })

  it('checks CONNECT: form (400), framing fields (400), port allow-list (403), destination', () => {
    expect(status(forward, 'CONNECT o.test HTTP/1.1', 'Host: o.test')).toBe(400)
    expect(
      status(
        forward,
        'CONNECT o.test:443 HTTP/1.1',
        'Host: o.test:443',
        'Transfer-Encoding: chunked',
      ),
    ).toBe(400)
    expect(status(forward, 'CONNECT o.test:25 HTTP/1.1', 'Host: o.test:25')).toBe(403)
    expect(status(forward, 'CONNECT b.test:443 HTTP/1.1', 'Host: o.test:443')).toBe(403)
    // The request-target decides where the tunnel goes, not Host (CONNECT-02).
    const route = routeRequest(
      requestHead('CONNECT o.test:443 HTTP/1.1', 'Host: b.test:443'),
      forward,
    )
    expect(route).toEqual({
      kind: 'connect',
      upstream: { address: '127.0.0.2', port: 443, key: '127.0.0.2:443' },
    })
  })

  it('sends everything to the configured upstream in reverse mode, keeping Host, and refuses CONNECT', () => {
    expect(routeRequest(requestHead('GET /a?b HTTP/1.1', 'Host: site'), reverse)).toEqual({
      kind: 'forward',
      upstream: { address: '127.0.0.1', port: 8080, key: '127.0.0.1:8080' },
      target: '/a?b',
      host: { mode: 'keep', value: '127.0.0.1:8080' },
    })
    expect(status(reverse, 'OPTIONS * HTTP/1.1', 'Host: site')).toBe('forward')
    expect(status(reverse, 'GET x HTTP/1.1', 'Host: site')).toBe(400)
    expect(status(reverse, 'CONNECT o.test:443 HTTP/1.1', 'Host: site')).toBe(405)
  })
})
