// Seeded defects the hop-by-hop suite must catch: each is the reference
// proxy with one bug (harness/reference/proxy/defects.ts says where the hook lives).
import type { Role } from '../../harness/engine/model/roles.js'
import type { ProxyDefect } from '../../harness/reference/proxy/defects.js'
import { relayMergingTrailers } from './parts/relay-merging-trailers.js'
import { proxyDefect, type ProxyDefectEntry } from './reference-with.js'
import type { SeededDefect } from './types.js'

/** A defect entry; `killedBy` names hop-by-hop case slugs. */
function defect(
  name: ProxyDefect,
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
  ),
  defect(
    'forwards-keep-alive',
    'Keep-Alive and Proxy-Connection are removed only when Connection names them (both directions)',
    ['drops-unlisted-hop-by-hop-request-fields', 'drops-unlisted-hop-by-hop-response-fields'],
  ),
  defect(
    'forwards-response-upgrade',
    'Relays the Upgrade of a non-101 response although Connection does not name it',
    ['drops-unlisted-hop-by-hop-response-fields'],
  ),
  defect(
    'forwards-te',
    'Keeps the client TE ("for gRPC") without sending the TE connection option',
    ['drops-unlisted-hop-by-hop-request-fields', 'te-is-not-forwarded-without-connection-te'],
  ),
  defect(
    'connection-strips-via',
    'Adds Via before applying the client Connection list, so Connection: Via removes it (CVE-2022-31813 ordering)',
    ['connection-cannot-strip-via'],
  ),
  defect('drops-via', 'Never appends its Via member, in either direction', [
    'appends-via-to-requests',
    'appends-via-to-responses',
    'gateway-appends-via-to-responses',
  ]),
  defect(
    'ignores-max-forwards',
    'Forwards OPTIONS and TRACE with Max-Forwards untouched, 0 included',
    ['answers-max-forwards-zero-itself', 'decrements-max-forwards'],
  ),
  defect(
    'max-forwards-overflows',
    'Reads Max-Forwards into a 32-bit int, so 4294967296 wraps to 0 and is answered locally',
    ['decrements-max-forwards'],
  ),
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
  ),
  defect(
    'keeps-last-duplicate-field',
    'Keeps header fields in a map: of several lines with one name only the last survives',
    [
      'forwards-unknown-request-fields-in-order',
      'keeps-response-field-lines-and-set-cookie',
      'forwards-www-authenticate-unchanged',
    ],
    ['forward'],
  ),
  defect(
    'joins-set-cookie',
    'Joins repeated response fields into one comma-separated line, Set-Cookie and WWW-Authenticate included',
    ['keeps-response-field-lines-and-set-cookie', 'forwards-www-authenticate-unchanged'],
    ['forward'],
  ),
  defect('copies-http-version', 'Copies the received HTTP version into the start lines it writes', [
    'writes-own-version-in-request-line',
    'writes-own-version-in-status-line',
  ]),
  defect(
    'echoes-http10-client-version',
    'Answers an HTTP/1.0 client with HTTP/1.0 in the status line (the client’s version echoed), not its own HTTP/1.1',
    ['answers-http10-client-with-own-version'],
  ),
  defect(
    'keeps-received-host',
    'Forwards the client Host of an absolute-form request instead of rebuilding it',
    ['rebuilds-host-from-absolute-form'],
    ['forward'],
  ),
  defect(
    'forwards-absolute-form',
    'Sends the absolute-form request-target on to the origin',
    ['rebuilds-host-from-absolute-form'],
    ['forward'],
  ),
  defect(
    'skips-host-validation',
    'Never checks Host: missing, repeated and malformed values are forwarded',
    ['rejects-missing-repeated-or-invalid-host'],
    ['reverse'],
  ),
  defect(
    'forwards-received-host-unchecked',
    'Forwards an absolute-form request with the Host lines it received, unchecked (none, two, a list…)',
    ['absolute-form-ignores-received-host'],
    ['forward'],
  ),
  defect(
    'normalises-path',
    'Runs the request-target through a URL parser, resolving %2e%2e dot-segments',
    ['forwards-path-and-query-byte-for-byte'],
  ),
  defect(
    'options-star-as-slash',
    'Sends a server-wide OPTIONS on as OPTIONS / instead of OPTIONS *',
    ['forwards-server-wide-options-as-asterisk', 'gateway-forwards-options-asterisk'],
  ),
  defect('omits-date', 'Relays Date as it came: missing, or invalid', [
    'adds-date-when-missing',
    'replaces-invalid-date',
  ]),
  defect(
    'drops-interim-responses',
    'Swallows every 1xx from the upstream, 100 (Continue) and 103 (Early Hints) included',
    ['forwards-interim-responses', 'forwards-expect-continue-without-the-body'],
    ['forward'],
  ),
  defect('interim-to-http10', 'Forwards 1xx responses to HTTP/1.0 clients too', [
    'no-interim-responses-to-http10',
  ]),
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
  ),
]
