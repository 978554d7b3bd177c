// Seeded defects the hop-by-hop suite must catch: each is the reference
// proxy with one bug (harness/reference/proxy/defects.ts says where the hook lives).
import type { Role } from '../../harness/engine/model/roles.js'
import { relayMergingTrailers } from './parts/relay-merging-trailers.js'
import { proxyDefect, type ProxyDefectEntry } from './reference-with.js'
import type { SeededDefect } from './types.js'
import { connectionOptions } from '../../harness/reference/proxy/hop-by-hop.js'
import { textLine } from '../../harness/reference/proxy/message-head.js'
import type { HeaderField } from '../../harness/wire/types.js'
import { hostAuthority, loopsUntilViaLimit } from './parts/transparent-loop.js'

const named = (field: HeaderField, name: string): boolean => field.name.toLowerCase() === name

/** A defect entry; `killedBy` names hop-by-hop case slugs. */
function defect(
  name: string,
  description: string,
  killedBy: readonly [string, ...string[]],
  roles?: readonly [Role, ...Role[]],
): ProxyDefectEntry {
  const [first, ...rest] = killedBy
  const ids: [string, ...string[]] = [`hop-by-hop/${first}`, ...rest.map((s) => `hop-by-hop/${s}`)]
  return proxyDefect(name, description, ids, roles)
}

