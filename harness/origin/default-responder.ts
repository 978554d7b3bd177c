/**
 * The origin's answer to a request no case registered: 200 with a text body
 * naming the request. Written directly rather than through msw (which
 * answers case routes): it is the origin's hot path, taken by most cases and
 * by every benchmark request, and the bytes are the same either way.
 */
import { responseBytes } from '../wire/serialize.js'
import { decidePersistence } from './persistence.js'
import type { OriginBehaviour } from './types.js'

const POLICY = { persistence: 'honour', framing: 'content-length', version: 'HTTP/1.1' } as const

function pathOf(target: string): string {
  if (target.startsWith('/')) return target
  try {
    const url = new URL(target)
    return `${url.pathname}${url.search}`
  } catch {
    return target
  }
}

export const DEFAULT_BEHAVIOUR: OriginBehaviour = {
  kind: 'raw',
  respond(request, connection) {
    const head = request.message.head
    const body = Buffer.from(`proxyspec origin: ${head.method} ${pathOf(head.target)}`, 'latin1')
    const persistence = decidePersistence(head, POLICY)
    const noBody = head.method === 'HEAD'
    connection.write(
      responseBytes({
        status: 200,
        headers: [
          ['content-type', 'text/plain;charset=UTF-8'],
          ...(persistence.connectionToken === undefined
            ? []
            : [['connection', persistence.connectionToken] as const]),
          ['content-length', String(body.length)],
        ],
        body: noBody ? Buffer.alloc(0) : body,
      }),
    )
    if (!persistence.keepOpen) connection.end()
  },
}
