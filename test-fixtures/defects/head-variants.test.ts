// The head stage's variants are replacements of named steps: the reference
// pipeline keeps its behaviour, the variant changes only the decision it names.
import { describe, expect, it } from 'vitest'
import { requestHead, responseHead } from '../../harness/reference/proxy/head-fixtures.js'
import {
  clientResponseHead,
  upstreamRequestHead,
  type UpstreamRequestSpec,
} from '../../harness/reference/proxy/message-head.js'
import { maxForwards } from '../../harness/reference/proxy/max-forwards.js'
import { referenceSteps, stepsWith } from '../../harness/reference/proxy/steps/index.js'
import { variantOf } from './index.js'

const text = (bytes: Buffer): string => bytes.toString('latin1')

const request = (steps = referenceSteps): string => {
  const spec: UpstreamRequestSpec = {
    head: requestHead(
      'GET http://o.test/a/%2e%2e/b HTTP/1.0',
      'Host: one',
      'Host: two',
      'Connection: via, x-hop',
      'X-Hop: 1',
      'TE: trailers',
    ),
    target: '/a/%2e%2e/b',
    host: { mode: 'rebuild', value: 'o.test' },
    framing: 'none',
    viaName: 'px',
    steps,
  }
  return text(upstreamRequestHead(spec))
}

describe('head stage variants', () => {
  it('the reference rebuilds Host, strips hop-by-hop fields and appends Via', () => {
    expect(request()).toBe('GET /a/%2e%2e/b HTTP/1.1\r\nHost: o.test\r\nVia: 1.0 px\r\n\r\n')
  })

  it('each variant changes only its own decision', () => {
    const withVariant = (name: string): string => request(stepsWith(variantOf(name)))
    expect(withVariant('connection-strips-via')).not.toContain('Via:')
    expect(withVariant('forwards-connection-listed-fields')).toContain('X-Hop: 1\r\n')
    expect(withVariant('forwards-te')).toContain('TE: trailers\r\n')
    expect(withVariant('forwards-received-host-unchecked')).toContain('Host: one\r\nHost: two\r\n')
    expect(withVariant('normalises-path')).toMatch(/^GET \/b HTTP\/1\.1\r\n/)
    expect(withVariant('copies-http-version')).toMatch(/^GET \/a\/%2e%2e\/b HTTP\/1\.0\r\n/)
  })

  it('joins-set-cookie folds repeated response lines into the first', () => {
    const head = responseHead('HTTP/1.1 200 OK', 'Set-Cookie: a=1', 'Set-Cookie: b=2')
    const spec = { head, framing: 'none', close: false, viaName: 'px' } as const
    expect(text(clientResponseHead({ ...spec, steps: referenceSteps }))).toContain(
      'Set-Cookie: a=1\r\nSet-Cookie: b=2\r\n',
    )
    expect(
      text(clientResponseHead({ ...spec, steps: stepsWith(variantOf('joins-set-cookie')) })),
    ).toContain('Set-Cookie: a=1, b=2\r\n')
  })

  it('max-forwards-overflows wraps 2^32 to 0 and answers locally', () => {
    const head = requestHead('OPTIONS * HTTP/1.1', 'Host: h', 'Max-Forwards: 4294967296')
    expect(maxForwards(head, false, referenceSteps)).toEqual({
      kind: 'forward',
      value: '4294967295',
    })
    expect(maxForwards(head, false, stepsWith(variantOf('max-forwards-overflows'))).kind).toBe(
      'answer',
    )
  })
})
