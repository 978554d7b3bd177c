import type { Role } from '../engine/model/roles.js'
import { HarnessError } from '../net/errors.js'
import { apache } from './apache.js'
import { caddy } from './caddy.js'
import { haproxy } from './haproxy.js'
import { lighttpd } from './lighttpd.js'
import { nghttpx } from './nghttpx.js'
import { nginx } from './nginx.js'
import { squid } from './squid.js'
import { tinyproxy } from './tinyproxy.js'
import { trafficserver } from './trafficserver.js'
import { varnish } from './varnish.js'
import type { PeerDefinition, PeerName } from './types.js'

export const PEERS: Readonly<Record<PeerName, PeerDefinition>> = {
  nginx,
  squid,
  haproxy,
  tinyproxy,
  apache,
  varnish,
  caddy,
  nghttpx,
  trafficserver,
  lighttpd,
}

/** The peer's definition, refusing a role it does not play with one line. */
export function peerFor(name: PeerName, role: Role): PeerDefinition {
  const definition = PEERS[name]
  if (!definition.roles.includes(role)) {
    throw new HarnessError(
      'HARNESS_BAD_INPUT',
      `peer:${name} cannot play the ${role} role (it plays ${definition.roles.join(', ')})`,
    )
  }
  return definition
}
