// Only the seeded defect connects-to-the-host-field uses this: the host and
// port a Host field value names, as a gateway that trusts it would read them.

/** "127.0.0.3:2121" → { host, port }; "[::1]:21" too; undefined when there is no usable value. */
export function hostFieldAddress(
  value: string | undefined,
): { readonly host: string; readonly port: number } | undefined {
  if (value === undefined) return undefined
  const m = /^\s*(?:\[([^\]]+)\]|([^:\s]+))(?::(\d{1,5}))?\s*$/.exec(value)
  if (m === null) return undefined
  const host = m[1] ?? m[2]
  if (host === undefined) return undefined
  return { host, port: m[3] === undefined ? 21 : Number(m[3]) }
}
