/**
 * Recording anomalies: strict mode throws the first one that is not
 * informational, lenient mode keeps them all and lets parsing carry on.
 */
import { WireError, type Anomaly, type AnomalyCode, type ParseMode } from './types.js'

/** Codes that describe legal or harmless input: recorded, never thrown. */
export const INFORMATIONAL_CODES: ReadonlySet<AnomalyCode> = new Set<AnomalyCode>([
  'chunk-extension',
  'bytes-after-close-delimited',
  'duplicate-content-length',
])

/** Whether `code` is informational (never throws, even in strict mode). */
export function isInformational(code: AnomalyCode): boolean {
  return INFORMATIONAL_CODES.has(code)
}

/** The anomalies of one message (or one head), with offsets relative to `base`. */
export class AnomalyLog {
  readonly list: Anomaly[] = []
  readonly #mode: ParseMode
  readonly #base: number

  /** `base` is added to every offset: the position of this part within the message. */
  constructor(mode: ParseMode, base = 0) {
    this.#mode = mode
    this.#base = base
  }

  /** Record an anomaly; in strict mode a non-informational one is thrown instead. */
  add(code: AnomalyCode, message: string, offset: number): void {
    const anomaly: Anomaly = { code, message, offset: this.#base + offset }
    if (this.#mode === 'strict' && !isInformational(code)) throw new WireError(anomaly)
    this.list.push(anomaly)
  }

  /** Record only if no anomaly with this code is there yet (for per-chunk conditions). */
  addOnce(code: AnomalyCode, message: string, offset: number): void {
    if (this.list.some((a) => a.code === code)) return
    this.add(code, message, offset)
  }

  /** Input the parser cannot get past: thrown in both modes. */
  fatal(code: AnomalyCode, message: string, offset: number): never {
    throw new WireError({ code, message, offset: this.#base + offset })
  }
}
