import { describe, expect, it } from 'vitest'
import { defineCase, inSuite, type ConformanceCase } from '../model/case.js'
import { conforms } from '../model/outcome.js'
import {
  describeSelection,
  globToRegExp,
  selectCases,
  selectCasesForRoles,
  unmatchedFilters,
} from './select.js'

const make = (id: string, requirement: string): ConformanceCase => {
  const [suite = '', slug = ''] = id.split('/')
  return inSuite(suite, {
    id: slug,
    title: id,
    requirements: [requirement],
    spec: [{ rfc: 9110, section: '7.6.1' }],
    requirement: 'r',
    level: 'MUST',
    roles: ['forward'],
    run: () => Promise.resolve(conforms()),
  })
}

const catalog = [
  make('connect/a-b', 'CONNECT-03'),
  make('keep-alive/c-d', 'KA-06'),
  make('keep-alive/e-f', 'KA-01'),
]

describe('selectCases', () => {
  it('keeps everything without filters, in catalog order', () => {
    expect(selectCases(catalog, { suites: [], cases: [] }).map((c) => c.id)).toEqual([
      'connect/a-b',
      'keep-alive/c-d',
      'keep-alive/e-f',
    ])
  })

  it('filters by suite glob, case glob and requirement id', () => {
    expect(selectCases(catalog, { suites: ['keep-*'], cases: [] })).toHaveLength(2)
    expect(selectCases(catalog, { suites: [], cases: ['*/c-*'] }).map((c) => c.id)).toEqual([
      'keep-alive/c-d',
    ])
    expect(selectCases(catalog, { suites: [], cases: ['ka-06'] }).map((c) => c.id)).toEqual([
      'keep-alive/c-d',
    ])
  })

  it('adds --suite and --case up (a union), in catalog order', () => {
    expect(
      selectCases(catalog, { suites: ['connect'], cases: ['KA-01'] }).map((c) => c.id),
    ).toEqual(['connect/a-b', 'keep-alive/e-f'])
    expect(
      selectCases(catalog, { suites: ['keep-alive'], cases: ['KA-06'] }).map((c) => c.id),
    ).toEqual(['keep-alive/c-d', 'keep-alive/e-f'])
  })

  it('removes --exclude matches (by id, requirement id or glob) from the union', () => {
    expect(
      selectCases(catalog, { suites: [], cases: [], exclude: ['KA-06'] }).map((c) => c.id),
    ).toEqual(['connect/a-b', 'keep-alive/e-f'])
    expect(
      selectCases(catalog, { suites: ['keep-alive'], cases: [], exclude: ['*/e-*'] }).map(
        (c) => c.id,
      ),
    ).toEqual(['keep-alive/c-d'])
    expect(
      selectCases(catalog, { suites: ['connect'], cases: ['KA-*'], exclude: ['connect/*'] }).map(
        (c) => c.id,
      ),
    ).toEqual(['keep-alive/c-d', 'keep-alive/e-f'])
    expect(selectCases(catalog, { suites: [], cases: ['KA-06'], exclude: ['ka-*'] })).toEqual([])
  })

  it('names the filters that match no case, and describes a selection', () => {
    const selection = { suites: ['conect', 'connect'], cases: ['KA-99'], exclude: ['KA-01', 'x'] }
    expect(unmatchedFilters(catalog, selection)).toEqual([
      '--suite conect',
      '--case KA-99',
      '--exclude x',
    ])
    expect(describeSelection({ suites: ['connect'], cases: [], exclude: ['KA-06'] })).toBe(
      '--suite connect --exclude KA-06',
    )
  })

  it('treats regex characters in globs literally', () => {
    expect(globToRegExp('a.b').test('axb')).toBe(false)
    expect(globToRegExp('a?b').test('axb')).toBe(true)
  })
})

describe('defineCase', () => {
  it('rejects a malformed slug or suite, or a case without a requirement', () => {
    expect(() => make('connect/Bad Id', 'X')).toThrow(/invalid case slug/)
    expect(() => make('Connect/x', 'X')).toThrow(/invalid suite id/)
    expect(() => defineCase({ ...make('connect/x', 'C'), id: 'x', requirements: [] })).toThrow(
      /cites no catalog requirement/,
    )
  })
})

describe('selectCasesForRoles', () => {
  const ftpCase = inSuite('ftp-gateway', {
    id: 'g-h',
    title: 'ftp',
    requirements: ['FTP-11'],
    spec: [{ rfc: 959, section: '3.1.1.3' }],
    requirement: 'r',
    level: 'MUST',
    roles: ['ftp-gateway'],
    run: () => Promise.resolve(conforms()),
  })
  const all = [...catalog, ftpCase]

  it('leaves out, when nothing is named, the suites written for other roles', () => {
    const ids = (roles: Parameters<typeof selectCasesForRoles>[2]): string[] =>
      selectCasesForRoles(all, { suites: [], cases: [] }, roles).map((c) => c.id)
    expect(ids(['ftp-gateway'])).toEqual(['ftp-gateway/g-h'])
    expect(ids(['forward'])).toEqual(['connect/a-b', 'keep-alive/c-d', 'keep-alive/e-f'])
    expect(ids(['forward', 'ftp-gateway'])).toHaveLength(4)
  })

  it('keeps a suite the user names, its cases then reported not applicable', () => {
    expect(
      selectCasesForRoles(all, { suites: ['keep-alive'], cases: [] }, ['ftp-gateway']).map(
        (c) => c.id,
      ),
    ).toEqual(['keep-alive/c-d', 'keep-alive/e-f'])
  })
})
