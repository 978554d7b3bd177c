import type { Level } from '../harness/model/level.js'
import { ROLES, type Role } from '../harness/model/roles.js'

/** One row of the requirement catalog (../shared/REQUIREMENTS.md). */
export interface CatalogEntry {
  /** "CONNECT-01", "HOP-12", "TLS-15"… */
  readonly id: string
  /** The strongest keyword of the Level column, mapped to proxyspec's levels. */
  readonly level: Level
  readonly roles: readonly Role[]
  /** The Level column as written, e.g. "MUST (bad port); SHOULD (bad request-line form…)". */
  readonly levelText: string
}

/** The catalog's role codes (REQUIREMENTS.md §1.1). */
export const ROLE_CODES: Readonly<Record<string, Role>> = {
  FP: 'forward',
  RP: 'reverse',
  TT: 'tls-terminator',
  TO: 'tls-originator',
  TUN: 'tunnel',
}

const ID = /^[A-Z]+-\d+$/

/**
 * The catalog's Level column to a Level (REQUIREMENTS.md §1.2). A row that
 * mixes keywords ("MUST (…); SHOULD (…)") is as strong as its strongest one.
 * Only upper-case keywords count: "must choose" in prose is not a BCP 14 keyword.
 * "Semantic" rows are INFO unless they say they can FAIL ("treat as MUST",
 * "a framing desync is a FAIL").
 */
export function catalogLevel(text: string): Level {
  if (/\b(MUST|SHALL|REQUIRED|FAIL)\b/.test(text)) return 'MUST'
  if (/\b(SHOULD|RECOMMENDED)\b/.test(text)) return 'SHOULD'
  return 'INFO'
}

/** The Roles column to roles; parenthesised notes ("FP (chained)", "TO (RP with …)") are dropped first. */
export function catalogRoles(text: string): Role[] {
  let bare = text
  for (let previous = ''; previous !== bare;) {
    previous = bare
    bare = bare.replace(/\([^()]*\)/g, ' ')
  }
  const found = new Set(bare.match(/\b[A-Z]{2,3}\b/g)?.map((code) => ROLE_CODES[code]) ?? [])
  return ROLES.filter((role) => found.has(role))
}

/** Splits a Markdown table row on unescaped pipes. */
function cells(line: string): string[] {
  const inner = line.trim().replace(/^\|/, '').replace(/\|$/, '')
  return inner.split(/(?<!\\)\|/).map((cell) => cell.trim())
}

/**
 * Reads the requirement rows of the catalog's Markdown tables: every row
 * whose first cell is an id like CONNECT-01, with the Level and Roles columns
 * located by the header of the table it is in. A repeated id keeps its first row.
 */
export function parseRequirementCatalog(markdown: string): CatalogEntry[] {
  const entries: CatalogEntry[] = []
  const seen = new Set<string>()
  let columns: { level: number; roles: number } | undefined
  for (const line of markdown.split(/\r?\n/)) {
    if (!line.trimStart().startsWith('|')) {
      columns = undefined
      continue
    }
    const row = cells(line)
    const header = row.map((cell) => cell.toLowerCase())
    if (header[0] === 'id' && header.includes('level') && header.includes('roles')) {
      columns = { level: header.indexOf('level'), roles: header.indexOf('roles') }
      continue
    }
    const id = row[0] ?? ''
    if (columns === undefined || !ID.test(id) || seen.has(id)) continue
    seen.add(id)
    const levelText = row[columns.level] ?? ''
    entries.push({
      id,
      level: catalogLevel(levelText),
      roles: catalogRoles(row[columns.roles] ?? ''),
      levelText,
    })
  }
  return entries
}
