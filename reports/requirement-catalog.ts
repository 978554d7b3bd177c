import { LEVELS, type Level } from '../harness/engine/model/level.js'
import { ROLES, type Role } from '../harness/engine/model/roles.js'

/**
 * A role a catalog row can name: every role proxyspec runs (Role: the load
 * balancer of §12 and the HTTP→FTP gateway of §13 among them).
 */
export type CatalogRole = Role

export const CATALOG_ROLES: readonly CatalogRole[] = ROLES

/**
 * How strongly a catalog row binds the target: a Level, or CONTRACT for a row
 * that is judged only against the behaviour the target declares in its
 * balancer profile (docs/requirements.md §1.2, §12.3). Why a level of its own:
 * a contract row can FAIL, so INFO would undercount it, but it binds only a
 * target that declared the feature, so MUST would overcount it. A hybrid row
 * ("MUST + Contract") keeps the level of its RFC part and is flagged with
 * `contract: true`: its RFC part is graded like any other row (the worse of the
 * two verdicts wins, and the RFC part is what every target owes).
 */
export type CatalogLevel = Level | 'CONTRACT'

export const CATALOG_LEVELS: readonly CatalogLevel[] = LEVELS

/**
 * The side-by-side protocols an HTTP/2 row is written for (§1.1, "HTTP/2
 * direction"): `h2→h1` C speaks h2 to P and P HTTP/1.x to the origin; `h2→h2`
 * h2 on both sides; `h1→h2` an HTTP/1.1 client side and an h2 upstream;
 * `h1→h2 response` an HTTP/1.1 origin response P turns into h2; `h2↔h1` both
 * message directions across the version boundary (H2-16).
 */
export type H2Direction = 'h2→h1' | 'h2→h2' | 'h1→h2' | 'h1→h2 response' | 'h2↔h1'

/** One row of the requirement catalog (docs/requirements.md). */
export interface CatalogEntry {
  /** "CONNECT-01", "HOP-12", "TLS-15", "H2-05", "LB-08", "FTP-01"… */
  readonly id: string
  /** The strongest keyword of the Level column, mapped by catalogLevel. */
  readonly level: CatalogLevel
  /** The role codes of the Roles column, without the codes named only in its notes. */
  readonly roles: readonly CatalogRole[]
  /** The Level column as written, e.g. "MUST (bad port); SHOULD (bad request-line form…)". */
  readonly levelText: string
  /** The Roles column as written, notes included, e.g. "RP, FP (h2→h1); INFO for h1→h2". */
  readonly rolesText: string
  /** The row has a Contract part (§1.2): judged against the declared balancer profile. */
  readonly contract?: boolean
  /** HTTP/2 directions the row grades at its level, from the Roles notes (§11 rows only). */
  readonly directions?: readonly H2Direction[]
  /** HTTP/2 directions the row grades as INFO only ("INFO for h1→h2", H2-05). */
  readonly infoDirections?: readonly H2Direction[]
}

/** The catalog's role codes (docs/requirements.md §1.1); FG/f and FG/r are both FG. */
export const ROLE_CODES: Readonly<Record<string, CatalogRole>> = {
  FP: 'forward',
  RP: 'reverse',
  TT: 'tls-terminator',
  TO: 'tls-originator',
  TUN: 'tunnel',
  LB: 'balancer',
  FG: 'ftp-gateway',
}

const ID = /^[A-Z][A-Z0-9]*-\d+$/

/**
 * The catalog's Level column to a CatalogLevel (docs/requirements.md §1.2). A
 * row that mixes keywords ("MUST (…); SHOULD (…)") is as strong as its strongest
 * one. Only upper-case keywords count: "must choose" in prose is not a BCP 14
 * keyword. Verdict words count as the level that gives them: "can FAIL" is MUST,
 * "INFO/WARN" is SHOULD, and "verdict WARN only" caps a derived MUST at SHOULD
 * (FTP-24). "Semantic" and "Advisory" rows are INFO unless they say they can
 * FAIL ("treat as MUST", "a framing desync is a FAIL"). A row whose only
 * binding part is a Contract is CONTRACT (see CatalogLevel).
 */
