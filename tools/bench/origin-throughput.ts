/**
 * Requests per second the harness origin serves against a plain node:http
 * server answering the same body, under the same undici load (keep-alive
 * pool, several requests in flight), measured back to back in one run.
 */
import { Agent, createServer, request } from 'node:http'
import { once } from 'node:events'
import { startOrigin } from '../../harness/origin/origin-server.js'

const REQUESTS = 4000
const CONNECTIONS = 8

function get(agent: Agent, url: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent }, (response) => {
      response.resume()
      response.once('end', resolve)
      response.once('error', reject)
    })
    req.once('error', reject)
    req.end()
  })
}

/** Keep-alive clients, CONNECTIONS at once, REQUESTS in all (after a warm-up). */
async function load(base: string): Promise<number> {
  const agent = new Agent({ keepAlive: true, maxSockets: CONNECTIONS })
  try {
    await Promise.all(Array.from({ length: 200 }, (_, i) => get(agent, `${base}/warm/${i}`)))
    const started = performance.now()
    let next = 0
    const worker = async (): Promise<void> => {
      while (next < REQUESTS) {
        next += 1
        await get(agent, `${base}/r/${next}`)
      }
    }
    await Promise.all(Array.from({ length: CONNECTIONS }, worker))
    return REQUESTS / ((performance.now() - started) / 1000)
  } finally {
    agent.destroy()
  }
}

async function plainNodeHttp(): Promise<number> {
  const server = createServer((request, response) => {
    const body = `proxyspec origin: ${request.method ?? 'GET'} ${request.url ?? '/'}`
    response.writeHead(200, {
      'content-type': 'text/plain',
      'content-length': Buffer.byteLength(body),
    })
    response.end(body)
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('no address')
  try {
    return await load(`http://127.0.0.1:${address.port}`)
  } finally {
    server.closeAllConnections()
    server.close()
  }
}

async function harnessOrigin(): Promise<number> {
  await using origin = await startOrigin()
  return await load(origin.url)
}

export async function measureOrigin(): Promise<{ nodeHttpRps: number; originRps: number }> {
  const node = [await plainNodeHttp(), await plainNodeHttp()]
  const ours = [await harnessOrigin(), await harnessOrigin()]
  return { nodeHttpRps: Math.max(...node), originRps: Math.max(...ours) }
}
