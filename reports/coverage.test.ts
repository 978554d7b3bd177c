import { existsSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { coverage, type CoveringCase } from './coverage.js'
import { renderCoverageMarkdown, renderCoverageText } from './render-coverage.js'
import { catalogLevel, catalogRoles, parseRequirementCatalog } from './requirement-catalog.js'

const SAMPLE = `
# catalog

| Code | Role |
|---|---|
| FP | forward proxy |

## 2. CONNECT

| ID | Source | Level | Roles | Requirement (paraphrase) | Black-box test | Evidence |
|---|---|---|---|---|---|---|
| CONNECT-01 | RFC 9110 §9.3.6 | MUST (bad port); SHOULD (bad form) | FP, TUN | A target is host:port. | **Send** … FAIL on 2xx. | – |
| CONNECT-09 | RFC 9110 §9.3.6 | SHOULD | FP, TUN | Limit ports. | … | [B10] |
| CONNECT-11 | RFC 9110 §15.6.3 | Semantic | FP, TUN | Gateway errors. | … | – |
| CONNECT-01 | duplicate row | MAY | RP | ignored | … | – |

Some prose with | a pipe | that is no table row.

| ID | Source | Roles | Level | Requirement | Test | Evidence |
|---|---|---|---|---|---|---|
| TLS-02 | RFC 9525 | TO (RP with an https upstream; FP handling GET https) | MUST | Verify the name. | … | – |
| HOP-05 | RFC 9110 §7.6.3 | FP, RP | MUST (proxy); MAY (gateway) | Via. | … | – |
`

const CASES: CoveringCase[] = [
  {
    id: 'connect/refuses-ports-outside-allow-list',
    requirements: ['CONNECT-09'],
    level: 'SHOULD',
    roles: ['forward', 'tunnel'],
  },
  {
    id: 'hop-by-hop/appends-via-to-requests',
    requirements: ['HOP-05'],
    level: 'MUST',
    roles: ['forward', 'reverse'],
  },
  {
    id: 'hop-by-hop/appends-via-to-responses',
    requirements: ['HOP-05', 'HOP-05'],
    level: 'MUST',
    roles: ['forward'],
  },
  {
    id: 'keep-alive/no-dumb-proxy-keep-alive-hang',
    requirements: ['KA-06', 'CONNECT-01'],
    level: 'MUST',
    roles: ['reverse'],
  },
]

describe('parseRequirementCatalog', () => {
  it('reads id, level and roles from requirement tables, by their headers', () => {
    expect(parseRequirementCatalog(SAMPLE)).toEqual([
      {
        id: 'CONNECT-01',
        level: 'MUST',
        roles: ['forward', 'tunnel'],
        levelText: 'MUST (bad port); SHOULD (bad form)',
      },
      { id: 'CONNECT-09', level: 'SHOULD', roles: ['forward', 'tunnel'], levelText: 'SHOULD' },
      { id: 'CONNECT-11', level: 'INFO', roles: ['forward', 'tunnel'], levelText: 'Semantic' },
      { id: 'TLS-02', level: 'MUST', roles: ['tls-originator'], levelText: 'MUST' },
      {
        id: 'HOP-05',
        level: 'MUST',
        roles: ['forward', 'reverse'],
        levelText: 'MUST (proxy); MAY (gateway)',
      },
    ])
  })

  it('maps level text to the strongest keyword and role codes without their notes', () => {
    expect(catalogLevel('Semantic (blind forwarding; treat as MUST)')).toBe('MUST')
    expect(catalogLevel('Semantic (robustness; a framing desync is a FAIL)')).toBe('MUST')
    expect(
      catalogLevel('SHALL (fatal alert when there is no overlap); must choose from the list'),
    ).toBe('MUST')
    expect(catalogLevel('SHOULD (for an unknown name); NOT RECOMMENDED (warning alert)')).toBe(
      'SHOULD',
    )
    expect(catalogLevel('Advisory ("ought to limit")')).toBe('INFO')
    expect(catalogLevel('MAY')).toBe('INFO')
    expect(catalogRoles('FP (chained), TUN')).toEqual(['forward', 'tunnel'])
    expect(catalogRoles('RP, FP (HTTP/1.1 in, HTTP/2 upstream)')).toEqual(['forward', 'reverse'])
    expect(catalogRoles('TT, TO')).toEqual(['tls-terminator', 'tls-originator'])
  })

  const real = '/work/shared/REQUIREMENTS.md'
  it.skipIf(!existsSync(real))('reads every requirement row of the real catalog', () => {
    const catalog = parseRequirementCatalog(readFileSync(real, 'utf8'))
    const prefixes = Object.fromEntries(
      ['CONNECT', 'HOP', 'SMUG', 'KA', 'UPG', 'TLS'].map((p) => [p, 0]),
    )
    for (const entry of catalog)
      prefixes[entry.id.split('-')[0] ?? ''] = (prefixes[entry.id.split('-')[0] ?? ''] ?? 0) + 1
    expect(prefixes).toEqual({ CONNECT: 15, HOP: 19, SMUG: 14, KA: 14, UPG: 14, TLS: 23 })
    expect(catalog.every((e) => e.roles.length > 0)).toBe(true)
    expect(catalog.find((e) => e.id === 'CONNECT-01')).toMatchObject({
      level: 'MUST',
      roles: ['forward', 'tunnel'],
    })
    expect(catalog.find((e) => e.id === 'CONNECT-09')).toMatchObject({
      level: 'SHOULD',
      roles: ['forward', 'tunnel'],
    })
    expect(catalog.find((e) => e.id === 'KA-06')?.level).toBe('MUST')
    expect(
      catalog
        .filter((e) => e.id.startsWith('TLS-'))
        .every((e) => e.roles.some((r) => r.startsWith('tls-'))),
    ).toBe(true)
  })
})

describe('coverage', () => {
  const report = coverage(parseRequirementCatalog(SAMPLE), CASES)

  it('says which requirements have cases, in which roles', () => {
    expect(
      report.requirements.map((r) => [r.id, r.cases.length, r.coveredRoles, r.missingRoles]),
    ).toEqual([
      ['CONNECT-01', 1, [], ['forward', 'tunnel']],
      ['CONNECT-09', 1, ['forward', 'tunnel'], []],
      ['CONNECT-11', 0, [], ['forward', 'tunnel']],
      ['TLS-02', 0, [], ['tls-originator']],
      ['HOP-05', 2, ['forward', 'reverse'], []],
    ])
    expect(report.requirements.find((r) => r.id === 'HOP-05')?.cases).toEqual([
      'hop-by-hop/appends-via-to-requests',
      'hop-by-hop/appends-via-to-responses',
    ])
  })

  it('tallies by level and by role, and lists ids no catalog row has', () => {
    expect(report.total).toEqual({ total: 5, covered: 3 })
    expect(report.byLevel).toEqual({
      MUST: { total: 3, covered: 2 },
      SHOULD: { total: 1, covered: 1 },
      INFO: { total: 1, covered: 0 },
    })
    expect(report.byRole.forward).toEqual({ total: 4, covered: 2 })
    expect(report.byRole.reverse).toEqual({ total: 1, covered: 1 })
    expect(report.byRole['tls-originator']).toEqual({ total: 1, covered: 0 })
    expect(report.byRole['tls-terminator']).toEqual({ total: 0, covered: 0 })
    expect(report.uncatalogued).toEqual([
      { requirement: 'KA-06', cases: ['keep-alive/no-dumb-proxy-keep-alive-hang'] },
    ])
  })

  it('renders as text and Markdown', () => {
    const text = renderCoverageText(report)
    expect(text).toContain('requirement coverage: 3 of 5 catalog requirements have a case (60%)')
    expect(text).toContain('by level: MUST 2/3 (67%), SHOULD 1/1 (100%), INFO 0/1 (0%)')
    expect(text).toContain('uncovered MUST (1): TLS-02')
    expect(text).toContain('covered in some roles only: CONNECT-01 (not forward, tunnel)')
    expect(text).toContain(
      'cited but not in the catalog: KA-06 (keep-alive/no-dumb-proxy-keep-alive-hang)',
    )
    const md = renderCoverageMarkdown(report)
    expect(md).toContain('| MUST | 2 | 3 | 67% |')
    expect(md).toContain('| tls-originator | 0 | 1 | 0% |')
    expect(md).not.toContain('| tls-terminator |')
    expect(md).toContain('**Uncovered MUST requirements (1):** `TLS-02`')
    expect(md).toContain(
      '| `HOP-05` | MUST | forward, reverse | `hop-by-hop/appends-via-to-requests`<br>`hop-by-hop/appends-via-to-responses` |  |',
    )
  })
})
