import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import type { CaseResult, RunResult } from '../harness/engine/model/run-result.js'
import { loadGoldenRun } from '../test-fixtures/run-results/load.js'
import { diffRuns } from './diff.js'
import { renderHtml } from './render-html.js'
import { expandPacked } from './html-pack.js'

const b64 = (text: string): string => Buffer.from(text, 'latin1').toString('base64')

function hostile(): RunResult {
  const mixed = loadGoldenRun('mixed-verdicts')
  const base = mixed.results[3]!
  const result: CaseResult = {
    ...base,
    title: '<script>alert("title")</script>',
    verdict: {
      status: 'fail',
      message: 'm',
      expected: 'e',
      observed: '"><img src=x onerror=alert(1)>',
    },
    spec: [{ rfc: 9110, section: '7.6.1', url: 'javascript:alert(1)' }],
    evidence: {
      events: [
        {
          seq: 1,
          t: 1,
          hop: 'client',
          conn: 'c1',
          type: 'data',
          dir: 'to-target',
          base64: b64(
            'GET / HTTP/1.1\r\nAuthorization: Basic dXNlcjpwYXNz\r\nproxy-authorization:Bearer abc.def\r\nX: </pre><b>\r\n\r\n',
          ),
        },
      ],
      notes: ['<i>note</i>'],
    },
  }
  return { ...mixed, target: { ...mixed.target, label: '<b>label</b>' }, results: [result] }
}

describe('renderHtml', () => {
  it('is one self-contained document: no external script, style, image or font', () => {
    const html = renderHtml(loadGoldenRun('mixed-verdicts'))
    expect(html.startsWith('<!doctype html>\n')).toBe(true)
    expect(html).not.toMatch(/\ssrc=/i)
    expect(html).not.toMatch(/@import|url\(/i)
    expect(html.match(/<link\b[^>]*>/g)).toEqual(['<link rel="icon" href="data:,">'])
    const hrefs = [...html.matchAll(/href="([^"]*)"/g)].map((m) => m[1] ?? '')
    expect(
      hrefs.every(
        (h) => h === 'data:,' || h.startsWith('#') || h.startsWith('https://www.rfc-editor.org/'),
      ),
    ).toBe(true)
  })

  it('pins its inline style and script by hash in a CSP that allows nothing else', () => {
    const html = renderHtml(loadGoldenRun('mixed-verdicts'))
    const csp = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1] ?? ''
    const hash = (text: string): string =>
      `'sha256-${createHash('sha256').update(text).digest('base64')}'`
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)?.[1] ?? ''
    const script = /<script>([\s\S]*?)<\/script>/.exec(html)?.[1] ?? ''
    expect(csp).toContain("default-src 'none'")
    expect(csp).toContain(`style-src ${hash(style)}`)
    expect(csp).toContain(`script-src ${hash(script)}`)
    expect(html.match(/<script/g)).toHaveLength(1)
  })

  it('escapes everything the target or the model controls', () => {
    const html = renderHtml(hostile())
    expect(html).not.toContain('<script>alert')
    expect(html).not.toContain('<img')
    expect(html).not.toContain('<b>')
    expect(html).not.toContain('<i>note')
    expect(html).not.toContain('javascript:')
    expect(html).toContain('&lt;script&gt;alert(&quot;title&quot;)&lt;/script&gt;')
    expect(html).toContain('X: &lt;/pre&gt;&lt;b&gt;')
  })

  it('redacts Authorization and Proxy-Authorization values again, keeping the scheme', () => {
    const html = renderHtml(hostile())
    expect(html).not.toContain('dXNlcjpwYXNz')
    expect(html).not.toContain('abc.def')
    expect(html).toContain('Authorization: Basic [redacted 12 bytes]<span class="eol">\\r</span>')
    expect(html).toContain('proxy-authorization:Bearer [redacted 7 bytes]')
  })

  it('shows the bytes of both hops with CR/LF and non-printables marked', () => {
    const html = expandPacked(renderHtml(loadGoldenRun('mixed-verdicts')))
    expect(html).toContain('<section class="hop hop-client">')
    expect(html).toContain('<section class="hop hop-origin">')
    expect(html).toContain(
      'X-Odd: tab<span class="np">\\x09</span>here nul<span class="np">\\x00</span> bell<span class="np">\\x07</span>',
    )
    expect(html).toContain(
      'Authorization: Bearer [redacted 24 bytes]<span class="eol">\\r</span><span class="eol">\\n</span>',
    )
  })

  it('highlights regressions and links them to their cases when given a diff', () => {
    const base = loadGoldenRun('regression/base')
    const head = loadGoldenRun('regression/head')
    const html = renderHtml(head, { diff: diffRuns(base, head) })
    expect(html.match(/<details [^>]*class="case st-\w+ regressed"/g)).toHaveLength(11)
    expect(html).toContain(
      '<p class="headline verdict-fail">New MUST failure against the baseline</p>',
    )
    const anchors = [...html.matchAll(/<li><a href="#([^"]+)">/g)].map((m) => m[1])
    expect(anchors).toHaveLength(14)
    for (const anchor of anchors) expect(html).toContain(`id="${anchor ?? ''}"`)
    const plain = renderHtml(head)
    expect(plain).not.toMatch(/class="case [^"]*regressed/)
    expect(plain).not.toContain('id="regressions"')
  })
})
