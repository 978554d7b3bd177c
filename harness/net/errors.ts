/**
 * Harness faults: our own mistakes or a broken setup, never the target's
 * misbehaviour (that is an Outcome). Check by `code`, not instanceof, which
 * breaks when two copies of the package are loaded.
 */
export type HarnessErrorCode =
  | 'HARNESS_NOT_LOOPBACK'
  | 'HARNESS_LISTEN_FAILED'
  | 'HARNESS_CERT_GENERATION_FAILED'
  | 'HARNESS_TARGET_UNREACHABLE'
  | 'HARNESS_SPAWN_FAILED'
  | 'HARNESS_BAD_INPUT'
  | 'HARNESS_INTERNAL'

export class HarnessError extends Error {
  readonly code: HarnessErrorCode
  constructor(code: HarnessErrorCode, message: string, options?: { cause?: unknown }) {
    super(`[proxyspec] ${message}`, options)
    this.name = 'HarnessError'
    this.code = code
  }
}

export function isHarnessError(error: unknown, code?: HarnessErrorCode): error is HarnessError {
  return (
    error instanceof Error &&
    error.name === 'HarnessError' &&
    (code === undefined || (error as { code?: unknown }).code === code)
  )
}
