import { describe, expect, it } from 'vitest'
import type { BalanceTimeline } from '../harness/engine/model/balance.js'
import {
  BALANCE_EVIDENCE,
  balanceCase,
  runWithBalance,
} from '../test-fixtures/run-results/balance.js'
import { loadGoldenRun } from '../test-fixtures/run-results/load.js'
import { balanceLines, distributionLine, pText, testText, timelineLine } from './balance-text.js'
import { balanceHtml, distributionHtml, timelineHtml } from './html-balance.js'
import { renderHtml } from './render-html.js'
import { expandPacked } from './html-pack.js'
import { renderJunit } from './render-junit.js'
import { renderMarkdown } from './render-markdown.js'
import { validateRunResult } from './validate.js'

const [distribution] = BALANCE_EVIDENCE.distributions!
const [timeline] = BALANCE_EVIDENCE.timelines!

describe('balance text', () => {
  it('sums a distribution up as observed/expected per backend and the test', () => {
    expect(distributionLine(distribution!)).toBe(
      'O1 168/167, O2 170/167, O3 162/167, χ² 0.3 (df 2) p=0.86',
    )
    expect(testText({ name: 'exact-multinomial', pValue: 0.00004 })).toBe(
      'exact multinomial p=4.0e-5',
    )
    expect(testText({ name: 'round-robin', detail: 'period 3' })).toBe('round-robin: period 3')
    expect(pText(0.0123)).toBe('0.012')
  })

  it('sums a timeline up by backend, outcome and fault', () => {
    expect(timelineLine(timeline!)).toBe(
      '9 requests: O1 2, O2 3, O3 3, none 1; 5 ok, 1 error, 1 duplicate, 1 mixed-up, 1 cut; O1 refuses connections at 120 ms',
    )
    expect(balanceLines(undefined)).toEqual([])
    expect(balanceLines(BALANCE_EVIDENCE)).toHaveLength(2)
  })
})

describe('balance charts (HTML)', () => {
  it('draws a bar pair per backend with counts as text, the test in the caption, and a table', () => {
    const html = distributionHtml(distribution!, 'x')
    // One pair per backend (each bar with its tooltip), besides the legend's swatches.
    expect(html.match(/<g class="backend">/g)).toHaveLength(3)
    expect(html.match(/<rect class="bar-observed" [^>]*><title>/g)).toHaveLength(3)
    expect(html.match(/<rect class="bar-expected" [^>]*><title>/g)).toHaveLength(3)
    expect(html).toContain('role="img"')
    expect(html).toContain('aria-labelledby="x-title x-desc"')
    expect(html).toContain('<title id="x-title">Equal weights, 500 requests</title>')
    expect(html).toContain('168 (33.6 %) / expected 167 (33.3 %)')
    expect(html).toContain(
      '<figcaption>Equal weights, 500 requests: χ² 0.3 (df 2) p=0.86</figcaption>',
    )
    expect(html).toContain('<td>O2</td><td>170</td><td>34.0 %</td><td>167</td><td>33.3 %</td>')
  })

  it('draws a lane per backend, a mark per request by outcome and the fault as a labelled line', () => {
    const html = timelineHtml(timeline!, 't')
    // O1, O2, O3 and a lane for the request no backend answered.
    expect(html.match(/<text class="lane-label"/g)).toHaveLength(4)
    expect(html).toContain('>(none)</text>')
    expect(html.match(/class="req req-/g)?.length).toBe(9 + 5)
    expect(html.match(/<line class="fault-line"/g)).toHaveLength(1)
    expect(html).toContain('O1: refuses connections (120 ms)</text>')
    expect(html).toContain('<title>r5 at 130 ms: no backend 502 error</title>')
    expect(html).toContain('<td>120</td><td>fault: refuses connections</td><td>O1</td>')
  })

  it('escapes names and titles, and renders nothing without evidence', () => {
    const hostile: BalanceTimeline = {
      ...timeline!,
      title: '<script>x</script>',
      backends: ['<b>'],
      faults: [{ at: 1, backend: '<b>', what: '"><img>' }],
      requests: [],
    }
    const html = timelineHtml(hostile, 'h')
    expect(html).not.toContain('<script>x')
    expect(html).not.toContain('<b>')
    expect(html).not.toContain('<img')
    expect(balanceHtml(undefined, 'a')).toBe('')
    expect(balanceHtml({}, 'a')).toBe('')
  })

  it('puts the charts inside the case, with ids unique to it, and no inline style', () => {
    const html = expandPacked(renderHtml(runWithBalance()))
    expect(html).toContain('id="case-balancing-failover-on-refusal--reverse-dist-0-title"')
    expect(html).toContain('id="case-balancing-failover-on-refusal--reverse-timeline-0"')
    expect(html).not.toMatch(/\sstyle=/)
    expect(html).not.toMatch(/\ssrc=|href="http:\/\/www\.w3/)
  })
})

describe('balance in Markdown, JUnit and the schema', () => {
  it('adds a one-line summary per chart to the case details', () => {
    const md = renderMarkdown(runWithBalance())
    expect(md).toContain(
      '- **Balance** Equal weights, 500 requests: O1 168/167, O2 170/167, O3 162/167, χ² 0.3 (df 2) p=0.86',
    )
    expect(md).toContain('- **Balance** O1 refuses connections: 9 requests: O1 2')
    const xml = renderJunit(runWithBalance())
    expect(xml).toContain('balance: Equal weights, 500 requests: O1 168/167')
  })

  it('validates a report with balance evidence, and an old one without it', () => {
    expect(validateRunResult(runWithBalance())).toEqual({ valid: true, errors: [] })
    expect(validateRunResult(loadGoldenRun('mixed-verdicts'))).toEqual({ valid: true, errors: [] })
    const bad = { ...runWithBalance() }
    bad.results = [
      {
        ...balanceCase(),
        balance: {
          timelines: [{ ...timeline!, requests: [{ at: 1, id: 'r', outcome: 'lost' as 'ok' }] }],
        },
      },
    ]
    const { valid, errors } = validateRunResult(bad)
    expect(valid).toBe(false)
    expect(errors[0]).toMatch(/^\/results\/0\/balance\/timelines\/0\/requests\/0\/outcome/)
  })
})