export const hopByHopDefects: readonly SeededDefect[] = [
  defect(
    'forwards-connection-listed-fields',
    'Removes Connection and the fixed hop-by-hop set but forwards the fields Connection names (both directions)',
    [
      'drops-connection-listed-request-fields',
      'drops-connection-listed-response-fields',
      'parses-connection-as-a-list',
      'connection-cannot-strip-via',
    ],
  ).replacing((reference) => ({
    // The bug of many a hand-written proxy [B1] [B5]: Connection itself goes, its list is never read.
    keptFields: (head) =>
      reference.keptFields({
        ...head,
        headers: head.headers.filter((f) => !named(f, 'connection')),
      }),
  })),
  defect(
    'forwards-keep-alive',
    'Keep-Alive and Proxy-Connection are removed only when Connection names them (both directions)',
    ['drops-unlisted-hop-by-hop-request-fields', 'drops-unlisted-hop-by-hop-response-fields'],
  ).replacing((reference) => ({
    // The node-http-proxy #1488 class [B2].
    keptFields: (head) => {
      const kept = reference.keptFields(head)
      const listed = connectionOptions(head.headers)
      return head.headers.filter(
        (f) =>
          kept.includes(f) ||
          (/^(keep-alive|proxy-connection)$/i.test(f.name) && !listed.has(f.name.toLowerCase())),
      )
    },
  })),
  defect(
    'forwards-response-upgrade',
    'Relays the Upgrade of a non-101 response although Connection does not name it',
    ['drops-unlisted-hop-by-hop-response-fields'],
  ).replacing((reference) => ({
    // RFC 9110 §7.6.1: Upgrade SHOULD be removed even when Connection does not name it.
    keptFields: (head) => {
      const kept = reference.keptFields(head)
      if (head.kind !== 'response') return kept
      return head.headers.filter((f) => kept.includes(f) || named(f, 'upgrade'))
    },
  })),
  defect(
    'forwards-te',
    'Keeps the client TE ("for gRPC") without sending the TE connection option',
    ['drops-unlisted-hop-by-hop-request-fields', 'te-is-not-forwarded-without-connection-te'],
  ).replacing((reference) => ({
    // A gRPC-minded proxy "keeps TE: trailers" without adding `Connection: TE`.
    keptFields: (head) => {
      const kept = reference.keptFields(head)
      return head.headers.filter((f) => kept.includes(f) || named(f, 'te'))
    },
  })),
  defect(
    'connection-strips-via',
    'Adds Via before applying the client Connection list, so Connection: Via removes it (CVE-2022-31813 ordering)',
    ['connection-cannot-strip-via'],
  ).replacing((reference) => ({
    // Apache mod_proxy's CVE-2022-31813 ordering [B3]: Via added before the Connection list is applied.
    ownVia: (head, viaName) =>
      connectionOptions(head.headers).has('via') ? [] : reference.ownVia(head, viaName),
  })),
  defect(
    'copies-target-after-authority',
    'Forwards what follows the authority of an absolute-form target as the request-target, so an empty path goes out empty ("GET ?q=1")',
    ['sends-slash-for-an-empty-path'],
    ['forward'],
  ).replacing((reference) => ({
    upstreamTarget: (head, target) => {
      const rest = /^http:\/\/[^/?#]*(.*)$/i.exec(head.target)?.[1]
      return rest === undefined ? reference.upstreamTarget(head, target) : rest
    },
  })),
  defect('drops-via', 'Never appends its Via member, in either direction', [
    'appends-via-to-requests',
    'appends-via-to-responses',
    'gateway-appends-via-to-responses',
  ]).replacing(() => ({ ownVia: () => [] })), // [B24]
  defect(
    'ignores-max-forwards',
    'Forwards OPTIONS and TRACE with Max-Forwards untouched, 0 included',
    ['answers-max-forwards-zero-itself', 'decrements-max-forwards'],
  ).replacing(() => ({
    // As nginx and HAProxy are reported to do [B23].
    receivedMaxForwards: () => undefined,
  })),
  defect(
    'max-forwards-overflows',
    'Reads Max-Forwards into a 32-bit int, so 4294967296 wraps to 0 and is answered locally',
    ['decrements-max-forwards'],
  ).replacing((reference) => ({
    // Like atoi(): large numerals wrap (to 0 or below: answered here, never forwarded).
    receivedMaxForwards: (head) => {
      const value = reference.receivedMaxForwards(head)
      return value === undefined ? undefined : BigInt.asIntN(32, value)
    },
  })),
  defect(
    'merges-trailers',
    'Buffers a chunked response and sends it with Content-Length, the trailers moved into the header section',
    ['never-merges-trailers-into-headers'],
  ).replacing((reference) => ({
    relayFinalResponse: (input, head, upstream) =>
      upstream === 'chunked'
        ? relayMergingTrailers(input, head)
        : reference.relayFinalResponse(input, head, upstream),
  })),
  // RFC 9110 §11.6, §5.1, §5.3 and §15.2's forwarding MUST bind a proxy; in the
  // reverse role those cases report INFO, so these defects are killed in the forward role.
  defect(
    'drops-authorization',
    'Consumes Authorization as if it were Proxy-Authorization',
    ['forwards-authorization-unchanged'],
    ['forward'],
  ).replacing((reference) => ({
    // RFC 9110 §11.6.2 forbids modifying Authorization.
    keptFields: (head) => reference.keptFields(head).filter((f) => !named(f, 'authorization')),
  })),
  defect(
    'keeps-last-duplicate-field',
    'Keeps header fields in a map: of several lines with one name only the last survives',
    [
      'forwards-unknown-request-fields-in-order',
      'keeps-response-field-lines-and-set-cookie',
      'forwards-www-authenticate-unchanged',
    ],
    ['forward'],
  ).replacing((reference) => ({
    // RFC 9110 §5.3: every line is kept; a map by name keeps the last.
    keptFields: (head) => {
      const kept = reference.keptFields(head)
      return kept.filter(
        (f, i) => !kept.slice(i + 1).some((later) => named(later, f.name.toLowerCase())),
      )
    },
  })),
  defect(
    'joins-set-cookie',
    'Joins repeated response fields into one comma-separated line, Set-Cookie and WWW-Authenticate included',
    ['keeps-response-field-lines-and-set-cookie', 'forwards-www-authenticate-unchanged'],
    ['forward'],
  ).replacing((reference) => ({
    // As a Fetch Headers object does: the first line carries every value, the others are folded in
    // (RFC 9110 §5.3 forbids it for Set-Cookie).
    responseFieldLine: (field, kept) => {
      const same = kept.filter((f) => named(f, field.name.toLowerCase()))
      if (same[0] !== field) return undefined
      if (same.length === 1) return reference.responseFieldLine(field, kept)
      return textLine(`${field.name}: ${same.map((f) => f.value).join(', ')}`)
    },
  })),
  defect('copies-http-version', 'Copies the received HTTP version into the start lines it writes', [
    'writes-own-version-in-request-line',
    'writes-own-version-in-status-line',
  ]).replacing(() => ({
    requestVersion: (head) => head.version,
    responseVersion: (head) => head.version,
  })),
  defect(
    'echoes-http10-client-version',
    'Answers an HTTP/1.0 client with HTTP/1.0 in the status line (the client’s version echoed), not its own HTTP/1.1',
    ['answers-http10-client-with-own-version'],
  ).replacing((reference) => ({
    // RFC 9110 §6.2: a server sends its own version, whatever the client's.
    responseVersion: (head, clientMinor) =>
      clientMinor === 0 ? 'HTTP/1.0' : reference.responseVersion(head, clientMinor),
  })),
  defect(
    'keeps-received-host',
    'Forwards the client Host of an absolute-form request instead of rebuilding it',
    ['rebuilds-host-from-absolute-form'],
    ['forward'],
  ).replacing((reference) => ({
    // RFC 9112 §3.2.2: the Host of an absolute-form request is rebuilt from its target.
    upstreamHost: (head, host) => reference.upstreamHost(head, { ...host, mode: 'keep' }),
  })),
  defect(
    'forwards-absolute-form',
    'Sends the absolute-form request-target on to the origin',
    ['rebuilds-host-from-absolute-form'],
    ['forward'],
  ).replacing((reference) => ({
    // RFC 9112 §3.2.2 wants origin-form toward the origin.
    upstreamTarget: (head, target) =>
      /^http:\/\//i.test(head.target) ? head.target : reference.upstreamTarget(head, target),
  })),
  defect(
    'skips-host-validation',
    'Never checks Host: missing, repeated and malformed values are forwarded',
    ['rejects-missing-repeated-or-invalid-host'],
    ['reverse'],
  ).replacing(() => ({ hostProblem: () => undefined })), // HOP-14
  defect(
    'forwards-received-host-unchecked',
    'Forwards an absolute-form request with the Host lines it received, unchecked (none, two, a list…)',
    ['absolute-form-ignores-received-host'],
    ['forward'],
  ).replacing((reference) => ({
    // RFC 9112 §3.2.2: Host is not checked for absolute-form, and every received line goes on.
    hostProblem: (head) =>
      /^http:\/\//i.test(head.target) ? undefined : reference.hostProblem(head),
    upstreamHost: (head) => ({ kept: head.headers.filter((f) => named(f, 'host')) }),
  })),
  defect(
    'normalises-path',
    'Runs the request-target through a URL parser, resolving %2e%2e dot-segments',
    ['forwards-path-and-query-byte-for-byte'],
  ).replacing((reference) => ({
    // RFC 9110 §7.7 forbids rewriting the target; a URL parser resolves dot-segments, %2e%2e included.
    upstreamTarget: (head, target) => {
      if (!target.startsWith('/')) return reference.upstreamTarget(head, target)
      const url = new URL(target, 'http://normalised.invalid')
      return `${url.pathname}${url.search}`
    },
  })),
  defect(
    'options-star-as-slash',
    'Sends a server-wide OPTIONS on as OPTIONS / instead of OPTIONS *',
    ['forwards-server-wide-options-as-asterisk', 'gateway-forwards-options-asterisk'],
  ).replacing((reference) => ({
    // RFC 9112 §3.2.4: a server-wide OPTIONS keeps its "*".
    upstreamTarget: (head, target) =>
      target === '*' ? '/' : reference.upstreamTarget(head, target),
  })),
  defect('omits-date', 'Relays Date as it came: missing, or invalid', [
    'adds-date-when-missing',
    'replaces-invalid-date',
  ]).replacing(() => ({ suppliedDate: () => undefined })), // RFC 9110 §6.6.1
  defect(
    'drops-interim-responses',
    'Swallows every 1xx from the upstream, 100 (Continue) and 103 (Early Hints) included',
    ['forwards-interim-responses', 'forwards-expect-continue-without-the-body'],
    ['forward'],
  ).replacing(() => ({ forwardsInterim: () => false })), // Envoy #25881 with 103 [B25]
  defect('interim-to-http10', 'Forwards 1xx responses to HTTP/1.0 clients too', [
    'no-interim-responses-to-http10',
  ]).replacing(() => ({ forwardsInterim: () => true })), // RFC 9110 §15.2: never to HTTP/1.0

  defect(
    'waits-for-request-body',
    'Reads the whole request body before forwarding anything, Expect: 100-continue or not',
    ['forwards-expect-continue-without-the-body', 'relays-early-final-response-to-expect-continue'],
  ).replacing(() => ({
    // The whole body is read before anything goes upstream, so a client waiting for
    // 100 (Continue) and the proxy wait for each other (HOP-18).
    streamsRequestBody: () => false,
  })),
  defect(
    'loops-through-itself',
    'Does not recognise its own address: a request for itself goes round until 8 Via members',
    ['does-not-forward-to-itself'],
    ['forward'],
  ).replacing(() => ({
    forwardsLooping: loopsUntilViaLimit,
    originFormAuthority: hostAuthority,
  })),
]
