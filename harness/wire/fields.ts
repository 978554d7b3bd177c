/**
 * Case-insensitive lookups over field lines as received. Field names are
 * case-insensitive (RFC 9110 §5.1); the lines themselves keep their spelling.
 */
import type { HeaderField, MessageHead } from './types.js'

/** Every value of the field `name`, one per field line, in the order received. */
export function fieldValues(headers: readonly HeaderField[], name: string): string[] {
  const wanted = name.toLowerCase()
  const values: string[] = []
  for (const field of headers) if (field.name.toLowerCase() === wanted) values.push(field.value)
  return values
}

/** The value of the first field line named `name`, or undefined. */
export function firstFieldValue(headers: readonly HeaderField[], name: string): string | undefined {
  const wanted = name.toLowerCase()
  return headers.find((field) => field.name.toLowerCase() === wanted)?.value
}

/** Whether any field line is named `name`. */
export function hasField(headers: readonly HeaderField[], name: string): boolean {
  return firstFieldValue(headers, name) !== undefined
}

/**
 * The elements of a list-based field across all its lines: split on commas,
 * OWS trimmed, empty elements dropped (RFC 9110 §5.6.1 requires recipients to
 * accept them), lowercased (tokens compare case-insensitively).
 * Quoted strings are not special-cased: the fields this is meant for
 * (Connection, Transfer-Encoding, Upgrade, Via's protocols) are token lists.
 */
export function listTokens(headers: readonly HeaderField[], name: string): string[] {
  const tokens: string[] = []
  for (const value of fieldValues(headers, name)) {
    for (const element of value.split(',')) {
      const token = element.replace(/^[ \t]+|[ \t]+$/g, '').toLowerCase()
      if (token !== '') tokens.push(token)
    }
  }
  return tokens
}

/** The connection options (RFC 9110 §7.6.1): the lowercased tokens of every Connection line. */
export function connectionOptions(headers: readonly HeaderField[]): string[] {
  return listTokens(headers, 'connection')
}

/** The head exactly as received, as latin1 text (one char per byte), for messages and evidence. */
export function headerText(head: MessageHead): string {
  return head.raw.toString('latin1')
}
