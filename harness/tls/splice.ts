import type { Duplex } from 'node:stream'

/** How each side of a splice is ended when the other side's FIN arrives (default: its end()). */
export interface SpliceEnds {
  readonly a?: () => void
  readonly b?: () => void
}

/**
 * Joins two connected streams byte for byte in both directions, as a TLS
 * front or a gateway does between its decrypted side and its plain side.
 * A FIN travels on as a FIN (end(); on a TLSSocket that is close_notify,
 * RFC 8446 §6.1, unless `ends` says otherwise), so both sockets must allow
 * half-open. An error or a reset on either side destroys both: a half-dead
 * pair would hang its peer.
 */
export function splice(a: Duplex, b: Duplex, ends: SpliceEnds = {}): void {
  const destroyBoth = (): void => {
    a.destroy()
    b.destroy()
  }
  for (const [from, to, end] of [
    [a, b, ends.b],
    [b, a, ends.a],
  ] as const) {
    from.on('error', destroyBoth)
    // 'close' without a prior 'end' is a reset or a destroy: the other side goes too.
    let ended = false
    from.once('end', () => {
      ended = true
    })
    from.once('close', () => {
      if (!ended) to.destroy()
    })
    from.pipe(to, { end: end === undefined })
    if (end !== undefined) from.once('end', end)
  }
}
