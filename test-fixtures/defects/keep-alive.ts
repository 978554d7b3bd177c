// Seeded defects the keep-alive suite must catch: the reference with one
// persistence bug switched on (hooks in harness/reference/proxy, "keep-alive" section
// of harness/reference/proxy/defects.ts).
import { ONE_BYTE_PLAN, throughFaultRelay } from '../../harness/engine/target/fault-target.js'
import { firstReadAsHead } from './parts/first-read-as-head.js'
import { defectEntry, proxyDefect as defect, referenceWith } from './reference-with.js'
import type { SeededDefect } from './types.js'

/**
 * Passes every case direct: its bug only shows when a head arrives in several
 * reads, so it is started behind the one-byte relay (test-fixtures/fragmented
 * shows it passing direct).
 */
const oneRead = defectEntry(
  {
    name: 'assumes-one-read-holds-one-message',
    description:
      'Takes the first read of a request for its whole head (started behind the one-byte fragmenting relay)',
    killedBy: [
      'keep-alive/persists-http11-client-connections',
      'keep-alive/pipelined-responses-in-order',
    ],
    roles: ['forward', 'reverse'],
  },
  async (steps, role, env) =>
    throughFaultRelay(
      await referenceWith('assumes-one-read-holds-one-message', role, env, { steps }),
      ONE_BYTE_PLAN,
      'the one-byte relay',
    ),
).replacing((reference) => ({
  requestParser: () => firstReadAsHead(reference.requestParser()),
}))

export const keepAliveDefects: readonly SeededDefect[] = [
  oneRead,
  defect(
    'closes-every-client-connection',
    'Closes the client connection after every response, HTTP/1.1 included (an HTTP/1.0-era server)',
    ['keep-alive/persists-http11-client-connections'],
  ),
  defect(
    'forwards-client-close-inbound',
    "Copies the client's Connection: close to the origin, yet pools that upstream connection",
    ['keep-alive/client-close-not-forwarded-inbound'],
  ),
  defect(
    'advertises-origin-close-but-persists',
    "Passes the origin's Connection: close to the client and keeps the client connection open anyway",
    ['keep-alive/origin-close-is-per-hop'],
  ),
  defect(
    'ignores-client-close',
    'Never looks at the close option: keeps the connection and serves the pipelined request after it',
    ['keep-alive/closes-after-connection-close'],
  ),
  defect(
    'lingers-after-own-close',
    'Answers 400 with Connection: close, then waits for the next request instead of closing',
    ['keep-alive/closes-after-its-own-close'],
  ),
  defect(
    'omits-close-on-final-response',
    'Closes after a request that said close, without marking the response Connection: close',
    ['keep-alive/marks-response-to-close-request'],
  ),
  defect(
    'reuses-upstream-after-close',
    "Ignores the origin's Connection: close and sends the next request on that connection",
    ['keep-alive/no-reuse-after-upstream-close'],
  ),
  defect(
    'persists-with-http10-client',
    'Honours an HTTP/1.0 client keep-alive as if it were the origin (the row Squid argued about [B26])',
    ['keep-alive/no-persistence-with-http10-client', 'keep-alive/http10-keep-alive-at-a-gateway'],
    ['forward', 'reverse'],
  ),
  defect(
    'forwards-keep-alive-from-http10-client',
    "Passes an HTTP/1.0 client's Connection: keep-alive and Keep-Alive to the origin (the dumb proxy of HTTP: The Definitive Guide ch. 4)",
    ['keep-alive/no-dumb-proxy-keep-alive-hang'],
  ),
  defect(
    'chunks-to-http10-clients',
    'Re-frames chunked and close-delimited responses as chunked for every client, HTTP/1.0 included',
    [
      'keep-alive/close-delimited-response-to-http10-client',
      'keep-alive/chunked-response-to-http10-client',
    ],
  ),
  defect(
    'keeps-client-open-after-close-delimited-body',
    'Relays a close-delimited body to an HTTP/1.1 client as it came and keeps the connection open: the body never ends',
    ['keep-alive/close-delimited-response-to-http11-client'],
  ),
  defect(
    'chunks-to-known-http10-upstream',
    'Sends a chunked request to an upstream that just answered in HTTP/1.0',
    ['keep-alive/no-chunked-request-to-http10-upstream'],
  ),
  defect(
    'completes-truncated-responses',
    'Does not notice an upstream response cut short: adds the last chunk, or keeps the client connection as if complete',
    [
      'keep-alive/short-content-length-response-not-completed',
      'keep-alive/unterminated-chunked-response-not-completed',
    ],
  ),
  defect(
    'reorders-pipelined-responses',
    'Handles pipelined GETs in parallel and writes each response as soon as it is ready',
    ['keep-alive/pipelined-responses-in-order'],
  ),
  defect(
    'continues-pipeline-after-failed-post',
    'Pipelines: forwards each bodiless pipelined request (a POST with Content-Length: 0 too) without waiting for the one before; after the upstream drops the POST, answers 502 and keeps the connection open',
    ['keep-alive/pipeline-ends-after-failed-post'],
  ),
  defect(
    'retries-non-idempotent-requests',
    'Retries any request once on a fresh connection when the upstream fails before answering, POST included [B29]',
    ['keep-alive/no-retry-of-post-with-body', 'keep-alive/no-retry-of-post-without-body'],
  ),
  defect(
    'retries-post-on-reused-connection',
    'Retries any request, POST included, once on a fresh connection when a reused pooled upstream connection fails before answering (like many pools do)',
    ['keep-alive/no-retry-of-post-with-body', 'keep-alive/no-retry-of-post-without-body'],
  ),
  defect(
    'pools-upstream-owing-request-body',
    'Pools the upstream connection after an early response while request-body bytes are still owed on it, and sends the next request there',
    ['keep-alive/early-response-upstream-not-reused-owing-body'],
  ),
  defect(
    'parses-unread-body-as-next-request',
    'After an early response, parses the request body it did not read as the next request (CL.0 smuggling [B48])',
    [
      'keep-alive/early-response-body-not-parsed-as-request',
      'keep-alive/refusal-body-not-parsed-as-request',
    ],
  ),
  defect(
    'no-upstream-keep-alive',
    "One upstream connection per request, never reused (nginx's default proxy_http_version 1.0 without keepalive)",
    ['keep-alive/reuses-upstream-connections'],
  ),
]
