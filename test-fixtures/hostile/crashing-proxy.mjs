// A tiny forward proxy with a seeded crash (issue 12): it relays plain
// absolute-form requests and opens CONNECT tunnels, but the first bytes a
// client sends through a tunnel hit a bug that throws out of an event handler,
// so the process dies with a stack trace on stderr, as a real Node proxy did.
//
//   node test-fixtures/hostile/crashing-proxy.mjs --port {port}
//
// Plain JavaScript with no imports from the repository: it runs as a user's
// proxy does, without a build. Listens on 127.0.0.1 only.
import { createServer, request } from 'node:http'
import { connect } from 'node:net'
import { parseArgs } from 'node:util'

const { values } = parseArgs({ options: { port: { type: 'string' } } })
const port = Number(values.port)
if (!Number.isInteger(port) || port <= 0) {
  process.stderr.write('crashing-proxy: --port PORT is required\n')
  process.exit(2)
}

const server = createServer((req, res) => {
  let url
  try {
    url = new URL(req.url ?? '')
  } catch {
    res.writeHead(400, { 'content-type': 'text/plain', connection: 'close' })
    res.end('absolute-form only\n')
    return
  }
  const upstream = request(
    {
      host: url.hostname,
      port: url.port === '' ? 80 : Number(url.port),
      method: req.method,
      path: `${url.pathname}${url.search}`,
      headers: req.headers,
    },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers)
      answer.pipe(res)
    },
  )
  upstream.on('error', () => {
    if (!res.headersSent) res.writeHead(502, { connection: 'close' })
    res.end()
  })
  req.pipe(upstream)
})

server.on('connect', (req, client, head) => {
  const target = /^(\[[0-9a-f:]+\]|[\w.-]+):(\d{1,5})$/i.exec(req.url ?? '')
  const tunnelPort = Number(target?.[2])
  if (target === null || tunnelPort < 1 || tunnelPort > 65535) {
    client.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n')
    return
  }
  const tunnel = connect({ host: target[1].replace(/^\[|\]$/g, ''), port: tunnelPort })
  tunnel.on('error', () => client.destroy())
  client.on('error', () => tunnel.destroy())
  tunnel.once('connect', () => {
    client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
    const relay = (chunk) => {
      // The seeded bug: tunnel state is only set for requests parsed as HTTP,
      // so the first tunnel bytes read a property of undefined and throw.
      const state = req.socket.tunnelState
      tunnel.write(Buffer.concat([state.pending, chunk]))
    }
    if (head.length > 0) relay(head)
    client.once('data', relay)
    tunnel.pipe(client)
  })
})

server.listen(port, '127.0.0.1')
