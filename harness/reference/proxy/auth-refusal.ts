/**
 * Transitional, for client-session.ts only, until its 407 path calls a step of
 * the persistence stage: the seeded 407 defects that keep a client connection
 * open. The CONNECT path already takes them as variants of the step
 * `refuseConnect` (test-fixtures/defects/parts/open-407.ts); this file goes
 * once client-session.ts no longer imports it.
 */
import type { SessionDeps } from './client-session.js'
import type { ClientSide } from './forward-request.js'
import { PROXY_CHALLENGE } from './proxy-auth.js'
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
      ? Buffer.from(
          `HTTP/1.1 407 Proxy Authentication Required\r\n${PROXY_CHALLENGE}\r\n` +
            'Content-Type: text/plain\r\n\r\nproxyspec: credentials required\n',
          'latin1',
        )
      : simpleResponse({
          status: 407,
          text: 'proxyspec: proxy credentials required',
          close: false,
          headers: [PROXY_CHALLENGE],
        }),
  )
  return true
}
