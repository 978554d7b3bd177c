/**
 * One proxied request round trip: a raw keep-alive client sends GET through
 * the reference forward proxy to the origin and reads the response. The
 * median of many is the unit the per-case time is compared with.
 */
import { openRawClient } from '../../harness/client/raw-client.js'
import { TranscriptRecorder } from '../../harness/net/transcript.js'
import { startOrigin } from '../../harness/origin/origin-server.js'
import { startReferenceProxy } from '../../harness/reference/proxy/proxy-server.js'
import { requestBytes } from '../../harness/wire/serialize.js'
import { median } from './stats.js'

export async function measureRoundTrip(samples = 300): Promise<number> {
  await using origin = await startOrigin()
  await using proxy = await startReferenceProxy({ mode: 'forward' })
  await using client = await openRawClient({
    host: proxy.host,
    port: proxy.port,
    id: 'bench',
    transcript: new TranscriptRecorder(),
  })
  const request = requestBytes({
    method: 'GET',
    target: `${origin.url}/bench`,
    headers: [['Host', origin.authority]],
  })
  const times: number[] = []
  for (let i = 0; i < samples; i += 1) {
    const started = performance.now()
    await client.write(request)
    const response = await client.readResponse({ timeoutMs: 2000 })
    if (response.kind !== 'response') throw new Error(`round trip ${i}: ${response.kind}`)
    times.push(performance.now() - started)
  }
  // The first few warm the JIT and the upstream pool.
  return median(times.slice(Math.min(20, samples - 1)))
}
