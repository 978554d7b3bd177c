import type { OriginBehaviour } from '../../harness/origin/types.js'
import { responseBytes } from '../../harness/wire/serialize.js'
import type { FieldLine } from '../../harness/wire/types.js'

export interface RawResponseSpec {
  readonly version?: string
  readonly status?: number
  readonly headers?: readonly FieldLine[]
  readonly body?: string
  /** Close the origin connection after writing. @default false */
  readonly close?: boolean
}

/**
 * An origin behaviour that answers with exactly these bytes: fields in this
 * order and spelling, Content-Length added from the body unless the spec
 * already frames it. For cases where a Fetch Response would normalise away
 * what is under test.
 */
export function rawResponse(spec: RawResponseSpec): OriginBehaviour {
  const body = spec.body ?? 'ok'
  const framed = (spec.headers ?? []).some(
    (line) => typeof line !== 'string' && /^(content-length|transfer-encoding)$/i.test(line[0]),
  )
  const bytes = responseBytes({
    version: spec.version ?? 'HTTP/1.1',
    status: spec.status ?? 200,
    headers: [
      ...(spec.headers ?? []),
      ...(framed ? [] : [['Content-Length', String(Buffer.byteLength(body, 'latin1'))] as const]),
    ],
    body,
  })
  return {
    kind: 'raw',
    respond(_request, connection) {
      connection.write(bytes)
      if (spec.close === true) connection.end()
    },
  }
}
