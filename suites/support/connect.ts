import type { RawClient } from '../../harness/client/types.js'
import type { CaseContext } from '../../harness/engine/model/case-context.js'
import { endCase, violates } from '../../harness/engine/model/outcome.js'
import { requestBytes } from '../../harness/wire/serialize.js'
import { responseOf, statusLine } from './request.js'

/** Opens a tunnel to `authority` through the target: the client, or the case ends (endCase) saying why not. */
export async function openTunnel(ctx: CaseContext, authority: string): Promise<RawClient> {
  const client = await ctx.connect()
  await client.write(
    requestBytes({ method: 'CONNECT', target: authority, headers: [['Host', authority]] }),
  )
  const read = responseOf(
    await client.readResponse({ requestMethod: 'CONNECT' }),
    `a 2xx to CONNECT ${authority}`,
  )
  if (read.head.status < 200 || read.head.status > 299)
    endCase(violates(`a 2xx to CONNECT ${authority} (an allowed target)`, statusLine(read)))
  return client
}
