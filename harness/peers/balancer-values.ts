import { HarnessError } from '../net/errors.js'
import { fillListTemplate, readTemplate, type ListItem } from './template.js'
import type { BalancerPeerInput } from './types.js'

/**
 * The lists and scalars a balancer template is filled with (catalog §12.2.4):
 * {{origins|…}} and {{backup|…}}, and {{port}}, {{dir}}, {{health_path}},
 * {{health_method}}, {{health_host}}, {{interval_ms}}, {{interval_s}},
 * {{timeout_ms}}, {{timeout_s}}, {{fall}}, {{rise}} (from profile.active),
 * {{max_fails}}, {{fail_timeout_s}} (from profile.passive), {{retries}} and
 * {{tries}} (profile.retries.idempotent, and one more), {{cookie}} (profile.sticky.cookie),
 * {{max_conns}}, {{queue_timeout_ms}} and {{slow_start_s}} (LB-23, LB-24). A scalar the profile
 * leaves out is absent, so a template naming it fails at once.
 */
export function balancerValues(
  input: BalancerPeerInput,
  port: number,
  dir: string,
): { lists: Record<string, ListItem[]>; values: Record<string, string> } {
  const { profile } = input
  const weights = profile.weights ?? []
  const values: Record<string, string> = {
    port: String(port),
    dir,
    health_path: input.healthPath,
    origins: input.origins.map((o) => `${o.host}:${o.port}`).join(','),
    backup: input.backups.map((o) => `${o.host}:${o.port}`).join(','),
  }
  const active = profile.active
  if (active !== undefined) {
    Object.assign(values, {
      health_method: active.method ?? 'GET',
      health_host: active.host ?? 'localhost',
      interval_ms: String(active.interval_ms),
      interval_s: String(active.interval_ms / 1000),
      timeout_ms: String(active.timeout_ms),
      timeout_s: String(Math.max(1, Math.ceil(active.timeout_ms / 1000))),
      fall: String(active.fall),
      rise: String(active.rise),
    })
  }
  if (profile.passive !== undefined) {
    values.max_fails = String(profile.passive.max_fails)
    values.fail_timeout_s = String(profile.passive.fail_timeout_s)
  }
  if (profile.sticky !== undefined) values.cookie = profile.sticky.cookie
  // Limits and slow start (LB-23, LB-24): {{max_conns}}, {{queue_timeout_ms}}, {{slow_start_s}}.
  if (profile.max_conns_per_backend !== undefined)
    values.max_conns = String(profile.max_conns_per_backend)
  if (profile.queue !== undefined) values.queue_timeout_ms = String(profile.queue.timeout_ms)
  if (profile.slow_start_s !== undefined) values.slow_start_s = String(profile.slow_start_s)
  if (profile.retries?.idempotent !== undefined) {
    values.retries = String(profile.retries.idempotent)
    values.tries = String(profile.retries.idempotent + 1)
  }
  return {
    lists: {
      origins: input.origins.map((o, i) => ({
        host: o.host,
        port: o.port,
        weight: weights[i] ?? 1,
      })),
      backup: input.backups.map((o) => ({ host: o.host, port: o.port })),
    },
    values,
  }
}

/**
 * Reads a balancer template and fills it; `extra` adds peer-specific scalars
 * ({{run_as}}, {{modules}}). Backups given to a template without a backup
 * list are refused with one line: that config cannot honour them.
 */
export function renderBalancer(
  template: string,
  input: BalancerPeerInput,
  port: number,
  dir: string,
  extra: Readonly<Record<string, string>> = {},
): string {
  const text = readTemplate(template)
  if (input.backups.length > 0 && !text.includes('{{backup|')) {
    throw new HarnessError(
      'HARNESS_BAD_INPUT',
      `the balancer config ${template} has no backups (${input.backups.length} given)`,
    )
  }
  const { lists, values } = balancerValues(input, port, dir)
  return fillListTemplate(text, lists, { ...values, ...extra })
}
