/**
 * The property every wire input must keep: the parser only ever throws its own
 * WireError, never loops (each next() either consumes bytes, emits an event,
 * or asks for more), and accounts for every byte it was given.
 */
import { HttpParser } from '../../harness/wire/http-parser.js'
import type { WireInput } from './wire-inputs.js'

/** More next() calls than this for one input means a loop (inputs are < 1 KiB). */
const MAX_STEPS = 10_000

export function checkWireInput(input: WireInput): void {
  const parser = new HttpParser(input.kind, { mode: input.mode, maxHeadBytes: 512 })
  if (input.kind === 'response') parser.expectResponseTo(input.requestMethod)
  let steps = 0
  const drain = (): boolean => {
    for (;;) {
      steps += 1
      if (steps > MAX_STEPS) throw new Error(`no progress after ${MAX_STEPS} steps`)
      let event
      try {
        event = parser.next()
      } catch (error) {
        if (error instanceof Error && error.name === 'WireError') return false
        throw error
      }
      if (event === undefined) return true
      // A request parser stays put after CONNECT until told: take the tunnel, as a proxy would.
      if (
        event.type === 'message' &&
        event.message.head.kind === 'request' &&
        event.message.head.method === 'CONNECT'
      ) {
        parser.detach()
        return false
      }
    }
  }
  let offset = 0
  for (const size of [...input.pieces, input.bytes.length]) {
    if (offset >= input.bytes.length) break
    parser.push(input.bytes.subarray(offset, offset + size))
    offset += size
    if (!drain()) return
  }
  if (input.eof) {
    parser.end()
    drain()
  }
}
