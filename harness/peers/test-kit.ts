import { request } from 'node:http'
import { raceTimeout } from '../net/deadline.js'
import { findBinary } from './find-binary.js'
import { dockerEngineAnswers, dockerImageExists } from './docker-engine.js'
import type { PeerDefinition } from './types.js'

/** In CI (CI=true) a peer test never skips: a missing binary or engine is a failure there. */
export const IN_CI = process.env.CI === 'true'

export function nativeAbsent(definition: PeerDefinition): boolean {
  return !IN_CI && findBinary(definition.binaries) === undefined
}

export async function containerAbsent(image: string): Promise<boolean> {
  if (IN_CI) return false
  return !((await dockerEngineAnswers()) && (await dockerImageExists(image)))
}

/** One GET through a peer (`path` is absolute-form for a forward proxy); status and body. */
export async function getThrough(
  port: number,
  path: string,
): Promise<{ status: number; body: string } | 'timeout'> {
  const exchange = new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => (body += chunk))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
    })
    req.once('error', reject)
    req.end()
  })
  const outcome = await raceTimeout('a response through the peer', exchange, 5000)
  return 'kind' in outcome ? 'timeout' : outcome
}
