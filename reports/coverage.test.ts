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

/** Rows in the shape of §11–§13: h2 directions, LB and FG roles, Contract levels. */
const LATER = `
| ID | Source | Level | Roles | Requirement (paraphrase) | Black-box test | Evidence |
|---|---|---|---|---|---|---|
| H2-05 | RFC 9113 §8.3.1 | MUST NOT (use Host); SHOULD (malformed) | RP, FP (h2→h1); INFO for h1→h2 | Host from :authority. | … | – |
| LB-07 | RFC 9110 §9.2.2 | MUST (no resent POST) + Contract (no errors) | LB, RP | Drain. | … | [L3] |
| LB-09 | profile | Contract | LB | Mark down. | … | – |
| FTP-08 | RFC 3986 | Semantic (treat as MUST; security) | FG/r | No escape from the base. | … | – |
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
    expect(parseRequirementCatalog(SAMPLE + LATER)).toEqual([
      {
        id: 'CONNECT-01',
        level: 'MUST',
        roles: ['forward', 'tunnel'],
        levelText: 'MUST (bad port); SHOULD (bad form)',
        rolesText: 'FP, TUN',
      },
      {
        id: 'CONNECT-09',
        level: 'SHOULD',
        roles: ['forward', 'tunnel'],
        levelText: 'SHOULD',
        rolesText: 'FP, TUN',
      },
      {
        id: 'CONNECT-11',
        level: 'INFO',
        roles: ['forward', 'tunnel'],
        levelText: 'Semantic',
        rolesText: 'FP, TUN',
      },
      {
        id: 'TLS-02',
        level: 'MUST',
        roles: ['tls-originator'],
        levelText: 'MUST',
        rolesText: 'TO (RP with an https upstream; FP handling GET https)',
      },
      {
        id: 'HOP-05',
        level: 'MUST',
        roles: ['forward', 'reverse'],
        levelText: 'MUST (proxy); MAY (gateway)',
        rolesText: 'FP, RP',
      },
      {
        id: 'H2-05',
        level: 'MUST',
        roles: ['forward', 'reverse'],
        levelText: 'MUST NOT (use Host); SHOULD (malformed)',
        rolesText: 'RP, FP (h2→h1); INFO for h1→h2',
        directions: ['h2→h1'],
        infoDirections: ['h1→h2'],
      },
      {
        id: 'LB-07',
        level: 'MUST',
        roles: ['reverse', 'balancer'],
        levelText: 'MUST (no resent POST) + Contract (no errors)',
        rolesText: 'LB, RP',
        contract: true,
      },
      {
        id: 'LB-09',
        level: 'CONTRACT',
        roles: ['balancer'],
        levelText: 'Contract',
        rolesText: 'LB',
        contract: true,
      },
      {
        id: 'FTP-08',
        level: 'MUST',
        roles: ['ftp-gateway'],
        levelText: 'Semantic (treat as MUST; security)',
        rolesText: 'FG/r',
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
    expect(catalogLevel('Semantic (INFO/WARN)')).toBe('SHOULD')
    expect(catalogLevel('Semantic (INFO/WARN); a 2xx for a failure can FAIL')).toBe('MUST')
    expect(catalogLevel('MUST (derived) per RFC 959; verdict WARN only, because …')).toBe('SHOULD')
    expect(catalogLevel('Contract (the RFC says MAY)')).toBe('CONTRACT')
    expect(catalogLevel('Semantic (code); Contract')).toBe('CONTRACT')
    expect(catalogLevel('SHOULD NOT + Contract')).toBe('SHOULD')
    expect(catalogLevel('Contract; SHOULD NOT (fold); MUST NOT (reorder)')).toBe('MUST')
    expect(catalogRoles('FG/f')).toEqual(['ftp-gateway'])
    expect(catalogRoles('LB, RP')).toEqual(['reverse', 'balancer'])
    expect(catalogRoles('RP, FP (h2→h1); INFO for h1→h2')).toEqual(['forward', 'reverse'])
    expect(catalogRoles('FP (chained), TUN')).toEqual(['forward', 'tunnel'])
    expect(catalogRoles('RP, FP (HTTP/1.1 in, HTTP/2 upstream)')).toEqual(['forward', 'reverse'])
    expect(catalogRoles('TT, TO')).toEqual(['tls-terminator', 'tls-originator'])
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
      CONTRACT: { total: 0, covered: 0 },
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

describe('coverage of rows no suite runs yet', () => {
  const report = coverage(parseRequirementCatalog(LATER), CASES)

  it('counts balancer and ftp-gateway rows as uncovered, and Contract rows as a level', () => {
    expect(report.byLevel).toEqual({
      MUST: { total: 3, covered: 0 },
      SHOULD: { total: 0, covered: 0 },
      INFO: { total: 0, covered: 0 },
      CONTRACT: { total: 1, covered: 0 },
    })
    expect(report.byRole.balancer).toEqual({ total: 2, covered: 0 })
    expect(report.byRole['ftp-gateway']).toEqual({ total: 1, covered: 0 })
    expect(report.requirements.find((r) => r.id === 'LB-07')).toMatchObject({
      level: 'MUST',
      contract: true,
      missingRoles: ['reverse', 'balancer'],
    })
  })

  it('lists them in the text and Markdown renderings', () => {
    const text = renderCoverageText(report)
    expect(text).toContain('by level: MUST 0/3 (0%), Contract 0/1 (0%)')
    expect(text).toContain(
      'by role:  forward 0/1 (0%), reverse 0/2 (0%), balancer 0/2 (0%), ftp-gateway 0/1 (0%)',
    )
    expect(text).toContain('uncovered MUST (3): H2-05, LB-07, FTP-08')
    expect(text).toContain('uncovered Contract (1): LB-09')
    const md = renderCoverageMarkdown(report)
    expect(md).toContain('| Contract | 0 | 1 | 0% |')
    expect(md).toContain('| balancer | 0 | 2 | 0% |')
    expect(md).toContain('| ftp-gateway | 0 | 1 | 0% |')
    expect(md).toContain('**Uncovered Contract requirements (1):** `LB-09`')
    expect(md).toContain('| `LB-07` | MUST + Contract | reverse, balancer | — |  |')
    expect(md).toContain('| `LB-09` | Contract | balancer | — |  |')
  })
})
