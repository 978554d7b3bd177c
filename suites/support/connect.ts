import type { RawClient } from '../../harness/client/types.js'
import type { CaseContext } from '../../harness/engine/model/case-context.js'
import { violates, type Outcome } from '../../harness/engine/model/outcome.js'
import { requestBytes } from '../../harness/wire/serialize.js'
import { responseOrOutcome, statusLine } from './request.js'

/** Opens a tunnel to `authority` through the target; the client, or the Outcome explaining why not. */
export async function openTunnel(
  ctx: CaseContext,
  authority: string,
): Promise<{ readonly client: RawClient } | { readonly outcome: Outcome }> {
  const client = await ctx.connect()
  await client.write(
    requestBytes({ method: 'CONNECT', target: authority, headers: [['Host', authority]] }),
  )
  const read = responseOrOutcome(
    await client.readResponse({ requestMethod: 'CONNECT' }),
    `a 2xx to CONNECT ${authority}`,
  )
  if ('outcome' in read) return read
  if (read.message.head.status < 200 || read.message.head.status > 299) {
    return {
      outcome: violates(
        `a 2xx to CONNECT ${authority} (an allowed target)`,
        statusLine(read.message),
      ),
    }
  }
  return { client }
}
