import { referenceSteps } from './steps/index.js'
import { describe, expect, it } from 'vitest'
import { requestHead } from './head-fixtures.js'
import { routeRequest, type RoutingConfig } from './route-request.js'
import { passedThrough, viaLine } from './via.js'

describe('passedThrough', () => {
  const via = (...lines: string[]): boolean =>
    passedThrough(requestHead('GET / HTTP/1.1', 'Host: a', ...lines).headers, 'proxyspec')

  it('finds our received-by in any member of any Via line, in any case', () => {
    expect(via(viaLine('HTTP/1.1', 'proxyspec'))).toBe(true)
    expect(via('Via: 1.0 a, 1.1 ProxySpec (comment)')).toBe(true)
    expect(via('Via: 1.1 a', 'Via: HTTP/1.1 proxyspec')).toBe(true)
  })

  it('ignores other names, and our name anywhere but the received-by', () => {
    expect(via()).toBe(false)
    expect(via('Via: 1.1 proxyspec-2, 1.1 other (proxyspec)')).toBe(false)
    expect(via('Via: proxyspec')).toBe(false)
  })
})

describe('routeRequest and loops (RFC 9110 §7.6, HOP-19)', () => {
  const config: RoutingConfig = {
    mode: 'forward',
    connectPorts: [],
    steps: referenceSteps,
    hosts: {},
    self: { address: '127.0.0.1', port: 3128 },
    viaName: 'proxyspec',
  }

  it('answers 508 to a request that has been through this proxy already', () => {
    const head = requestHead(
      'GET http://127.0.0.1:8080/ HTTP/1.1',
      'Host: 127.0.0.1:8080',
      'Via: 1.1 proxyspec',
    )
    expect(routeRequest(head, config)).toMatchObject({ kind: 'reject', status: 508 })
  })

  it('answers 508 to a request for its own address, and forwards others', () => {
    const self = requestHead('GET http://127.0.0.1:3128/ HTTP/1.1', 'Host: 127.0.0.1:3128')
    expect(routeRequest(self, config)).toMatchObject({ kind: 'reject', status: 508 })
    const other = requestHead('GET http://127.0.0.1:8080/ HTTP/1.1', 'Host: x', 'Via: 1.1 a')
    expect(routeRequest(other, config)).toMatchObject({ kind: 'forward' })
  })
})
