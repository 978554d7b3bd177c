import { describe, expect, it } from 'vitest'
import { loadGoldenRun } from '../test-fixtures/run-results/load.js'
import {
  diffRuns,
  parseReportFormats,
  REPORT_FILE_NAMES,
  REPORT_FORMATS,
  renderers,
} from './index.js'

describe('renderers', () => {
  const head = loadGoldenRun('regression/head')
  const diff = diffRuns(loadGoldenRun('regression/base'), head)

  it('renders every format from one run, each recognisably itself', () => {
    const out = Object.fromEntries(REPORT_FORMATS.map((f) => [f, renderers[f](head, { diff })]))
    expect(JSON.parse(out.json ?? '')).toEqual(head)
    expect(out.junit).toMatch(/^<\?xml version="1\.0" encoding="UTF-8"\?>\n<testsuites /)
    expect(out.html).toMatch(/^<!doctype html>/)
    expect(out.html).toContain('id="regressions"')
    expect(out.md).toMatch(/^## proxyspec: ❌ 11 blocking failures\n/)
    expect(out.md).toContain('### Regressions')
    expect(Object.keys(REPORT_FILE_NAMES).sort()).toEqual([...REPORT_FORMATS].sort())
  })

  it('passes strict through to JUnit', () => {
    const mixed = loadGoldenRun('mixed-verdicts')
    expect(renderers.junit(mixed).match(/<failure /g)).toHaveLength(3)
    expect(renderers.junit(mixed, { strict: true }).match(/<failure /g)).toHaveLength(4)
  })
})

describe('parseReportFormats', () => {
  it('reads a comma list, accepts "markdown", and drops repeats', () => {
    expect(parseReportFormats('json, junit,html,md')).toEqual(['json', 'junit', 'html', 'md'])
    expect(parseReportFormats('Markdown,md,json')).toEqual(['md', 'json'])
  })

  it('names a bad format in one line', () => {
    expect(() => parseReportFormats('json,pdf')).toThrow(
      'unknown report format "pdf" (known: json, junit, html, md)',
    )
    expect(() => parseReportFormats(' , ')).toThrow('no report format given')
  })
})
