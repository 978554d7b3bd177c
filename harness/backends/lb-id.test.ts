import { describe, expect, it } from 'vitest'
import { idInTarget, lbRequest, parseLbResponse } from './lb-id.js'

describe('lbRequest and parseLbResponse', () => {
  it('puts the id in the path and in X-Proxyspec-Id', () => {
    expect(lbRequest('a1').toString('latin1')).toBe(
      'GET /lb/a1/ HTTP/1.1\r\nHost: proxyspec.test\r\nX-Proxyspec-Id: a1\r\n\r\n',
    )
    expect(
      lbRequest('p.2', { method: 'POST', path: 'x/y?z', host: 'h', body: 'abc' }).toString(
        'latin1',
      ),
    ).toBe(
      'POST /lb/p.2/x/y?z HTTP/1.1\r\nHost: h\r\nX-Proxyspec-Id: p.2\r\nContent-Length: 3\r\n\r\nabc',
    )
    expect(() => lbRequest('has space')).toThrow(/request id/)
  })

  it('finds the id in origin- and absolute-form targets only as a whole segment', () => {
    expect(idInTarget('/lb/x-1/rest')).toBe('x-1')
    expect(idInTarget('http://lb.test/lb/x-2?q')).toBe('x-2')
    expect(idInTarget('/lbx/x-3/')).toBeUndefined()
    expect(idInTarget('/healthz')).toBeUndefined()
  })

  it('reads id, echo, backend, status and completeness from response bytes', () => {
    const whole = Buffer.from(
      'HTTP/1.1 200 OK\r\nX-Proxyspec-Id: r9\r\nX-Proxyspec-Backend: O3\r\nContent-Length: 3\r\n\r\nr9\n',
    )
    expect(parseLbResponse(whole)).toEqual({
      id: 'r9',
      bodyId: 'r9',
      backend: 'O3',
      status: 200,
      complete: true,
    })
    // A mixed-up response: the header names one request, the body another.
    const mixed = Buffer.from(
      'HTTP/1.1 200 OK\r\nX-Proxyspec-Id: r9\r\nContent-Length: 4\r\n\r\nr10\n',
    )
    expect(parseLbResponse(mixed)).toMatchObject({ id: 'r9', bodyId: 'r10' })
    // A balancer's own error page carries no id.
    const own = Buffer.from('HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n')
    expect(parseLbResponse(own)).toMatchObject({ id: undefined, backend: undefined, status: 503 })
    expect(parseLbResponse(Buffer.from('HTTP/1.1 20'))).toMatchObject({
      status: undefined,
      complete: false,
    })
  })
})
