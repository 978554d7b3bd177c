// harness/nexthop: the harness next-hop proxy ("U") an intermediary under test chains to.
export { startNextHop } from './next-hop-server.js'
export type { NextHopAnswer, NextHopOptions, NextHopRequest, StartedNextHop } from './types.js'
