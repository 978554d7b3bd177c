import { referenceSteps } from './steps/index.js'
import { describe, expect, it } from 'vitest'
import { requestHead } from './head-fixtures.js'
import {
  authorized,
  basicCredentials,
  consumeProxyAuthorization,
  PROXY_CHALLENGE,
} from './proxy-auth.js'
import { routeRequest, type RoutingConfig } from './route-request.js'

const CREDS = { user: 'alice', pass: 'se:cret' }
const basic = (text: string): string =>
  `Proxy-Authorization: Basic ${Buffer.from(text).toString('base64')}`

describe('authorized (RFC 7617, RFC 9110 §11.7.2)', () => {
  const get = (...lines: string[]) =>
    requestHead('GET http://a.test/ HTTP/1.1', 'Host: a.test', ...lines)

  it('accepts exactly the required Basic credentials, the password split at the first colon', () => {
    expect(authorized(get(basic('alice:se:cret')), CREDS, basicCredentials)).toBe(true)
    expect(
      authorized(get(basic('alice:se:cret').replace('Basic', 'basic')), CREDS, basicCredentials),
    ).toBe(true)
  })

  it('refuses none, wrong, non-Basic and repeated credentials', () => {
    expect(authorized(get(), CREDS, basicCredentials)).toBe(false)
    expect(authorized(get(basic('alice:wrong')), CREDS, basicCredentials)).toBe(false)
    expect(authorized(get('Proxy-Authorization: Bearer abc'), CREDS, basicCredentials)).toBe(false)
    expect(
      authorized(get(basic('alice:se:cret'), basic('alice:se:cret')), CREDS, basicCredentials),
    ).toBe(false)
  })

  it('consumes Proxy-Authorization from what is forwarded', () => {
    const head = get(basic('alice:se:cret'), 'Authorization: Bearer x')
    const names = (h: typeof head): string[] => h.headers.map((f) => f.name)
    expect(names(consumeProxyAuthorization(head))).toEqual(['Host', 'Authorization'])
  })
})

describe('routeRequest with proxyAuth', () => {
  const config: RoutingConfig = {
    mode: 'forward',
    connectPorts: [443],
    steps: referenceSteps,
    hosts: {},
    self: { address: '127.0.0.1', port: 3128 },
    proxyAuth: CREDS,
  }

  it('answers 407 with the challenge to a request or CONNECT without credentials', () => {
    for (const line of ['GET http://127.0.0.1:8080/ HTTP/1.1', 'CONNECT 127.0.0.1:443 HTTP/1.1']) {
      const head = requestHead(line, 'Host: 127.0.0.1:8080')
      expect(routeRequest(head, config)).toMatchObject({
        kind: 'reject',
        status: 407,
        headers: [PROXY_CHALLENGE],
      })
    }
  })

  it('routes a request with the credentials, and asks nothing of a reverse proxy', () => {
    const head = requestHead(
      'GET http://127.0.0.1:8080/ HTTP/1.1',
      'Host: 127.0.0.1:8080',
      basic('alice:se:cret'),
    )
    expect(routeRequest(head, config)).toMatchObject({ kind: 'forward' })
    const reverse = {
      ...config,
      mode: 'reverse' as const,
      upstream: { address: '127.0.0.1', port: 8080 },
    }
    expect(routeRequest(requestHead('GET / HTTP/1.1', 'Host: a'), reverse)).toMatchObject({
      kind: 'forward',
    })
  })
})
