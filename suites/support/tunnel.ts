import type { RawClient } from '../../harness/client/types.js'
import { endCase, timedOut, violates } from '../../harness/engine/model/outcome.js'

/** Reads exactly `expected.length` bytes and compares; the case ends (endCase) when they do not come back intact. */
export async function expectBytes(
  client: RawClient,
  expected: Buffer,
  what: string,
): Promise<void> {
  const started = performance.now()
  const back = await client.readBytes(expected.length)
  if (back.data.length < expected.length) {
    if (back.ended === 'timeout') endCase(timedOut(what, performance.now() - started))
    endCase(
      violates(
        what,
        `${back.data.length} of ${expected.length} bytes, then the connection ended (${back.ended ?? 'open'})`,
      ),
    )
  }
  if (!back.data.equals(expected)) {
    const at = back.data.findIndex((byte, i) => byte !== expected[i])
    endCase(
      violates(
        what,
        `the bytes differ from offset ${at}: ${back.data.subarray(at, at + 16).toString('hex')} instead of ${expected.subarray(at, at + 16).toString('hex')}`,
      ),
    )
  }
}
