import { readFile } from 'node:fs/promises'
import type { BalancerProfile } from '../harness/engine/model/balancer-profile.js'
import { checkBalancerProfile } from '../harness/engine/model/balancer-profile-check.js'
import { HarnessError } from '../harness/net/errors.js'

/**
 * The declared balancer profile (catalog §12.2.3): --lb-profile FILE, or the
 * config's `balancerProfile` (a path, resolved against the config's
 * directory, or the profile inline). Read and checked before anything
 * starts; every problem is one line.
 */
export async function readBalancerProfile(
  declared: string | Readonly<Record<string, unknown>>,
  where: string,
): Promise<BalancerProfile> {
  if (typeof declared !== 'string') return checkBalancerProfile(declared, where)
  let text: string
  try {
    text = await readFile(declared, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error)
    throw new HarnessError(
      'HARNESS_BAD_INPUT',
      `balancer profile ${declared}: cannot read it (${code})`,
    )
  }
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    throw new HarnessError(
      'HARNESS_BAD_INPUT',
      `balancer profile ${declared}: not JSON (${error instanceof Error ? error.message : String(error)})`,
    )
  }
  return checkBalancerProfile(value, declared)
}
