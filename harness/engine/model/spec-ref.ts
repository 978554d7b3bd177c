/** A pointer into an RFC. Section numbers are data, never file names. */
export interface SpecRef {
  readonly rfc: number
  /** As printed in the RFC: "9.3.6", "C.2.2". */
  readonly section: string
}

/** The rfc-editor.org anchor of a section; appendices have their own anchor kind. */
export function specUrl(ref: SpecRef): string {
  const kind = /^[A-Z]/.test(ref.section) ? 'appendix' : 'section'
  return `https://www.rfc-editor.org/rfc/rfc${ref.rfc}#${kind}-${ref.section}`
}

export function specLabel(ref: SpecRef): string {
  return `RFC ${ref.rfc} §${ref.section}`
}
