import { describe, expect, it } from 'vitest'
import { caseAnchor } from '../html-case.js'
import { loadGoldenRun } from '../../test-fixtures/run-results/load.js'
import { buildMatrix, unexplained, type PeerRunInfo } from './model.js'
import { Reasons } from './reasons.js'
import { renderIndexPage } from './site/index.js'
import { renderMatrixMarkdown } from './render-markdown.js'

const run = loadGoldenRun('mixed-verdicts')
const info = (peer: 'squid' | 'apache'): PeerRunInfo => ({
  peer,
  version: `${peer} 1.0`,
  provider: 'native',
  where: `/usr/sbin/${peer}`,
  roles: [
    {
      role: 'forward',
      templates: [`${peer}/forward.conf`],
      files: [{ name: 'x.conf', content: 'listen 1' }],
    },
  ],
  evidence: `matrix/${peer}.html`,
  run,
})
const reasons = Reasons.parse(
  JSON.stringify({
    'squid connect/2xx-has-no-framing-headers': { side: 'peer', reason: 'squid sends CL: 0' },
    'squid/reverse connect/2xx-has-no-framing-headers': { side: 'harness', reason: 'not this' },
  }),
  'reasons.json',
)

describe('the peer matrix', () => {
  const matrix = buildMatrix([info('squid'), info('apache')], reasons, caseAnchor, '0.1.0')

  it('has a row per case that ran and a column per peer and role, cells linked to the evidence', () => {
    expect(matrix.columns.map((c) => c.key)).toEqual(['squid/forward', 'apache/forward'])
    const row = matrix.rows.find((r) => r.id === 'connect/2xx-has-no-framing-headers')
    const cell = row?.cells.get('squid/forward')
    expect(cell).toMatchObject({ status: 'fail', reason: { side: 'peer' } })
    expect(cell?.href).toBe('matrix/squid.html#case-connect-2xx-has-no-framing-headers--forward')
    expect(row?.cells.get('apache/forward')?.reason).toBeUndefined()
  })

  it('lists the non-pass cells nobody has explained yet', () => {
    const missing = unexplained(matrix)
    expect(
      missing.some((m) => m.startsWith('apache/forward connect/2xx-has-no-framing-headers')),
    ).toBe(true)
    expect(
      missing.some((m) => m.startsWith('squid/forward connect/2xx-has-no-framing-headers')),
    ).toBe(false)
  })

  it('renders Markdown and HTML with versions, configs, links and the reason beside the cell', () => {
    const md = renderMatrixMarkdown(matrix)
    expect(md).toContain('| squid | squid 1.0 | native (/usr/sbin/squid)')
    expect(md).toContain('(matrix/squid.html#case-connect-2xx-has-no-framing-headers--forward)')
    expect(md).toContain('**the peer deviates**: squid sends CL: 0')
    expect(md).toContain('**not yet investigated**')
    expect(md).toMatch(
      /\d+ cells are not a pass: 1 the peer deviates, 0 a documented default, 0 a proxyspec error not yet fixed/,
    )
    expect(md).toContain(
      '[test-fixtures/peers/squid/forward.conf](../test-fixtures/peers/squid/forward.conf)',
    )
    const html = renderIndexPage(matrix)
    expect(html).toContain(
      'href="matrix/apache.html#case-connect-2xx-has-no-framing-headers--forward"',
    )
    expect(html).toContain('squid sends CL: 0')
    // One script, the filters', pinned by its hash in the page's CSP.
    expect(html.match(/<script/g)).toHaveLength(1)
    expect(html).toMatch(/script-src 'sha256-[A-Za-z0-9+/]+=*'/)
  })

  it('gives a peer with two profiles a column per profile, labelled, with profile-scoped reasons', () => {
    const profiled = (profile: 'direct' | 'chained'): PeerRunInfo => ({
      ...info('squid'),
      profile,
      evidence: `matrix/squid-${profile}.html`,
    })
    const scoped = Reasons.parse(
      JSON.stringify({
        'squid/forward connect/2xx-has-no-framing-headers': {
          side: 'peer',
          reason: 'every profile',
        },
        'squid:chained/forward connect/2xx-has-no-framing-headers': {
          side: 'harness',
          reason: 'the next hop answered, not squid',
        },
      }),
      'reasons.json',
    )
    const two = buildMatrix([profiled('direct'), profiled('chained')], scoped, caseAnchor, '0.1.0')
    expect(two.columns.map((c) => c.key)).toEqual(['squid:direct/forward', 'squid:chained/forward'])
    const row = two.rows.find((r) => r.id === 'connect/2xx-has-no-framing-headers')
    expect(row?.cells.get('squid:direct/forward')).toMatchObject({
      reason: { side: 'peer', text: 'every profile' },
      href: 'matrix/squid-direct.html#case-connect-2xx-has-no-framing-headers--forward',
    })
    expect(row?.cells.get('squid:chained/forward')?.reason).toMatchObject({ side: 'harness' })
    const md = renderMatrixMarkdown(two)
    expect(md).toMatch(
      /\| squid forward \(direct, \d+\/\d+\) \| squid forward \(chained, \d+\/\d+\) \|/,
    )
    expect(md).toContain('| squid (chained) | squid 1.0 |')
    expect(md).toContain('### squid (forward, chained)')
    expect(md).toMatch(/squid forward \(chained\), `connect\/2xx-has-no-framing-headers`/)
    const html = renderIndexPage(two)
    expect(html).toContain('>squid<br>forward<br>(direct)<br>')
    expect(html).toMatch(
      /squid forward \(chained\), <a href="[^"]+"><code>connect\/2xx-has-no-framing-headers/,
    )
  })

  it('reads reasons keyed by peer, role and profile, the most specific winning', () => {
    const r = Reasons.parse(
      JSON.stringify({
        'squid a/b': { side: 'peer', reason: 'any' },
        'squid:chained a/b': { side: 'config', reason: 'chained' },
        'squid:chained/forward a/b': { side: 'harness', reason: 'chained forward' },
      }),
      'r.json',
    )
    expect(r.lookup('squid', 'forward', 'a/b')?.text).toBe('any')
    expect(r.lookup('squid', 'forward', 'a/b', 'direct')?.text).toBe('any')
    expect(r.lookup('squid', 'reverse', 'a/b', 'chained')?.text).toBe('chained')
    expect(r.lookup('squid', 'forward', 'a/b', 'chained')?.text).toBe('chained forward')
  })

  it('refuses a malformed reasons entry with one line', () => {
    expect(() => Reasons.parse('{"squid": {"side": "peer", "reason": "x"}}', 'r.json')).toThrow(
      /PEER\[:PROFILE\]\[\/ROLE\] CASE-ID/,
    )
    expect(() => Reasons.parse('{"squid a/b": {"side": "them", "reason": "x"}}', 'r.json')).toThrow(
      /side/,
    )
  })
})

describe('an explained informational note (side "info")', () => {
  it('labels it as allowed by the RFCs and counts it as informational, never as a deviation', () => {
    const allowed = Reasons.parse(
      JSON.stringify({
        'apache connect/2xx-has-no-framing-headers': {
          side: 'info',
          reason: 'RFC 9110 §7.8: "A server MAY ignore a received Upgrade header field"',
        },
      }),
      'reasons.json',
    )
    const md = renderMatrixMarkdown(buildMatrix([info('apache')], allowed, caseAnchor, '0.1.0'))
    expect(md).toContain('**informational (the RFCs allow it)**: RFC 9110 §7.8')
    expect(md).toMatch(
      /0 the peer deviates, 0 a documented default, 0 a proxyspec error not yet fixed, [1-9]\d* informational/,
    )
  })
})
