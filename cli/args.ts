import { parseArgs, type ParseArgsConfig } from 'node:util'
import { HarnessError } from '../harness/net/errors.js'

type Options = NonNullable<ParseArgsConfig['options']>

/**
 * node:util parseArgs with our error style: an unknown option or a missing
 * value becomes one clear line (exit 2), never a stack trace.
 */
export function parseCommandArgs<T extends Options>(
  args: readonly string[],
  options: T,
  usageHint: string,
): ReturnType<
  typeof parseArgs<{ args: string[]; options: T; strict: true; allowPositionals: true }>
> {
  try {
    return parseArgs({ args: [...args], options, strict: true, allowPositionals: true })
  } catch (error) {
    const message =
      error instanceof Error ? error.message.replace(/\s*To specify.*$/s, '') : String(error)
    throw new HarnessError('HARNESS_BAD_INPUT', `${message.replace(/\.$/, '')} (see: ${usageHint})`)
  }
}

export function parsePositiveInt(
  value: string | undefined,
  name: string,
  fallback: number,
  min = 1,
): number {
  if (value === undefined) return fallback
  if (!/^\d+$/.test(value) || Number(value) < min) {
    throw new HarnessError(
      'HARNESS_BAD_INPUT',
      `${name} takes a whole number >= ${min}, not "${value}"`,
    )
  }
  return Number(value)
}

export function parsePort(value: string, name: string): number {
  const port = parsePositiveInt(value, name, 0, 0)
  if (port > 65535)
    throw new HarnessError('HARNESS_BAD_INPUT', `${name} takes a port 0..65535, not "${value}"`)
  return port
}

const HOST_VALUE =
  /^(?:[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?$/

/** `--host NAME[:PORT]`: a name or IP literal a Host field can carry, nothing else. */
export function parseHostValue(value: string, name: string): string {
  if (!HOST_VALUE.test(value)) {
    throw new HarnessError(
      'HARNESS_BAD_INPUT',
      `${name} takes a host name with an optional port (example.test, example.test:8080, [::1]:80), not ${JSON.stringify(value)}`,
    )
  }
  return value
}

/** Repeatable options may also be comma-separated. */
export function splitList(values: readonly string[] | undefined): string[] {
  return (values ?? [])
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter((v) => v !== '')
}
