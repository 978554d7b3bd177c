// The parser against the repository's own catalog, docs/requirements.md: every
// row of every section comes through, and the rows whose Level or Roles cells
// are easy to misread keep the level and roles read by eye from §1.1/§1.2.
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import {
  parseRequirementCatalog,
  noteRoleCodes,
  ROLE_CODES,
  type CatalogEntry,
} from './requirement-catalog.js'

const markdown = readFileSync(
  fileURLToPath(new URL('../docs/requirements.md', import.meta.url)),
  'utf8',
)
const catalog = parseRequirementCatalog(markdown)
const row = (id: string): CatalogEntry | undefined => catalog.find((e) => e.id === id)
const prefix = (id: string): string => id.replace(/-\d+$/, '')
const countBy = <T>(items: readonly T[], key: (item: T) => string): Record<string, number> => {
  const counts: Record<string, number> = {}
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1
  return counts
}

describe('docs/requirements.md through parseRequirementCatalog', () => {
  it('keeps one entry per `| XX-NN |` table row, per prefix', () => {
    const rows = [...markdown.matchAll(/^\| *([A-Z][A-Z0-9]*-\d+) *\|/gm)].map((m) => m[1] ?? '')
    expect(countBy(catalog, (e) => prefix(e.id))).toEqual(countBy(rows, prefix))
    expect(countBy(catalog, (e) => prefix(e.id))).toEqual({
      CONNECT: 16,
      HOP: 19,
      SMUG: 14,
      KA: 14,
      UPG: 14,
      TLS: 23,
      H2: 32,
      LB: 27,
      FTP: 28,
    })
  })

  it('gives every row a role, and every bare upper-case code of a Roles cell is a known one', () => {
    for (const entry of catalog) {
      expect(entry.roles.length, entry.id).toBeGreaterThan(0)
      const bare = entry.rolesText.replace(/\([^()]*\)/g, ' ').replace(/\bINFO for\b/g, ' ')
      for (const code of bare.match(/\b[A-Z]{2,}\b/g) ?? [])
        expect(Object.keys(ROLE_CODES), `${entry.id}: ${code}`).toContain(code)
    }
  })

  it('names a role code inside a note only where the note is no role of the row', () => {
    // Reviewed by eye. KA-05: "FP (see note for RP)", RP is INFO only (§10).
    // TLS-01: "TO (RP with an https upstream; FP handling …)", the TO contexts.
    // A new entry here needs the same look: is the code a role the row binds?
    const inNotes = catalog
      .map((e) => [e.id, noteRoleCodes(e.rolesText)] as const)
      .filter(([, codes]) => codes.length > 0)
    expect(inNotes).toEqual([
      ['KA-05', ['RP']],
      ['TLS-01', ['RP', 'FP']],
    ])
  })

  it('tallies the levels of §11–§13 as read by eye', () => {
    const levels = (p: string) =>
      countBy(
        catalog.filter((e) => prefix(e.id) === p),
        (e) => `${e.level}${e.contract === true ? '+C' : ''}`,
      )
    expect(levels('H2')).toEqual({ MUST: 32 })
    expect(levels('LB')).toEqual({ MUST: 5, 'MUST+C': 4, 'SHOULD+C': 1, 'CONTRACT+C': 17 })
    expect(levels('FTP')).toEqual({ MUST: 22, SHOULD: 5, INFO: 1 })
  })

  it('reads the tricky rows as §1.1 and §1.2 mean them', () => {
    // h2 direction notes are recorded, never roles; "INFO for h1→h2" is an INFO-only direction.
    expect(row('H2-05')).toMatchObject({
      level: 'MUST',
      roles: ['forward', 'reverse'],
      directions: ['h2→h1'],
      infoDirections: ['h1→h2'],
    })
    expect(row('H2-01')).toMatchObject({ directions: ['h2→h1', 'h2→h2'] })
    expect(row('H2-11')).toMatchObject({ directions: ['h1→h2 response'] })
    expect(row('H2-16')).toMatchObject({ directions: ['h2↔h1'] })
    // "RP (h2 upstream; client h1 or h2)": the note is prose, only RP is a role.
    expect(row('H2-12')).toMatchObject({ level: 'MUST', roles: ['reverse'] })
    expect(row('H2-12')?.directions).toBeUndefined()
    expect(row('H2-32')).toMatchObject({ level: 'MUST', roles: ['reverse', 'tls-terminator'] })
    expect(row('H2-17')).toMatchObject({ roles: ['forward', 'tunnel'] })
    // LB rows: LB alone is the balancer role; "LB, RP" binds the reverse proxy too.
    expect(row('LB-01')).toMatchObject({ level: 'MUST', roles: ['reverse', 'balancer'] })
    expect(row('LB-02')).toMatchObject({ level: 'MUST', contract: true, roles: ['balancer'] })
    expect(row('LB-06')).toMatchObject({ level: 'MUST', roles: ['balancer'] })
    expect(row('LB-06')?.contract).toBeUndefined()
    expect(row('LB-07')).toMatchObject({ level: 'MUST', contract: true })
    expect(row('LB-08')).toMatchObject({ level: 'CONTRACT', contract: true, roles: ['balancer'] })
    expect(row('LB-14')).toMatchObject({ level: 'SHOULD', contract: true })
    expect(row('LB-21')).toMatchObject({ level: 'MUST', contract: true })
    expect(row('LB-23')).toMatchObject({ level: 'CONTRACT', contract: true })
    // FG, FG/f and FG/r are all the ftp-gateway role.
    expect(row('FTP-01')).toMatchObject({ level: 'MUST', roles: ['ftp-gateway'] })
    expect(row('FTP-08')).toMatchObject({
      level: 'MUST',
      roles: ['ftp-gateway'],
      rolesText: 'FG/r',
    })
    expect(row('FTP-28')).toMatchObject({
      level: 'MUST',
      roles: ['ftp-gateway'],
      rolesText: 'FG/f',
    })
    expect(row('FTP-14')?.level).toBe('SHOULD') // Semantic; INFO/WARN
    expect(row('FTP-20')?.level).toBe('MUST') // INFO/WARN, but "can FAIL"
    expect(row('FTP-24')?.level).toBe('SHOULD') // MUST (derived), "verdict WARN only"
    expect(row('FTP-27')?.level).toBe('INFO') // Advisory
    // Directions belong to §11 only.
    expect(
      catalog.filter((e) => e.directions !== undefined).every((e) => e.id.startsWith('H2-')),
    ).toBe(true)
  })
})
