import { request } from 'node:http'
import { existsSync } from 'node:fs'

/** How to reach the Docker engine's API: DOCKER_HOST (unix:// or tcp://), else the default socket. */
function engineAddress(): { socketPath: string } | { host: string; port: number } | undefined {
  const dockerHost = process.env.DOCKER_HOST
  if (dockerHost !== undefined && dockerHost !== '') {
    if (dockerHost.startsWith('unix://')) return { socketPath: dockerHost.slice('unix://'.length) }
    const match = /^tcp:\/\/([^:/]+):(\d+)/.exec(dockerHost)
    if (match !== null) return { host: match[1] ?? '', port: Number(match[2]) }
    return undefined
  }
  return existsSync('/var/run/docker.sock') ? { socketPath: '/var/run/docker.sock' } : undefined
}

/** GET on the engine API; resolves with the status code, or undefined when nothing answers. */
function get(path: string, timeoutMs: number): Promise<number | undefined> {
  const address = engineAddress()
  if (address === undefined) return Promise.resolve(undefined)
  return new Promise((resolve) => {
    const req = request({ ...address, path, method: 'GET', timeout: timeoutMs }, (res) => {
      res.resume()
      resolve(res.statusCode)
    })
    req.once('timeout', () => {
      req.destroy()
      resolve(undefined)
    })
    req.once('error', () => resolve(undefined))
    req.end()
  })
}

/** True when a Docker engine answers /_ping within the deadline. */
export async function dockerEngineAnswers(timeoutMs = 2000): Promise<boolean> {
  return (await get('/_ping', timeoutMs)) === 200
}

/** True when the engine holds `image` locally (no pull: most CI machines reach no registry). */
export async function dockerImageExists(image: string, timeoutMs = 2000): Promise<boolean> {
  return (await get(`/images/${encodeURIComponent(image)}/json`, timeoutMs)) === 200
}
