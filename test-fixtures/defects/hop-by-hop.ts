// Seeded defects the hop-by-hop suite must catch.
import { referenceWith } from './reference-with.js'
import type { SeededDefect } from './types.js'

export const hopByHopDefects: readonly SeededDefect[] = [
  {
    name: 'forwards-connection-listed-fields',
    description:
      'Removes Connection and the fixed hop-by-hop set but forwards the fields Connection names (both directions)',
    killedBy: [
      'hop-by-hop/drops-connection-listed-request-fields',
      'hop-by-hop/drops-connection-listed-response-fields',
      'hop-by-hop/parses-connection-as-a-list',
    ],
    roles: ['forward', 'reverse'],
    start: (role, env) => referenceWith('forwards-connection-listed-fields', role, env),
  },
  {
    name: 'drops-via',
    description: 'Never appends its Via member, in either direction',
    killedBy: ['hop-by-hop/appends-via-to-requests', 'hop-by-hop/appends-via-to-responses'],
    roles: ['forward', 'reverse'],
    start: (role, env) => referenceWith('drops-via', role, env),
  },
]
