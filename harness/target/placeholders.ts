import { HarnessError } from '../net/errors.js'

/** What --spawn may name; each is filled in when the harness knows its value. */
export const SPAWN_PLACEHOLDERS = ['port', 'origin', 'origin_url', 'connect_ports'] as const

export function substitutePlaceholders(
  command: string,
  values: Readonly<Record<string, string>>,
): string {
  return command.replace(/\{([a-z_]+)\}/g, (whole, name: string) => {
    const value = values[name]
    if (value === undefined) {
      throw new HarnessError(
        'HARNESS_BAD_INPUT',
        `unknown placeholder ${whole} in --spawn (known: ${SPAWN_PLACEHOLDERS.map((p) => `{${p}}`).join(' ')})`,
      )
    }
    return value
  })
}
