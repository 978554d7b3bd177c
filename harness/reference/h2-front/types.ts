/**
 * The shapes the h2 front and its steps share: a field as decoded from a
 * header block, the request pseudo-header fields, and what the front needs
 * from the proxy it fronts.
 */

/** One field of an h2 header block (latin1 text, as HPACK decoded it). */
export interface H2Field {
  readonly name: string
  readonly value: string
}

/** The request pseudo-header fields (RFC 9113 §8.3.1; RFC 8441 §4), once validated. */
export interface RequestPseudo {
  readonly method: string
  readonly scheme?: string
  readonly authority?: string
  readonly path?: string
  /** RFC 8441 §4: only on CONNECT, only once the server advertised SETTINGS_ENABLE_CONNECT_PROTOCOL. */
  readonly protocol?: string
}

/** A request header block split into its pseudo-header fields and its regular fields. */
export interface H2RequestHead {
  readonly pseudo: RequestPseudo
  /** The regular fields, in order, names lowercase. */
  readonly fields: readonly H2Field[]
}

/** What the validation steps say about a request: nothing (valid), or why it is malformed. */
export type Problem = string | undefined

/** The framing of the HTTP/1.1 request the front writes on its internal connection. */
export type H1Framing =
  | { readonly kind: 'none' }
  | { readonly kind: 'content-length'; readonly length: number }
  | { readonly kind: 'chunked' }

/** Whether the front forwards for a forward proxy (absolute-form) or a reverse one (origin-form). */
export type FrontMode = 'forward' | 'reverse'

/** Where the front writes its HTTP/1.1 requests: the reference proxy's own listener. */
export interface InternalTarget {
  readonly host: string
  readonly port: number
}
