/**
 * What the backends' self-tests share: a raw client per backend and a bare
 * connect that reports ECONNREFUSED as a value.
 */
import { connect } from 'node:net'
import { openRawClient } from '../client/raw-client.js'
import type { RawClient, ReadResponseResult } from '../client/types.js'
import { raceTimeout, isTimeout } from '../net/deadline.js'
import type { Scope } from '../net/started.js'
import { TranscriptRecorder } from '../net/transcript.js'
import { parseLbResponse, type LbResponse } from './lb-id.js'
import type { Backend } from './types.js'

let clients = 0

export async function clientOf(scope: Scope, backend: Backend): Promise<RawClient> {
  clients += 1
  return scope.use(
    await openRawClient({
      host: backend.host,
      port: backend.port,
      id: `c${clients}`,
      transcript: new TranscriptRecorder(),
      timeoutMs: 2000,
    }),
  )
}

/** The response as the LB helper reads it, or the read's result when there was none. */
export function lbOf(result: ReadResponseResult): LbResponse | ReadResponseResult {
  return result.kind === 'response' ? parseLbResponse(result.message) : result
}

/** 'connected', or the error code a connect got ('ECONNREFUSED'). */
export async function tryConnect(port: number, host = '127.0.0.1'): Promise<string> {
  const socket = connect({ host, port })
  const outcome = new Promise<string>((resolve) => {
    socket.once('connect', () => resolve('connected'))
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message))
  })
  const result = await raceTimeout('a connect', outcome, 2000)
  socket.destroy()
  return isTimeout(result) ? 'timeout' : result
}
