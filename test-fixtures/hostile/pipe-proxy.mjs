// The dumbest reverse proxy there is: a TCP pipe to its upstream. It forwards
// hop-by-hop fields untouched, so MUST cases a real proxy passes fail through
// it: the "new failure" a CI recipe must catch.
//
//   node test-fixtures/hostile/pipe-proxy.mjs {port} {origin}
//
// Plain JavaScript with no imports from the repository. Listens on 127.0.0.1 only.
import { connect, createServer } from 'node:net'

const [port, upstream] = process.argv.slice(2)
const [host, upstreamPort] = upstream.split(':')
createServer((client) => {
  const up = connect(Number(upstreamPort), host)
  client.pipe(up).pipe(client)
  client.on('error', () => up.destroy())
  up.on('error', () => client.destroy())
}).listen(Number(port), '127.0.0.1')
