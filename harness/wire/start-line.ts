/**
 * Parsing the start line: request-line (RFC 9112 §3) or status-line (§4).
 * Strict grammar first; lenient mode falls back to splitting on whitespace
 * runs, which RFC 9112 §3 permits recipients to do. A line that yields no
 * method/target/version or no version/status is unrecoverable in both modes.
 */
import type { AnomalyLog } from './anomalies.js'
import { TOKEN } from './lines.js'

const VERSION = /^HTTP\/\d\.\d$/

export interface RequestLine {
  readonly method: string
  readonly target: string
  readonly version: string
}

export interface StatusLine {
  readonly version: string
  readonly status: number
  readonly reason: string
}

/** method SP request-target SP HTTP-version */
export function parseRequestLine(text: string, log: AnomalyLog): RequestLine {
  let parts = text.split(' ')
  if (parts.length !== 3 || parts.some((p) => p === '')) {
    const words = text.split(/[ \t]+/).filter((w) => w !== '')
    if (words.length !== 3)
      log.fatal('invalid-start-line', `not a request line: ${JSON.stringify(text)}`, 0)
    log.add(
      'invalid-start-line',
      `request line not separated by single SPs: ${JSON.stringify(text)}`,
      0,
    )
    parts = words
  }
  const [method, target, version] = parts as [string, string, string]
  if (!TOKEN.test(method)) log.add('invalid-start-line', `method "${method}" is not a token`, 0)
  checkVersion(version, log)
  return { method, target, version }
}

/** HTTP-version SP status-code SP [ reason-phrase ] */
export function parseStatusLine(text: string, log: AnomalyLog): StatusLine {
  const match = /^(\S+) (\d{3}) (.*)$/s.exec(text)
  let version: string
  let statusText: string
  let reason: string
  if (match !== null) {
    ;[, version, statusText, reason] = match as unknown as [string, string, string, string]
  } else {
    const loose = /^[ \t]*(\S+)[ \t]+(\S+)(?:[ \t]+(.*))?$/s.exec(text)
    if (!loose?.[1]?.startsWith('HTTP/')) {
      log.fatal('invalid-start-line', `not a status line: ${JSON.stringify(text)}`, 0)
    }
    version = loose[1]!
    statusText = loose[2]!
    reason = loose[3] ?? ''
  }
  if (!version.startsWith('HTTP/'))
    log.fatal('invalid-start-line', `not a status line: ${JSON.stringify(text)}`, 0)
  checkVersion(version, log)
  if (!/^\d+$/.test(statusText) || Number(statusText) < 100 || Number(statusText) > 999) {
    log.fatal('invalid-status', `status code "${statusText}" is not a number from 100 to 999`, 0)
  }
  if (!/^\d{3}$/.test(statusText))
    log.add('invalid-status', `status code "${statusText}" is not three digits`, 0)
  if (match === null && /^\d{3}$/.test(statusText)) {
    log.add(
      'invalid-start-line',
      `status line not separated by single SPs: ${JSON.stringify(text)}`,
      0,
    )
  }
  return { version, status: Number(statusText), reason }
}

/** HTTP-version = "HTTP/" DIGIT "." DIGIT, case-sensitive (RFC 9112 §2.3). Lenient keeps it as sent. */
function checkVersion(version: string, log: AnomalyLog): void {
  if (!VERSION.test(version)) log.add('invalid-version', `"${version}" is not HTTP/DIGIT.DIGIT`, 0)
}

/** HTTP/1.0 or older: Transfer-Encoding is a framing fault there (RFC 9112 §6.1). */
export function isHttp10OrOlder(version: string): boolean {
  const match = /^HTTP\/(\d+)\.(\d+)$/.exec(version)
  if (match === null) return false
  return Number(match[1]) < 1 || (Number(match[1]) === 1 && Number(match[2]) === 0)
}
