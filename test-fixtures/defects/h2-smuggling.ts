// Seeded defects of the reference h2 front (harness/reference/h2-front) that
// the h2 suite must catch: one replaced step each (parts/h2-defect.ts).
// The downgrade-smuggling group: H2-01, H2-02, H2-03, H2-06, H2-08
// (suites/h2/request-body.cases.ts, suites/h2/request-fields.cases.ts).
import { h2Defect } from './parts/h2-defect.js'
import {
  framedByClientTransferEncoding,
  huffmanFree,
  literalName,
  trimmed,
  without,
} from './parts/h2-smuggling-fields.js'
import type { SeededDefect } from './types.js'

const TE_CASES = [
  'h2/transfer-encoding-rejected',
  'h2/transfer-encoding-static-index-rejected',
  'h2/transfer-encoding-huffman-rejected',
  'h2/transfer-encoding-dynamic-reference-rejected',
] as const

export const h2SmugglingDefects: readonly SeededDefect[] = [
  h2Defect(
    'forwards-h2-content-length-mismatch',
    'Never compares content-length with the DATA it receives: the HTTP/1.1 request carries the declared length and whatever DATA came, so the bytes past it are the next request on the hop (H2.CL; Netty before 4.1.60, B51; Varnish, B52).',
    [
      'h2/content-length-mismatch-not-forwarded',
      'h2/content-length-mismatch-indexed-name-not-forwarded',
    ],
  ).replacing(() => ({ checkContentLength: () => undefined })),

  h2Defect(
    'streams-h2-body-and-misses-short-content-length',
    'Forwards each request as soon as its HEADERS arrive and checks content-length only against an overrun: a body that ends short (END_STREAM on HEADERS, on short DATA or on trailers) leaves the upstream message waiting for bytes that never come (zttp before PR #92, B53; Tempesta #2122, B54).',
    [
      'h2/content-length-mismatch-not-forwarded',
      'h2/content-length-mismatch-indexed-name-not-forwarded',
    ],
  ).replacing((reference) => ({
    startForwarding: () => true,
    checkContentLength: (values, received) => reference.checkContentLength(values, received, false),
  })),

  h2Defect(
    'forwards-h2-transfer-encoding',
    'Does not count transfer-encoding as connection-specific and copies it into the HTTP/1.1 request, where it frames the body instead of the DATA length: a chunked body "0 CRLF CRLF" ends early and the rest is the next request (H2.TE, B55; Varnish #2247 sent both framings, B58).',
    [...TE_CASES],
  ).replacing((reference) => ({
    rejectConnectionSpecific: (fields) =>
      reference.rejectConnectionSpecific(without(fields, 'transfer-encoding')),
    buildRequestHead: framedByClientTransferEncoding(reference),
  })),

  h2Defect(
    'strips-h2-transfer-encoding-and-forwards',
    'Accepts and silently drops transfer-encoding, framing the body by its DATA: not exploitable, still a forwarded malformed request (nginx before 1.31.0, #612, B56).',
    [...TE_CASES],
  ).replacing((reference) => ({
    rejectConnectionSpecific: (fields) =>
      reference.rejectConnectionSpecific(without(fields, 'transfer-encoding')),
    buildRequestHead: (request) =>
      reference.buildRequestHead({
        ...request,
        head: { ...request.head, fields: without(request.head.fields, 'transfer-encoding') },
      }),
  })),

  h2Defect(
    'checks-h2-connection-fields-only-as-literal-names',
    'Looks for connection-specific fields only among literal names: transfer-encoding sent as HPACK static index 57, or as a dynamic-table reference, gets through and frames the HTTP/1.1 body (ASP.NET Core before PR #67584, B57).',
    [
      'h2/transfer-encoding-static-index-rejected',
      'h2/transfer-encoding-dynamic-reference-rejected',
    ],
  ).replacing((reference) => ({
    rejectConnectionSpecific: (fields) =>
      reference.rejectConnectionSpecific(fields.filter(literalName)),
    buildRequestHead: framedByClientTransferEncoding(reference),
  })),

  h2Defect(
    'validates-h2-fields-only-when-huffman-free',
    'Validates names and values in the raw-literal copy of its HPACK decoder only, so a Huffman-coded string skips every check: CR/LF reach the HTTP/1.1 hop, transfer-encoding is not seen and frames the body (the decoder-path class of h2o PR #2724, B59).',
    ['h2/transfer-encoding-huffman-rejected', 'h2/field-crlf-nul-huffman-rejected'],
  ).replacing((reference) => ({
    validateFieldNames: (fields) => reference.validateFieldNames(fields.filter(huffmanFree)),
    validateFieldValues: (fields) => reference.validateFieldValues(fields.filter(huffmanFree)),
    rejectConnectionSpecific: (fields) =>
      reference.rejectConnectionSpecific(fields.filter(huffmanFree)),
    buildRequestHead: framedByClientTransferEncoding(reference),
  })),

  h2Defect(
    'lets-crlf-through-h2-values',
    'Checks values for leading and trailing whitespace only, so CR, LF and NUL pass and the HTTP/1.1 writer turns them into new field lines or a new request (gori #517, B60; Bandit GHSA-x3gh-xhj4-3vq8).',
    [
      'h2/field-crlf-nul-rejected',
      'h2/field-crlf-nul-indexed-name-rejected',
      'h2/field-crlf-nul-huffman-rejected',
      'h2/field-crlf-nul-dynamic-reference-rejected',
    ],
  ).replacing(() => ({
    validateFieldValues: (fields) => {
      const bad = fields.find((f) => /^[ \t]|[ \t]$/.test(f.value))
      return bad === undefined
        ? undefined
        : `the value of ${bad.name} starts or ends with whitespace`
    },
  })),

  h2Defect(
    'validates-h2-fields-only-under-literal-names',
    'Loses its "invalid" flag when a field reuses a table entry: a value under a static-table name, or a whole field from the dynamic table, is never checked (h2o PR #2724, B59).',
    ['h2/field-crlf-nul-indexed-name-rejected', 'h2/field-crlf-nul-dynamic-reference-rejected'],
  ).replacing((reference) => ({
    validateFieldNames: (fields) => reference.validateFieldNames(fields.filter(literalName)),
    validateFieldValues: (fields) => reference.validateFieldValues(fields.filter(literalName)),
  })),

  h2Defect(
    'forwards-h2-connection-fields',
    'Treats only transfer-encoding and TE as connection-specific and copies Connection, Keep-Alive, Proxy-Connection and Upgrade onto the HTTP/1.1 hop: an h2 GET with upgrade: websocket becomes an HTTP/1.1 Upgrade request (Bandit PR #632, B70; the tunnel-bypass shape of UPG-04).',
    ['h2/connection-specific-fields-rejected'],
  ).replacing((reference) => ({
    rejectConnectionSpecific: (fields) =>
      reference.rejectConnectionSpecific(
        without(fields, 'connection', 'keep-alive', 'proxy-connection', 'upgrade'),
      ),
  })),

  h2Defect(
    'rejects-h2-te-trailers',
    'Counts TE as connection-specific whatever its value, refusing the te: trailers that gRPC clients send (the over-strict reading of RFC 9113 §8.2.2).',
    ['h2/te-trailers-accepted'],
  ).replacing((reference) => ({
    rejectConnectionSpecific: (fields) =>
      fields.some((f) => f.name === 'te')
        ? 'te in an h2 request'
        : reference.rejectConnectionSpecific(fields),
  })),

  h2Defect(
    'trims-h2-field-whitespace',
    'Accepts values with leading or trailing SP/HTAB and trims them before writing HTTP/1.1, so the front and a strict origin disagree about the field (nginx #598, HAProxy #2905, B73).',
    ['h2/field-value-whitespace-rejected'],
  ).replacing((reference) => ({
    validateFieldValues: (fields) => reference.validateFieldValues(trimmed(fields)),
    buildRequestHead: (request) =>
      reference.buildRequestHead({
        ...request,
        head: { ...request.head, fields: trimmed(request.head.fields) },
      }),
  })),

  h2Defect(
    'checks-only-nul-cr-lf-in-h2-values',
    'Applies only the minimal RFC 9113 §8.2.1 value checks (NUL, CR, LF, edge whitespace), not the RFC 9110 §5.5 grammar: other control octets and DEL are forwarded.',
    ['h2/field-value-control-bytes-rejected'],
  ).replacing(() => ({
    validateFieldValues: (fields) => {
      // eslint-disable-next-line no-control-regex
      const bad = fields.find((f) => /^[ \t]|[ \t]$|[\x00\r\n]/.test(f.value))
      return bad === undefined ? undefined : `the value of ${bad.name} is prohibited`
    },
  })),
]
