/**
 * Selection policies (catalog §12.2.3 `policy`): which of the candidate
 * backends a request goes to. Each takes the candidates in configured order
 * and the weights and loads the balancer's steps report.
 */
import type { RequestHead } from '../../wire/types.js'
import type { Backend } from './backend.js'
import { hash32, type HashRing } from './hash.js'
import type { RandomSource } from './rng.js'

/** What a policy may look at in a request. */
export interface BalanceRequest {
  readonly head: RequestHead
  /** The client's address (the source-ip hash key). */
  readonly clientAddress: string
}

/** Weight and load as the balancer's steps report them. */
export interface PolicyInputs {
  readonly weight: (backend: Backend) => number
  readonly load: (backend: Backend) => number
  readonly random: RandomSource
}

/**
 * nginx's smooth weighted round robin (ngx_http_upstream_get_peer): every
 * candidate's running weight grows by its weight, the largest is chosen and
 * drops by the total. Equal weights give a strict cycle in configured order;
 * 3:1:1 gives a a b a c a a b a c ... (every window of Σw holds w_i of each).
 */
export function smoothWeighted(candidates: readonly Backend[], inputs: PolicyInputs): Backend {
  let best: Backend | undefined
  let total = 0
  for (const backend of candidates) {
    const weight = inputs.weight(backend)
    backend.current += weight
    total += weight
    if (best === undefined || backend.current > best.current) best = backend
  }
  const chosen = best ?? candidates[0]!
  chosen.current -= total
  return chosen
}

/**
 * Least connections: the candidates with the fewest requests in flight per
 * unit of weight (compared as load_a·w_b < load_b·w_a, as nginx does), ties
 * shared by smooth weighted round robin (LB-18).
 */
export function leastLoaded(candidates: readonly Backend[], inputs: PolicyInputs): Backend {
  let tied: Backend[] = []
  for (const backend of candidates) {
    const first = tied[0]
    if (first === undefined) {
      tied = [backend]
      continue
    }
    const a = inputs.load(backend) * inputs.weight(first)
    const b = inputs.load(first) * inputs.weight(backend)
    if (a < b) tied = [backend]
    else if (a === b) tied.push(backend)
  }
  return smoothWeighted(tied, inputs)
}

/** A draw in proportion to weight. */
export function weightedDraw(candidates: readonly Backend[], inputs: PolicyInputs): Backend {
  const total = candidates.reduce((sum, b) => sum + inputs.weight(b), 0)
  let point = inputs.random() * total
  for (const backend of candidates) {
    point -= inputs.weight(backend)
    if (point < 0) return backend
  }
  return candidates[candidates.length - 1]!
}

/** The power of two choices: two weighted draws, the less loaded per weight wins (ties: the first). */
export function randomTwo(candidates: readonly Backend[], inputs: PolicyInputs): Backend {
  const first = weightedDraw(candidates, inputs)
  if (candidates.length < 2) return first
  const rest = candidates.filter((b) => b !== first)
  const second = weightedDraw(rest, inputs)
  const a = inputs.load(second) * inputs.weight(first)
  const b = inputs.load(first) * inputs.weight(second)
  return a < b ? second : first
}

/**
 * The hash key of a request: 'uri' (the request-target), 'header:<name>',
 * 'cookie:<name>' or 'source-ip'; '' when the request has none.
 */
export function hashKey(key: string, request: BalanceRequest): string {
  if (key === 'uri') return request.head.target
  if (key === 'source-ip') return request.clientAddress
  const [kind, ...rest] = key.split(':')
  const name = rest.join(':').toLowerCase()
  const fields = request.head.headers
  if (kind === 'header') return fields.find((f) => f.name.toLowerCase() === name)?.value ?? ''
  if (kind === 'cookie') {
    for (const field of fields) {
      if (field.name.toLowerCase() !== 'cookie') continue
      for (const pair of field.value.split(';')) {
        const at = pair.indexOf('=')
        if (at > 0 && pair.slice(0, at).trim().toLowerCase() === name)
          return pair.slice(at + 1).trim()
      }
    }
  }
  return ''
}

/** How many rehashes a modulo hash tries before it falls back to round robin (nginx: 20). */
export const REHASH_TRIES = 20

/**
 * Modulo hashing over the whole group (weights repeat a backend): a key's
 * backend depends only on the key while the group is unchanged; when that
 * backend is not a candidate the key is rehashed, so only its keys move.
 */
export function moduloHash(
  group: readonly Backend[],
  candidates: readonly Backend[],
  key: string,
  inputs: PolicyInputs,
): Backend {
  const slots = group.flatMap((b) => Array.from({ length: inputs.weight(b) }, () => b))
  for (let attempt = 0; attempt < REHASH_TRIES && slots.length > 0; attempt += 1) {
    const slot = slots[hash32(attempt === 0 ? key : `${attempt}${key}`) % slots.length]
    if (slot !== undefined && candidates.includes(slot)) return slot
  }
  return smoothWeighted(candidates, inputs)
}

/** Consistent hashing: the first candidate clockwise on the ring. */
export function ringHash(
  ring: HashRing<Backend>,
  candidates: readonly Backend[],
  key: string,
  inputs: PolicyInputs,
): Backend {
  return ring.lookup(key, (b) => candidates.includes(b)) ?? smoothWeighted(candidates, inputs)
}
