// Wire bytes as text a person can read without losing what was on the wire:
// CR and LF are shown as \r and \n (a bare LF is a finding), every other
// non-printable byte becomes \xNN, and a literal backslash is doubled so the
// escapes stay unambiguous. Escapes rather than the Unicode control pictures
// (U+240D, U+240A): the common Linux fonts (DejaVu, Liberation) lack those
// glyphs and show empty boxes, and escaped lines paste straight into printf.

const CREDENTIAL_FIELD = /^((?:proxy-)?authorization[ \t]*:[ \t]*)([^\r\n]*)/gim
const ALREADY_REDACTED = /^(?:\S+[ \t]+)?\[redacted \d+ bytes\]$/

/**
 * Hides Authorization and Proxy-Authorization values, keeping the scheme. The
 * harness redacts when it records evidence; reports do it again in case a
 * RunResult was built or edited elsewhere. Values already redacted stay as they are.
 */
export function redactCredentials(text: string): string {
  return text.replace(CREDENTIAL_FIELD, (all, prefix: string, value: string) => {
    if (value === '' || ALREADY_REDACTED.test(value)) return all
    const scheme = /^(\S+)([ \t]+)(.+)$/.exec(value)
    return scheme === null
      ? `${prefix}[redacted ${value.length} bytes]`
      : `${prefix}${scheme[1] ?? ''}${scheme[2] ?? ' '}[redacted ${(scheme[3] ?? '').length} bytes]`
  })
}

const hex = (code: number): string => `\\x${code.toString(16).padStart(2, '0')}`

/**
 * One byte per char (latin1) to printable text: "\r" for CR, "\n" plus a real
 * line break for LF, "\\" for a backslash, \xNN for anything outside 0x20-0x7e.
 */
export function printable(latin1: string): string {
  let out = ''
  for (let i = 0; i < latin1.length; i += 1) {
    const code = latin1.charCodeAt(i)
    if (code === 0x0d /* CR */) out += '\\r'
    else if (code === 0x0a /* LF */) out += '\\n\n'
    else if (code === 0x5c /* backslash */) out += '\\\\'
    else if (code >= 0x20 && code <= 0x7e) out += latin1.charAt(i)
    else out += hex(code & 0xff)
  }
  return out
}

/** Makes arbitrary text (a message, stderr) single-byte-safe and visible, keeping its line breaks. */
export function visibleText(text: string): string {
  let out = ''
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0
    if (ch === '\n' || ch === '\t') out += ch
    else if (code < 0x20 || code === 0x7f || (code >= 0x80 && code < 0xa0)) out += hex(code)
    else out += ch
  }
  return out
}

export interface DecodedBytes {
  /** Printable text of the kept bytes (credentials redacted first). */
  readonly text: string
  /** Bytes on the wire for this event. */
  readonly byteLength: number
  /** Bytes of the redacted text left out after `maxBytes`. */
  readonly omitted: number
}

/** Decodes an event's base64 payload, redacts, truncates to `maxBytes`, and makes it printable. */
export function decodeBytes(base64: string, maxBytes: number): DecodedBytes {
  const raw = Buffer.from(base64, 'base64').toString('latin1')
  // Redact before cutting, so a cut can never leave half a credential behind.
  const redacted = redactCredentials(raw)
  const kept = redacted.slice(0, Math.max(0, maxBytes))
  return {
    text: printable(kept),
    byteLength: raw.length,
    omitted: redacted.length - kept.length,
  }
}
