// Seeded defects of the reference h2 front (harness/reference/h2-front) that
// the h2 suite must catch: one replaced step each (parts/h2-defect.ts).
// These are the pseudo-header and translation bugs (H2-04, H2-05, H2-07,
// H2-09, H2-10): each wraps the reference step it replaces and changes one
// decision, the way one hand-written check of a real gateway goes wrong.
import type { H2Field, RequestPseudo } from '../../harness/reference/h2-front/types.js'
import { h2Defect } from './parts/h2-defect.js'
import type { SeededDefect } from './types.js'

/** `fields` with the value of pseudo-header `name` replaced by `value` (when present). */
const withPseudo = (fields: readonly H2Field[], name: string, value: string): H2Field[] =>
  fields.map((f) => (f.name === name ? { ...f, value } : f))

/** Only the regular fields: value checks that forget the pseudo-header fields. */
const regularOnly = (fields: readonly H2Field[]): H2Field[] =>
  fields.filter((f) => !f.name.startsWith(':'))

const PSEUDO = new Set([':method', ':scheme', ':authority', ':path', ':protocol'])

export const h2PseudoDefects: readonly SeededDefect[] = [
  // H2-04: values joined into the request line without validation.
  h2Defect(
    'h2-method-joined-unvalidated',
    'validates only regular field values and never checks that :method is a token, then writes it into the request line as is (the request-line injection class, B61)',
    ['h2/method-validated-before-request-line'],
  ).replacing((reference) => ({
    validateFieldValues: (fields) => reference.validateFieldValues(regularOnly(fields)),
    validatePseudoHeaders: (fields, options) =>
      reference.validatePseudoHeaders(withPseudo(fields, ':method', 'GET'), options),
  })),
  h2Defect(
    'h2-path-joined-unvalidated',
    'validates only regular field values and takes :path as the request-target as is: CRLF, SP, "#" or a missing "/" go into the request line (B62)',
    ['h2/path-validated-before-request-line'],
  ).replacing((reference) => ({
    validateFieldValues: (fields) => reference.validateFieldValues(regularOnly(fields)),
    validatePseudoHeaders: (fields, options) =>
      reference.validatePseudoHeaders(withPseudo(fields, ':path', '/'), options),
  })),
  h2Defect(
    'h2-authority-parsed-as-url',
    'checks :authority only for control octets, then builds the target by parsing scheme://authority + path as one URL: userinfo is accepted (and dropped), and a "/" in :authority moves into the path, so /admin is reached through :authority (B63)',
    ['h2/authority-validated-before-host'],
  ).replacing((reference) => {
    const asUrl = (pseudo: RequestPseudo): URL | undefined => {
      try {
        return new URL(
          `${pseudo.scheme ?? 'http'}://${pseudo.authority ?? ''}${pseudo.path ?? '/'}`,
        )
      } catch {
        return undefined
      }
    }
    return {
      validatePseudoHeaders: (fields, options) =>
        reference.validatePseudoHeaders(withPseudo(fields, ':authority', 'localhost'), options),
      hostFromAuthority: (head) => {
        if (head.pseudo.authority === undefined) return reference.hostFromAuthority(head)
        const url = asUrl(head.pseudo)
        return url === undefined ? { problem: 'not a URL' } : { host: url.host }
      },
      buildRequestHead: (request) => {
        const url =
          request.head.pseudo.authority === undefined ? undefined : asUrl(request.head.pseudo)
        if (url === undefined || request.head.pseudo.path === '*')
          return reference.buildRequestHead(request)
        const pseudo = {
          ...request.head.pseudo,
          authority: url.host,
          path: `${url.pathname}${url.search}`,
        }
        return reference.buildRequestHead({ ...request, head: { ...request.head, pseudo } })
      },
    }
  }),
  h2Defect(
    'h2-scheme-unvalidated',
    "never validates :scheme (neither its grammar nor its octets): a URL or CRLF as :scheme is accepted and the request forwarded (a gateway: in forward mode the reference's HTTP/1.1 hop refuses the absolute URI it makes)",
    ['h2/scheme-validated'],
    ['reverse'],
  ).replacing((reference) => ({
    validateFieldValues: (fields) => reference.validateFieldValues(regularOnly(fields)),
    validatePseudoHeaders: (fields, options) =>
      reference.validatePseudoHeaders(withPseudo(fields, ':scheme', 'http'), options),
  })),

  // H2-07: structurally malformed blocks accepted.
  h2Defect(
    'h2-duplicate-pseudo-first-wins',
    'accepts a repeated pseudo-header field and uses one of the values (the first), while another component may read the other (CVE-2023-25725 shape, B71)',
    ['h2/repeated-pseudo-header-rejected'],
  ).replacing((reference) => ({
    validatePseudoHeaders: (fields, options) => {
      const seen = new Set<string>()
      const firsts = fields.filter((f) => {
        if (!f.name.startsWith(':')) return true
        if (seen.has(f.name)) return false
        seen.add(f.name)
        return true
      })
      return reference.validatePseudoHeaders(firsts, options)
    },
  })),
  h2Defect(
    'h2-pseudo-after-regular-accepted',
    'accepts a pseudo-header field after a regular field (it collects pseudo-header fields wherever they stand)',
    ['h2/misplaced-or-unknown-pseudo-header-rejected'],
  ).replacing((reference) => ({
    validatePseudoHeaders: (fields, options) =>
      reference.validatePseudoHeaders(
        [...fields.filter((f) => f.name.startsWith(':')), ...regularOnly(fields)],
        options,
      ),
  })),
  h2Defect(
    'h2-unknown-pseudo-ignored',
    'ignores pseudo-header fields it does not know (:foo, and :status in a request) instead of treating the request as malformed',
    ['h2/misplaced-or-unknown-pseudo-header-rejected'],
  ).replacing((reference) => ({
    validatePseudoHeaders: (fields, options) =>
      reference.validatePseudoHeaders(
        fields.filter((f) => !f.name.startsWith(':') || PSEUDO.has(f.name)),
        options,
      ),
  })),
  h2Defect(
    'h2-missing-scheme-defaulted',
    'fills in a missing :scheme as "http" instead of treating the request as malformed',
    ['h2/missing-or-empty-pseudo-header-rejected'],
  ).replacing((reference) => ({
    validatePseudoHeaders: (fields, options) =>
      reference.validatePseudoHeaders(
        fields.some((f) => f.name === ':scheme')
          ? fields
          : [{ name: ':scheme', value: 'http' }, ...fields],
        options,
      ),
  })),
  h2Defect(
    'h2-empty-path-as-slash',
    'reads an empty :path as "/" and forwards the request instead of treating it as malformed',
    ['h2/missing-or-empty-pseudo-header-rejected'],
  ).replacing((reference) => ({
    validatePseudoHeaders: (fields, options) =>
      reference.validatePseudoHeaders(
        fields.map((f) => (f.name === ':path' && f.value === '' ? { ...f, value: '/' } : f)),
        options,
      ),
    buildRequestHead: (request) =>
      reference.buildRequestHead(
        request.head.pseudo.path === ''
          ? { ...request, head: { ...request.head, pseudo: { ...request.head.pseudo, path: '/' } } }
          : request,
      ),
  })),
  h2Defect(
    'h2-uppercase-names-accepted',
    'compares field names case-insensitively, so an uppercase name (Content-Length, X-Token) is accepted and forwarded as written (B72)',
    ['h2/malformed-field-name-rejected'],
  ).replacing((reference) => ({
    validateFieldNames: (fields) =>
      reference.validateFieldNames(fields.map((f) => ({ ...f, name: f.name.toLowerCase() }))),
  })),
  h2Defect(
    'h2-empty-name-dropped',
    'skips fields with an empty name: not refused, just left out of the HTTP/1.1 request',
    ['h2/malformed-field-name-rejected'],
  ).replacing((reference) => ({
    validateFieldNames: (fields) =>
      reference.validateFieldNames(fields.filter((f) => f.name !== '')),
    buildRequestHead: (request) =>
      reference.buildRequestHead({
        ...request,
        head: { ...request.head, fields: request.head.fields.filter((f) => f.name !== '') },
      }),
  })),
  h2Defect(
    'h2-second-headers-accepted',
    'takes a HEADERS frame without END_STREAM after the opening one as trailers and forwards the request',
    ['h2/second-headers-without-end-stream-rejected'],
  ).replacing((reference) => ({
    validateTrailers: (fields) => reference.validateTrailers(fields, true),
  })),

  // H2-05: Host from a host field.
  h2Defect(
    'h2-host-field-over-authority',
    "writes Host from the client's host field when there is one, :authority only otherwise (B66)",
    ['h2/host-from-authority'],
    ['reverse'],
  ).replacing(() => ({
    hostFromAuthority: (head) => {
      const host = head.fields.find((f) => f.name === 'host')?.value
      return { host: host ?? head.pseudo.authority ?? '' }
    },
  })),
  h2Defect(
    'h2-two-host-lines',
    'accepts any host field next to :authority and forwards it as well as the Host it built: two Host lines on the HTTP/1.1 hop',
    ['h2/host-from-authority'],
    ['reverse'],
  ).replacing((reference) => ({
    hostFromAuthority: (head) =>
      head.pseudo.authority === undefined
        ? reference.hostFromAuthority(head)
        : { host: head.pseudo.authority },
    buildRequestHead: (request) => {
      const built = reference.buildRequestHead(request).toString('latin1')
      const extra = request.head.fields
        .filter((f) => f.name === 'host')
        .map((f) => `host: ${f.value}\r\n`)
        .join('')
      return Buffer.from(built.replace(/\r\n\r\n$/, `\r\n${extra}\r\n`), 'latin1')
    },
  })),

  // H2-09: framing of the HTTP/1.1 message.
  h2Defect(
    'h2-headers-ended-request-chunked',
    'streams every request body chunked, even for a request that ended on its HEADERS frame (Transfer-Encoding: chunked and an empty last chunk on a GET)',
    ['h2/one-well-formed-h1-message'],
  ).replacing((reference) => ({
    buildRequestHead: (request) =>
      request.framing.kind !== 'none'
        ? reference.buildRequestHead(request)
        : Buffer.concat([
            reference.buildRequestHead({ ...request, framing: { kind: 'chunked' } }),
            Buffer.from('0\r\n\r\n', 'latin1'),
          ]),
  })),
  h2Defect(
    'h2-chunked-and-content-length',
    "announces Transfer-Encoding: chunked next to the client's Content-Length (two framings on one message)",
    ['h2/one-well-formed-h1-message'],
  ).replacing((reference) => ({
    buildRequestHead: (request) => {
      const built = reference.buildRequestHead(request).toString('latin1')
      return request.framing.kind !== 'content-length'
        ? Buffer.from(built, 'latin1')
        : Buffer.from(
            built.replace(/\r\n\r\n$/, '\r\nTransfer-Encoding: chunked\r\n\r\n'),
            'latin1',
          )
    },
  })),

  // H2-10: cookie crumbs.
  h2Defect(
    'h2-cookies-comma-joined',
    'joins cookie crumbs with ", " as for any other repeated field (B75)',
    ['h2/cookie-crumbs-joined'],
  ).replacing(() => ({
    joinCookies: (fields) => {
      const crumbs = fields.filter((f) => f.name === 'cookie').map((f) => f.value)
      if (crumbs.length < 2) return [...fields]
      const rest = fields.filter((f) => f.name !== 'cookie')
      return [{ name: 'cookie', value: crumbs.join(', ') }, ...rest]
    },
  })),
  h2Defect('h2-cookies-separate-lines', 'passes each cookie crumb on as its own Cookie line', [
    'h2/cookie-crumbs-joined',
  ]).replacing(() => ({
    joinCookies: (fields) => [...fields],
  })),
]
