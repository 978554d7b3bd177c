import { isRole, ROLES, type Role } from '../model/roles.js'
import type { Front } from '../model/front.js'
import { HarnessError } from '../../net/errors.js'
import { PEERS } from '../../peers/catalog.js'
import { profileRoles, resolveProfile } from '../../peers/profiles.js'
import { isPeerName, PEER_NAMES, type PeerName } from '../../peers/types.js'

export type BuiltinName = 'reference' | 'blind-relay'

/** The roles each built-in intermediary can play. */
export const BUILTIN_ROLES: Readonly<Record<BuiltinName, readonly Role[]>> = {
  reference: [
    'forward',
    'reverse',
    'tls-terminator',
    'tls-originator',
    'tunnel',
    'balancer',
    'ftp-gateway',
  ],
  'blind-relay': ['forward', 'reverse'],
}

export type TargetSpec =
  | { readonly kind: 'builtin'; readonly name: BuiltinName; readonly label: string }
  | { readonly kind: 'url'; readonly host: string; readonly port: number; readonly label: string }
  | { readonly kind: 'spawn'; readonly command: string; readonly label: string }
  | {
      readonly kind: 'peer'
      readonly name: PeerName
      /** peer:NAME:PROFILE; absent: the peer's default profile. */
      readonly profile?: string
      readonly label: string
    }

const LOOPBACK = /^(127(?:\.\d{1,3}){3}|localhost|\[::1\]|::1)$/

/**
 * The roles a run plays the target in: the --role flags when given, else the
 * built-in's roles, or the peer profile's (the peer's default profile when
 * none is named). A URL or a spawned command has no roles of its own: --role
 * is required, refused with HARNESS_BAD_INPUT.
 */
export function resolveRoles(target: TargetSpec, roles: readonly Role[]): readonly Role[] {
  if (roles.length > 0) return roles
  if (target.kind === 'builtin') return BUILTIN_ROLES[target.name]
  if (target.kind === 'peer') {
    const peer = PEERS[target.name]
    return profileRoles(peer, resolveProfile(peer, target.profile))
  }
  throw new HarnessError(
    'HARNESS_BAD_INPUT',
    `--role is required with ${target.kind === 'spawn' ? '--spawn' : '--target URL'}`,
  )
}

/** The fronts each built-in serves: the reference speaks h2 as well (harness/reference/h2-front). */
export const BUILTIN_FRONTS: Readonly<Record<BuiltinName, readonly Front[]>> = {
  reference: ['h1', 'h2'],
  'blind-relay': ['h1'],
}

/**
 * The protocols a run speaks to the target (ConformanceCase.front): the
 * --front flags when given, else what the target declares: a built-in's, a
 * peer profile's `fronts`. A URL or a spawned command declares nothing, so
 * it is spoken to in HTTP/1.1 unless --front says otherwise.
 */
export function resolveFronts(target: TargetSpec, fronts: readonly Front[]): readonly Front[] {
  if (fronts.length > 0) return fronts
  if (target.kind === 'builtin') return BUILTIN_FRONTS[target.name]
  if (target.kind === 'peer') {
    const peer = PEERS[target.name]
    return resolveProfile(peer, target.profile)?.fronts ?? ['h1']
  }
  return ['h1']
}

/** Parses --target; throws HarnessError HARNESS_BAD_INPUT with a one-line reason. */
export function parseTarget(text: string): TargetSpec {
  if (text.startsWith('builtin:')) {
    const name = text.slice('builtin:'.length)
    if (name === 'reference' || name === 'blind-relay')
      return { kind: 'builtin', name, label: text }
    throw new HarnessError(
      'HARNESS_BAD_INPUT',
      `unknown built-in target "${text}" (known: builtin:reference, builtin:blind-relay)`,
    )
  }
  if (text.startsWith('peer:')) {
    // A real implementation the harness starts (harness/peers): peer:nginx, peer:squid, ...,
    // optionally in one of its profiles: peer:squid:chained.
    const [name = '', profile, ...rest] = text.slice('peer:'.length).split(':')
    if (isPeerName(name) && rest.length === 0) {
      if (profile === undefined) return { kind: 'peer', name, label: text }
      resolveProfile(PEERS[name], profile)
      return { kind: 'peer', name, profile, label: text }
    }
    throw new HarnessError(
      'HARNESS_BAD_INPUT',
      `unknown peer "${text}" (known: ${PEER_NAMES.map((n) => `peer:${n}`).join(', ')})`,
    )
  }
  let url: URL
  try {
    url = new URL(text)
  } catch {
    throw new HarnessError(
      'HARNESS_BAD_INPUT',
      `malformed target "${text}": expected http://HOST:PORT, builtin:NAME or peer:NAME[:PROFILE]`,
    )
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new HarnessError(
      'HARNESS_BAD_INPUT',
      `target "${text}" must be an http:// or https:// URL`,
    )
  }
  if (url.port === '') {
    throw new HarnessError('HARNESS_BAD_INPUT', `target "${text}" must name its port explicitly`)
  }
  if (!LOOPBACK.test(url.hostname)) {
    throw new HarnessError(
      'HARNESS_BAD_INPUT',
      `target "${text}" is not on loopback: proxyspec only talks to 127.0.0.0/8, ::1 and localhost`,
    )
  }
  const host = url.hostname === 'localhost' ? '127.0.0.1' : url.hostname.replace(/^\[|\]$/g, '')
  return { kind: 'url', host, port: Number(url.port), label: text }
}

export function parseRole(text: string): Role {
  if (isRole(text)) return text
  throw new HarnessError('HARNESS_BAD_INPUT', `unknown role "${text}" (known: ${ROLES.join(', ')})`)
}
