// Seeded defects the keep-alive suite must catch: the reference with one
// persistence bug, a step of the persistence stage replaced
// (harness/reference/proxy/steps/persistence.ts).
import { ONE_BYTE_PLAN, throughFaultRelay } from '../../harness/engine/target/fault-target.js'
import { requestFraming } from '../../harness/reference/proxy/framing.js'
import { connectionOptions } from '../../harness/reference/proxy/hop-by-hop.js'
import { minorVersion } from '../../harness/reference/proxy/persistence.js'
import { simpleResponse } from '../../harness/reference/proxy/simple-response.js'
import { writeAll } from '../../harness/reference/proxy/socket-io.js'
import type { RequestHead } from '../../harness/wire/types.js'
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

/** The head as a bodiless request ("Content-Length: 0" dropped), or undefined if it has a body. */
function withoutEmptyLength(head: RequestHead): RequestHead | undefined {
  const framing = requestFraming(head)
  if (framing === 'chunked') return undefined
  const lengths = head.headers.filter((f) => f.name.toLowerCase() === 'content-length')
  if (framing === 'content-length' && !lengths.every((f) => f.value.trim() === '0'))
    return undefined
  return { ...head, headers: head.headers.filter((f) => f.name.toLowerCase() !== 'content-length') }
}

export const keepAliveDefects: readonly SeededDefect[] = [
  oneRead,
  defect(
    'closes-every-client-connection',
    'Closes the client connection after every response, HTTP/1.1 included (an HTTP/1.0-era server)',
    ['keep-alive/persists-http11-client-connections'],
  ).replacing(() => ({
    // An HTTP/1.0-era server: closes after every response (KA-01).
    clientMayPersist: () => false,
  })),
  defect(
    'forwards-client-close-inbound',
    "Copies the client's Connection: close to the origin, yet pools that upstream connection",
    ['keep-alive/client-close-not-forwarded-inbound'],
  ).replacing(() => ({
    inboundPersistenceLines: (head) =>
      connectionOptions(head.headers).has('close') ? ['Connection: close'] : [],
  })),
  defect(
    'advertises-origin-close-but-persists',
    "Passes the origin's Connection: close to the client and keeps the client connection open anyway",
    ['keep-alive/origin-close-is-per-hop'],
  ).replacing((reference) => ({
    // The origin's close copied to the client, the connection kept anyway (KA-02).
    finalResponseClose: (framing, mustClose, head) => {
      const close = reference.finalResponseClose(framing, mustClose, head)
      return {
        ...close,
        saysClose: close.saysClose || connectionOptions(head.headers).has('close'),
      }
    },
  })),
  defect(
    'ignores-client-close',
    'Never looks at the close option: keeps the connection and serves the pipelined request after it',
    ['keep-alive/closes-after-connection-close'],
  ).replacing(() => ({
    // The close option is never looked at (KA-03).
    clientMayPersist: (head) => minorVersion(head.version) === 1,
  })),
  defect(
    'lingers-after-own-close',
    'Answers 400 with Connection: close, then waits for the next request instead of closing',
    ['keep-alive/closes-after-its-own-close'],
  ).replacing((reference) => ({
    // Says close, then waits for the next request (KA-03).
    answerRefusal: async (client, refusal, head) => {
      if (requestFraming(head) !== 'none') return reference.answerRefusal(client, refusal, head)
      await client.reader.next()
      await writeAll(client.socket, simpleResponse({ ...refusal, close: true }))
      return 'persist'
    },
  })),
  defect(
    'omits-close-on-final-response',
    'Closes after a request that said close, without marking the response Connection: close',
    ['keep-alive/marks-response-to-close-request'],
  ).replacing((reference) => ({
    // Closes without saying so (KA-03).
    finalResponseClose: (framing, mustClose, head) => ({
      ...reference.finalResponseClose(framing, mustClose, head),
      saysClose: false,
    }),
  })),
  defect(
    'reuses-upstream-after-close',
    "Ignores the origin's Connection: close and sends the next request on that connection",
    ['keep-alive/no-reuse-after-upstream-close'],
  ).replacing(() => ({
    // The origin's close is ignored and the connection pooled (KA-04).
    upstreamMayPersist: (head, closeDelimited) =>
      !closeDelimited &&
      (minorVersion(head.version) === 1 || connectionOptions(head.headers).has('keep-alive')),
  })),
  defect(
    'persists-with-http10-client',
    'Honours an HTTP/1.0 client keep-alive as if it were the origin (the row Squid argued about [B26])',
    ['keep-alive/no-persistence-with-http10-client', 'keep-alive/http10-keep-alive-at-a-gateway'],
    ['forward', 'reverse'],
  ).replacing((reference) => ({
    // The 1.0 keep-alive extension honoured as if the proxy were an origin (KA-05).
    clientMayPersist: (head) =>
      connectionOptions(head.headers).has('keep-alive') || reference.clientMayPersist(head),
  })),
  defect(
    'forwards-keep-alive-from-http10-client',
    "Passes an HTTP/1.0 client's Connection: keep-alive and Keep-Alive to the origin (the dumb proxy of HTTP: The Definitive Guide ch. 4)",
    ['keep-alive/no-dumb-proxy-keep-alive-hang'],
  ).replacing(() => ({
    inboundPersistenceLines: (head) => {
      if (minorVersion(head.version) !== 0 || !connectionOptions(head.headers).has('keep-alive'))
        return []
      const keepAlive = head.headers.filter((f) => f.name.toLowerCase() === 'keep-alive')
      return ['Connection: keep-alive', ...keepAlive.map((f) => `Keep-Alive: ${f.value}`)]
    },
  })),
  defect(
    'chunks-to-http10-clients',
    'Re-frames chunked and close-delimited responses as chunked for every client, HTTP/1.0 included',
    [
      'keep-alive/close-delimited-response-to-http10-client',
      'keep-alive/chunked-response-to-http10-client',
    ],
  ).replacing((reference) => ({
    // Framed as for an HTTP/1.1 client whatever the client's version (KA-07).
    responseFramingForClient: (upstream, _clientMinor, method) =>
      reference.responseFramingForClient(upstream, 1, method),
  })),
  defect(
    'keeps-client-open-after-close-delimited-body',
    'Relays a close-delimited body to an HTTP/1.1 client as it came and keeps the connection open: the body never ends',
    ['keep-alive/close-delimited-response-to-http11-client'],
  ).replacing((reference) => ({
    // A close-delimited body passed on as it came, the connection kept.
    responseFramingForClient: (upstream, clientMinor, method) =>
      upstream === 'close-delimited'
        ? upstream
        : reference.responseFramingForClient(upstream, clientMinor, method),
    finalResponseClose: (_framing, mustClose) => ({ closes: mustClose, saysClose: mustClose }),
  })),
  defect(
    'chunks-to-known-http10-upstream',
    'Sends a chunked request to an upstream that just answered in HTTP/1.0',
    ['keep-alive/no-chunked-request-to-http10-upstream'],
  ).replacing(() => ({
    // The HTTP/1.0 upstream check is missing (KA-08).
    mayChunkRequest: () => true,
  })),
  defect(
    'completes-truncated-responses',
    'Does not notice an upstream response cut short: adds the last chunk, or keeps the client connection as if complete',
    [
      'keep-alive/short-content-length-response-not-completed',
      'keep-alive/unterminated-chunked-response-not-completed',
    ],
  ).replacing(() => ({
    // A cut is taken for the end (KA-09).
    upstreamResponseEnd: (event) => ({
      complete: true,
      trailers: event.type === 'message' ? event.message.trailers : [],
    }),
  })),
  defect(
    'reorders-pipelined-responses',
    'Handles pipelined GETs in parallel and writes each response as soon as it is ready',
    ['keep-alive/pipelined-responses-in-order'],
  ).replacing(() => ({
    // Pipelined GETs handled in parallel, each answered when it completes (RFC 9112 §9.3.2, KA-10).
    handledInParallel: (head) =>
      head.method === 'GET' && requestFraming(head) === 'none' ? head : undefined,
  })),
  defect(
    'continues-pipeline-after-failed-post',
    'Pipelines: forwards each bodiless pipelined request (a POST with Content-Length: 0 too) without waiting for the one before; after the upstream drops the POST, answers 502 and keeps the connection open',
    ['keep-alive/pipeline-ends-after-failed-post'],
  ).replacing(() => ({
    // A pipelining intermediary: every bodiless request (Content-Length: 0 taken as none) goes
    // upstream without waiting for the one before; a failed POST gets a 502 and the connection
    // stays open (KA-10).
    handledInParallel: withoutEmptyLength,
    failureEndsPipeline: () => false,
  })),
  defect(
    'retries-non-idempotent-requests',
    'Retries any request once on a fresh connection when the upstream fails before answering, POST included [B29]',
    ['keep-alive/no-retry-of-post-with-body', 'keep-alive/no-retry-of-post-without-body'],
  ).replacing(() => ({
    // Any failed request retried once on a fresh connection (the POST-twice bug of [B29], KA-11).
    mayRetry: () => true,
  })),
  defect(
    'retries-post-on-reused-connection',
    'Retries any request, POST included, once on a fresh connection when a reused pooled upstream connection fails before answering (like many pools do)',
    ['keep-alive/no-retry-of-post-with-body', 'keep-alive/no-retry-of-post-without-body'],
  ).replacing(() => ({
    // The stale-connection retry of many pools, any method (KA-11).
    mayRetry: (_method, reused) => reused,
  })),
  defect(
    'pools-upstream-owing-request-body',
    'Pools the upstream connection after an early response while request-body bytes are still owed on it, and sends the next request there',
    ['keep-alive/early-response-upstream-not-reused-owing-body'],
  ).replacing((reference) => ({
    // Pooled after an early response although the request body is still owed on it; the
    // next request becomes that body (KA-12).
    mayReuseUpstream: (body) => body === 'running' || reference.mayReuseUpstream(body),
  })),
  defect(
    'parses-unread-body-as-next-request',
    'After an early response, parses the request body it did not read as the next request (CL.0 smuggling [B48])',
    [
      'keep-alive/early-response-body-not-parsed-as-request',
      'keep-alive/refusal-body-not-parsed-as-request',
    ],
  ).replacing(() => ({
    // After an early response, the bytes of the unread body are parsed as the next request
    // (CL.0 smuggling, KA-12).
    readsOnAfterClose: (head) => requestFraming(head) !== 'none',
  })),
  defect(
    'no-upstream-keep-alive',
    "One upstream connection per request, never reused (nginx's default proxy_http_version 1.0 without keepalive)",
    ['keep-alive/reuses-upstream-connections'],
  ).replacing(() => ({
    // nginx's default proxy_http_version 1.0 without a keepalive pool (KA-14).
    upstreamMayPersist: () => false,
  })),
]
