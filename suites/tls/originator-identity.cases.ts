// The upstream's identity (RFC 9525; RFC 9110 §4.3.4): the reference identity
// is the configured upstream name ("localhost", what {origin_tls} names),
// matched only against subjectAltName DNS-IDs, never the subject CN, with a
// wildcard only as the whole left-most label.
// Not covered here: TLS-07 (IP-literal upstreams: the target is configured
// with one upstream name per run), TLS-08 (CNAME chains: needs a resolver the
// target uses) and TLS-04's IDN and trailing-dot variants (same reason).
import { defineCase } from '../../harness/engine/model/case.js'
import { mustRefuse } from './originator-kit.js'

export const originatorIdentityCases = [
  defineCase({
    id: 'originator-refuses-a-certificate-for-another-host',
    title: 'An upstream certificate for another name is refused',
    requirements: ['TLS-04'],
    spec: [
      { rfc: 9110, section: '4.3.4' },
      { rfc: 9525, section: '6.3' },
    ],
    requirement:
      'The reference identity is the configured upstream name; it must equal a SAN dNSName of the certificate.',
    level: 'MUST',
    roles: ['tls-originator'],
    run: (ctx) =>
      mustRefuse(ctx, { profile: 'wrong-host' }, 'it names wrong.test, not the upstream'),
  }),
  // Fails on every real peer that originates TLS (nginx, HAProxy: both accept
  // CN=localhost with no SAN, OpenSSL-style CN fallback). Still a violation:
  // RFC 9110 §4.3.4 "A reference identity of type CN-ID MUST NOT be used by
  // clients", and the originator is the client on the upstream hop.
  defineCase({
    id: 'originator-never-matches-the-common-name',
    title: 'A certificate naming the upstream only in its subject CN (no SAN) is refused',
    requirements: ['TLS-05'],
    spec: [
      { rfc: 9525, section: '6.2' },
      { rfc: 9110, section: '4.3.4' },
    ],
    requirement: 'The subject Common Name is never used as an identifier (RFC 9525 §6.2, §1.3).',
    level: 'MUST',
    roles: ['tls-originator'],
    run: (ctx) => mustRefuse(ctx, { profile: 'cn-only' }, 'it has no SAN, only CN=localhost'),
  }),
  defineCase({
    id: 'originator-ignores-the-cn-when-the-san-differs',
    title: 'A certificate whose CN names the upstream but whose SAN does not is refused',
    requirements: ['TLS-05'],
    spec: [{ rfc: 9525, section: '6.2' }],
    requirement:
      'When the SAN does not match, a CN that does is no reason to accept (RFC 9525 §6.2).',
    level: 'MUST',
    roles: ['tls-originator'],
    run: (ctx) =>
      mustRefuse(
        ctx,
        { profile: 'cn-match-san-mismatch' },
        'its SAN names wrong.test; only its CN is localhost',
      ),
  }),
  defineCase({
    id: 'originator-refuses-partial-wildcards',
    title: 'A SAN with a wildcard inside a label ("local*") does not match the upstream',
    requirements: ['TLS-06'],
    spec: [
      { rfc: 9525, section: '6.3' },
      { rfc: 9525, section: '7.1' },
    ],
    requirement:
      'A wildcard counts only as the whole left-most label; any other wildcard form makes that presented identifier invalid.',
    level: 'MUST',
    roles: ['tls-originator'],
    run: (ctx) =>
      mustRefuse(
        ctx,
        { profile: 'partial-wildcard' },
        'its only names are the partial wildcards local* and origin*.test',
      ),
  }),
  defineCase({
    id: 'originator-refuses-a-wildcard-for-the-parent-name',
    title: 'A SAN "*.localhost" does not cover the upstream "localhost"',
    requirements: ['TLS-06'],
    spec: [{ rfc: 9525, section: '6.3' }],
    requirement:
      'A wildcard matches exactly one label: "*.wild.test" does not cover wild.test (RFC 9525 §6.3).',
    level: 'MUST',
    roles: ['tls-originator'],
    run: (ctx) =>
      mustRefuse(
        ctx,
        { profile: 'wildcard-for-parent' },
        'its only names are *.localhost and *.origin.test',
      ),
  }),
]