export function catalogLevel(text: string): CatalogLevel {
  if (/\bverdict WARN only\b/.test(text)) return 'SHOULD'
  if (/\b(MUST|SHALL|REQUIRED|FAIL)\b/.test(text)) return 'MUST'
  if (/\b(SHOULD|RECOMMENDED|WARN)\b/.test(text)) return 'SHOULD'
  if (catalogContract(text)) return 'CONTRACT'
  return 'INFO'
}

/** Whether the Level column has a Contract part ("Contract", "MUST + Contract", "Semantic (code); Contract"). */
export function catalogContract(text: string): boolean {
  return /\bContract\b/.test(text)
}

/** The Roles column without its parenthesised notes ("FP (chained)" → "FP "). */
function withoutNotes(text: string): string {
  let bare = text
  for (let previous = ''; previous !== bare;) {
    previous = bare
    bare = bare.replace(/\([^()]*\)/g, ' ')
  }
  return bare
}

/**
 * The Roles column to roles; parenthesised notes ("FP (chained)", "TO (RP with …)",
 * "FP (see note for RP)") are dropped first: a code named only in a note is a
 * context or an INFO-only role, not a role the row binds. Unknown words
 * ("INFO for h1→h2", "cleartext part optional") are ignored.
 */
export function catalogRoles(text: string): CatalogRole[] {
  const found = new Set(
    withoutNotes(text)
      .match(/\b[A-Z]{2,3}\b/g)
      ?.map((code) => ROLE_CODES[code]) ?? [],
  )
  return CATALOG_ROLES.filter((role) => found.has(role))
}

/** Role codes that appear only inside the Roles column's parenthesised notes (for review). */
export function noteRoleCodes(text: string): string[] {
  const outside = new Set(withoutNotes(text).match(/\b[A-Z]{2,3}\b/g) ?? [])
  const all = text.match(/\b[A-Z]{2,3}\b/g) ?? []
  return [...new Set(all.filter((code) => code in ROLE_CODES && !outside.has(code)))]
}

const DIRECTION = /h2→h1|h2→h2|h1→h2(?: response)?|h2↔h1/gu

/**
 * The HTTP/2 directions of a Roles column (§1.1): `RP, FP (h2→h1, h2→h2)` →
 * directions h2→h1, h2→h2; `RP, FP (h2→h1); INFO for h1→h2` → direction h2→h1,
 * INFO direction h1→h2. They are notes, never roles. Prose such as "h2 front"
 * or "h2 upstream" stays in rolesText only.
 */
export function catalogDirections(text: string): {
  directions: H2Direction[]
  infoDirections: H2Direction[]
} {
  const directions: H2Direction[] = []
  const infoDirections: H2Direction[] = []
  for (const match of text.matchAll(DIRECTION)) {
    const direction = match[0] as H2Direction
    const list = /\bINFO for $/.test(text.slice(0, match.index)) ? infoDirections : directions
    if (!list.includes(direction)) list.push(direction)
  }
  return { directions, infoDirections }
}

/** Splits a Markdown table row on unescaped pipes. */
function cells(line: string): string[] {
  const inner = line.trim().replace(/^\|/, '').replace(/\|$/, '')
  return inner.split(/(?<!\\)\|/).map((cell) => cell.trim())
}

/** One catalog row from its Level and Roles cells. */
export function catalogEntry(id: string, levelText: string, rolesText: string): CatalogEntry {
  const { directions, infoDirections } = catalogDirections(rolesText)
  return {
    id,
    level: catalogLevel(levelText),
    roles: catalogRoles(rolesText),
    levelText,
    rolesText,
    ...(catalogContract(levelText) ? { contract: true } : {}),
    ...(directions.length > 0 ? { directions } : {}),
    ...(infoDirections.length > 0 ? { infoDirections } : {}),
  }
}

/**
 * Reads the requirement rows of the catalog's Markdown tables: every row
 * whose first cell is an id like CONNECT-01 or H2-05, with the Level and Roles
 * columns located by the header of the table it is in. A repeated id keeps its
 * first row.
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
    entries.push(catalogEntry(id, row[columns.level] ?? '', row[columns.roles] ?? ''))
  }
  return entries
}
