// XML 1.0 (§2.2) cannot carry most C0 controls, lone surrogates, U+FFFE or
// U+FFFF, even as character references; a JUnit consumer would reject the
// whole file. Text is made visible first where it matters (bytes.ts), so
// what is stripped here is only what slipped through.
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu

/** Removes the characters XML 1.0 cannot carry. */
export function stripInvalidXml(text: string): string {
  return text.replace(NOT_XML_CHAR, '')
}

/** Escapes element text. */
export function xmlText(text: string): string {
  return stripInvalidXml(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

/**
 * Escapes an attribute value. Line breaks and tabs become character
 * references, because attribute-value normalisation would turn them into spaces.
 */
export function xmlAttr(text: string): string {
  return xmlText(text)
    .replace(/"/g, '&quot;')
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;')
    .replace(/\t/g, '&#9;')
}
