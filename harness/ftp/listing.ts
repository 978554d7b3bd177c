/**
 * Listing formatters: Unix `ls -l`, DOS (IIS), EPLF and NLST lines, plus the
 * hostile lines the rows send (FTP-05, FTP-07). Each returns one line without
 * its CRLF; `listingBytes` joins them.
 */
import type { FtpNode } from './fixtures.js'

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']

function sizeOf(node: FtpNode): number {
  return node.kind === 'file' ? node.size : 4096
}

/** `-rw-r--r-- 1 ftp ftp 1048586 Jan 02  2020 f.bin` (a year for anything older than 6 months). */
export function unixLine(name: string, node: FtpNode, linkTarget?: string): string {
  const mode =
    linkTarget !== undefined ? 'lrwxrwxrwx' : node.kind === 'dir' ? 'drwxr-xr-x' : '-rw-r--r--'
  const d = node.mtime
  const recent = Date.now() - d.getTime() < 180 * 24 * 3600 * 1000 && d.getTime() <= Date.now()
  const day = String(d.getUTCDate()).padStart(2, '0')
  const when = recent
    ? `${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`
    : ` ${d.getUTCFullYear()}`
  const size = String(sizeOf(node)).padStart(8)
  const target = linkTarget === undefined ? '' : ` -> ${linkTarget}`
  return `${mode} 1 ftp ftp ${size} ${MONTHS[d.getUTCMonth()] ?? 'Jan'} ${day} ${when} ${name}${target}`
}

/** `01-02-20  03:04AM       <DIR>          d` or with the size for a file. */
export function dosLine(name: string, node: FtpNode): string {
  const d = node.mtime
  const mm = String(d.getUTCMonth() + 1).padStart(2, '0')
  const dd = String(d.getUTCDate()).padStart(2, '0')
  const yy = String(d.getUTCFullYear() % 100).padStart(2, '0')
  const h = d.getUTCHours()
  const hh = String(h % 12 === 0 ? 12 : h % 12).padStart(2, '0')
  const mi = String(d.getUTCMinutes()).padStart(2, '0')
  const what = node.kind === 'dir' ? '<DIR>'.padEnd(14) : String(node.size).padStart(14)
  return `${mm}-${dd}-${yy}  ${hh}:${mi}${h < 12 ? 'AM' : 'PM'}       ${what} ${name}`
}

/** `+i8388621.29609,m824255902,r,s1048586,\tf.bin` (EPLF; `/` instead of `r` for a directory). */
export function eplfLine(name: string, node: FtpNode): string {
  const facts = [`m${Math.floor(node.mtime.getTime() / 1000)}`]
  facts.push(node.kind === 'dir' ? '/' : `r,s${node.size}`)
  return `+${facts.join(',')},\t${name}`
}

export type ListingFormat = 'unix' | 'dos' | 'eplf'

export function listingLine(format: ListingFormat, name: string, node: FtpNode): string {
  switch (format) {
    case 'unix':
      return unixLine(name, node)
    case 'dos':
      return dosLine(name, node)
    case 'eplf':
      return eplfLine(name, node)
  }
}

/** Lines joined by CRLF, each ended by CRLF unless `lastWithoutNewline`. Names are latin1 byte strings. */
export function listingBytes(lines: readonly string[], lastWithoutNewline = false): Buffer {
  const text = lines.join('\r\n') + (lastWithoutNewline || lines.length === 0 ? '' : '\r\n')
  return Buffer.from(text, 'latin1')
}

/** Ready-made hostile listing lines (Unix format unless named otherwise). */
export const HOSTILE_LINES = {
  /** A line that is not a listing entry. */
  unparseable: (text = '<script>m7</script> junk'): string => text,
  /** A line of about `bytes` ending in `tail`. */
  long: (bytes = 2048, tail = '<script>m8</script>'): string =>
    `-rw-r--r-- 1 ftp ftp 5 Jan 02  2020 ${'x'.repeat(Math.max(0, bytes - 40 - tail.length))}${tail}`,
  /** A complete-looking entry with no name (send it last with `lastWithoutNewline`). */
  noName: (): string => '-rw-r--r-- 1 u g 5 Jan 01  2020',
  symlink: (name: string, target: string): string =>
    `lrwxrwxrwx 1 ftp ftp        9 Jan 02  2020 ${name} -> ${target}`,
  file: (name: string, size = 5): string =>
    `-rw-r--r-- 1 ftp ftp ${String(size).padStart(8)} Jan 02  2020 ${name}`,
  dir: (name: string): string => `drwxr-xr-x 1 ftp ftp     4096 Jan 02  2020 ${name}`,
  dos: (name: string, size = 5): string => `01-02-20  03:04AM ${String(size).padStart(20)} ${name}`,
  eplf: (name: string, size = 5): string => `+m1577934245,r,s${size},\t${name}`,
} as const
