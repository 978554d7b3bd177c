// Helpers only the h2 smuggling defects use (test-fixtures/defects/h2-smuggling.ts):
// how a field reached the front (the HPACK representation the front's decoder
// records on each field it hands to the steps), and field-list rewrites a
// defective front applies before it writes HTTP/1.1.
import type { H2Field, H2FrontSteps } from '../../../harness/reference/h2-front/index.js'

/** What the front's HPACK decoder recorded about a field (harness/h2 DecodedField), when it did. */
interface Represented {
  readonly rep?: 'indexed' | 'incremental' | 'without' | 'never'
  readonly index?: number
  readonly huffman?: { readonly name: boolean; readonly value: boolean }
}

const representation = (field: H2Field): Represented => field as H2Field & Represented

/** The field came as a literal with a literal name (no table index for its name or the whole field). */
export function literalName(field: H2Field): boolean {
  const r = representation(field)
  return r.rep !== 'indexed' && r.index === undefined
}

/** Neither of the field's strings was Huffman-coded. */
export function huffmanFree(field: H2Field): boolean {
  const h = representation(field).huffman
  return h === undefined || (!h.name && !h.value)
}

/** The fields without those named `names`. */
export function without(fields: readonly H2Field[], ...names: string[]): H2Field[] {
  return fields.filter((f) => !names.includes(f.name))
}

/** Each value with SP and HTAB removed from both ends. */
export function trimmed(fields: readonly H2Field[]): H2Field[] {
  return fields.map((f) => ({ name: f.name, value: f.value.replace(/^[ \t]+|[ \t]+$/g, '') }))
}

/**
 * A buildRequestHead that lets the client's transfer-encoding frame the
 * HTTP/1.1 request: with the field present, the front's own Content-Length
 * goes and the copied field stays, so the DATA (written as received) is read
 * as chunked on the hop, the H2.TE downgrade (catalog B55). Without the field,
 * the reference head.
 */
export function framedByClientTransferEncoding(
  reference: H2FrontSteps,
): H2FrontSteps['buildRequestHead'] {
  return (request) =>
    request.head.fields.some((f) => f.name === 'transfer-encoding') &&
    request.framing.kind === 'content-length'
      ? reference.buildRequestHead({ ...request, framing: { kind: 'none' } })
      : reference.buildRequestHead(request)
}
