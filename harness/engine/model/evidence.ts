/**
 * Evidence is a wire transcript taken where the harness stands: on the client
 * hop (harness client <-> target) and on the origin hop (target <-> harness
 * origin or CONNECT endpoint). The runner attaches it; cases do not build it.
 */
import type { WireEvent } from '../../net/wire-event.js'

export type { Direction, Hop, WireEvent, WireEventType } from '../../net/wire-event.js'

export interface Evidence {
  readonly events: readonly WireEvent[]
  readonly notes: readonly string[]
}
