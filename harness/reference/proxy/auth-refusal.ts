/** The seeded 407 defects that keep a client connection open (harness/reference/proxy/defects.ts). */
import type { SessionDeps } from './client-session.js'
import type { ClientSide } from './forward-request.js'
import { challengeLines, unframed407 } from './proxy-auth.js'
import { simpleResponse } from './simple-response.js'
import { writeAll } from './socket-io.js'

/**
 * Seeded defects of a 407 that leave the connection open: 'unframed-407' (no
 * Content-Length, no close) and 'hangs-after-407' (a framed 407 without
 * close, then nothing more is read: the client's retry is never answered).
 * True when one of them answered; the socket is left to its idle timeout.
 */
export async function defective407(client: ClientSide, deps: SessionDeps): Promise<boolean> {
  if (deps.defect !== 'unframed-407' && deps.defect !== 'hangs-after-407') return false
  client.reader.detach()
  client.socket.setTimeout(deps.idleTimeoutMs, () => client.socket.destroy())
  await writeAll(
    client.socket,
    deps.defect === 'unframed-407'
      ? unframed407(deps.defect)
      : simpleResponse({
          status: 407,
          text: 'proxyspec: proxy credentials required',
          close: false,
          headers: challengeLines(deps.defect),
        }),
  )
  return true
}
