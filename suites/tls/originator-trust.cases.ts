// The upstream's certificate path, as a TLS originator must check it before
// it sends any HTTP (RFC 9110 §4.3.4; RFC 5280 §6.1): a trusted anchor,
// in-date certificates, a leaf that is not a CA, and serverAuth in its EKU.
// Each case presents the 'valid' leaf with exactly one defect (harness/tls
// certificate-plan.ts) and expects 502 with nothing sent upstream.
// Not covered here: TLS-11's unknown critical extension and name constraints,
// and TLS-12 (MD5/SHA-1 signatures): selfsigned, the corpus generator, cannot
// issue those certificates (no custom extensions, SHA-2 and SHA-1 only for
// ECDSA, which OpenSSL 3 refuses to verify at its default level anyway).
import { defineCase } from '../../harness/engine/model/case.js'
import { mustAccept, mustRefuse } from './originator-kit.js'

const trustCases = [
  defineCase({
    id: 'originator-accepts-a-valid-upstream',
    title: 'A valid upstream certificate chaining to the configured CA is accepted',
    requirements: ['TLS-01'],
    spec: [
      { rfc: 9110, section: '4.3.4' },
      { rfc: 5280, section: '6.1' },
    ],
    requirement:
      'A TLS originator validates the upstream certificate path to a configured trust anchor and, when it validates, forwards the request.',
    level: 'MUST',
    roles: ['tls-originator'],
    run: (ctx) => mustAccept(ctx, { profile: 'valid' }),
  }),
  defineCase({
    id: 'originator-refuses-a-self-signed-upstream',
    title: 'A self-signed upstream leaf is refused: 502, no request upstream',
    requirements: ['TLS-01', 'TLS-23'],
    spec: [
      { rfc: 9110, section: '4.3.4' },
      { rfc: 5280, section: '6.1' },
    ],
    requirement:
      'A self-signed leaf does not chain to a configured trust anchor: the originator must not send it the request, and answers with a gateway error.',
    level: 'MUST',
    roles: ['tls-originator'],
    run: (ctx) => mustRefuse(ctx, { profile: 'self-signed' }, 'its leaf is self-signed'),
  }),
  defineCase({
    id: 'originator-refuses-an-unknown-ca',
    title: 'An upstream chaining to a root nobody configured is refused',
    requirements: ['TLS-01', 'TLS-02'],
    spec: [
      { rfc: 9110, section: '4.3.4' },
      { rfc: 9525, section: '6.6' },
    ],
    requirement:
      'Verification is on by default: a chain ending at an untrusted root is refused with no request upstream.',
    level: 'MUST',
    roles: ['tls-originator'],
    run: (ctx) => mustRefuse(ctx, { profile: 'unknown-ca' }, 'it chains to an untrusted CA'),
  }),
  defineCase({
    id: 'originator-refuses-an-expired-upstream',
    title: 'An upstream leaf that expired yesterday is refused',
    requirements: ['TLS-03'],
    spec: [
      { rfc: 5280, section: '4.1.2.5' },
      { rfc: 5280, section: '6.1.3' },
    ],
    requirement:
      'Every certificate in the path must be within its validity period (notBefore to notAfter) at the current time.',
    level: 'MUST',
    roles: ['tls-originator'],
    run: (ctx) => mustRefuse(ctx, { profile: 'expired' }, 'its leaf has expired'),
  }),
  defineCase({
    id: 'originator-refuses-a-not-yet-valid-upstream',
    title: 'An upstream leaf valid only from tomorrow is refused',
    requirements: ['TLS-03'],
    spec: [
      { rfc: 5280, section: '4.1.2.5' },
      { rfc: 5280, section: '6.1.3' },
    ],
    requirement:
      'A certificate before its notBefore is outside its validity period and must be refused.',
    level: 'MUST',
    roles: ['tls-originator'],
    run: (ctx) => mustRefuse(ctx, { profile: 'not-yet-valid' }, 'its leaf is not yet valid'),
  }),
  defineCase({
    id: 'originator-refuses-a-client-auth-only-leaf',
    title: 'An upstream leaf whose EKU has clientAuth but not serverAuth is refused',
    requirements: ['TLS-10'],
    spec: [
      { rfc: 5280, section: '4.2.1.12' },
      { rfc: 8446, section: '4.4.2.2' },
    ],
    requirement:
      'A leaf with an extended key usage extension serves TLS only if the EKU includes serverAuth.',
    level: 'MUST',
    roles: ['tls-originator'],
    run: (ctx) =>
      mustRefuse(ctx, { profile: 'no-server-auth' }, 'its EKU allows client authentication only'),
  }),
  defineCase({
    id: 'originator-refuses-a-code-signing-leaf',
    title: 'An upstream leaf whose EKU is codeSigning only is refused',
    requirements: ['TLS-10'],
    spec: [{ rfc: 5280, section: '4.2.1.12' }],
    requirement:
      'A leaf with an extended key usage extension serves TLS only if the EKU includes serverAuth.',
    level: 'MUST',
    roles: ['tls-originator'],
    run: (ctx) =>
      mustRefuse(ctx, { profile: 'code-signing-only' }, 'its EKU allows code signing only'),
  }),
  // INFO since issue 10's matrix review: every real peer that originates TLS
  // (nginx, HAProxy) accepts the cA=TRUE leaf, and no BCP 14 sentence binds an
  // originator here (see below), so the shared behaviour is no violation.
  defineCase({
    id: 'originator-refuses-a-ca-certificate-as-leaf',
    title: 'An upstream presenting a CA certificate (cA=TRUE) as its own is refused',
    requirements: ['TLS-09'],
    spec: [
      { rfc: 5280, section: '4.2.1.9' },
      { rfc: 5280, section: '6.1.4' },
    ],
    // INFO: RFC 5280 §4.2.1.9 says what cA=TRUE is for ("whether the certified
    // public key may be used to verify certificate signatures") and §6.1 path
    // validation does not check the leaf's cA; no RFC forbids a CA key serving
    // TLS. Strict verifiers (OpenSSL X509_V_FLAG_X509_STRICT, the CA/Browser
    // Forum profile) refuse it, which is what this case reports.
    requirement:
      'A certificate with basicConstraints cA=TRUE is a CA, not an end entity; a strict originator does not take it as the server certificate (informational: no RFC sentence requires it).',
    level: 'INFO',
    roles: ['tls-originator'],
    run: (ctx) => mustRefuse(ctx, { profile: 'ca-leaf' }, 'its leaf is a CA certificate'),
  }),
]

// The chain above the leaf (RFC 5280 §6.1): the leaves below are signed by an
// issuer under the run CA and served with it, leaf first.
const chainCases = [
  defineCase({
    id: 'originator-accepts-a-chain-through-an-intermediate',
    title: 'A leaf served with its intermediate CA, chaining to the configured root, is accepted',
    requirements: ['TLS-01'],
    spec: [
      { rfc: 5280, section: '6.1' },
      { rfc: 8446, section: '4.4.2' },
    ],
    requirement:
      'Path validation builds leaf, intermediate, trust anchor from what the server sent; a valid path means the request goes through.',
    level: 'MUST',
    roles: ['tls-originator'],
    run: (ctx) => mustAccept(ctx, { profile: 'via-intermediate' }),
  }),
  defineCase({
    id: 'originator-refuses-an-expired-intermediate',
    title: 'A valid leaf under an intermediate that expired yesterday is refused',
    requirements: ['TLS-03'],
    spec: [{ rfc: 5280, section: '6.1.3' }],
    requirement:
      'Every certificate in the path, not only the leaf, must be within its validity period.',
    level: 'MUST',
    roles: ['tls-originator'],
    run: (ctx) =>
      mustRefuse(ctx, { profile: 'expired-intermediate' }, 'its intermediate has expired'),
  }),
  defineCase({
    id: 'originator-refuses-a-leaf-issued-by-an-end-entity',
    title: 'A leaf signed by an end-entity certificate (cA=FALSE) is refused',
    requirements: ['TLS-09'],
    spec: [
      { rfc: 5280, section: '4.2.1.9' },
      { rfc: 5280, section: '6.1.4' },
    ],
    requirement:
      'Every certificate above the leaf must be a CA: basicConstraints with cA=TRUE (RFC 5280 §6.1.4 (k)).',
    level: 'MUST',
    roles: ['tls-originator'],
    run: (ctx) => mustRefuse(ctx, { profile: 'issued-by-end-entity' }, 'its issuer is not a CA'),
  }),
  defineCase({
    id: 'originator-refuses-an-issuer-without-basic-constraints',
    title: 'A leaf whose issuer has no basicConstraints extension is refused',
    requirements: ['TLS-09'],
    spec: [{ rfc: 5280, section: '6.1.4' }],
    requirement:
      'A v3 certificate above the leaf must carry basicConstraints with cA=TRUE (RFC 5280 §6.1.4 (k)).',
    level: 'MUST',
    roles: ['tls-originator'],
    run: (ctx) =>
      mustRefuse(
        ctx,
        { profile: 'issued-by-ca-without-basic-constraints' },
        'its issuer has no basicConstraints',
      ),
  }),
  defineCase({
    id: 'originator-refuses-an-issuer-without-key-cert-sign',
    title: "A leaf whose issuer's keyUsage is only digitalSignature is refused",
    requirements: ['TLS-09'],
    spec: [
      { rfc: 5280, section: '4.2.1.3' },
      { rfc: 5280, section: '6.1.4' },
    ],
    requirement:
      'An issuer with a keyUsage extension must have keyCertSign set (RFC 5280 §6.1.4 (n)).',
    level: 'MUST',
    roles: ['tls-originator'],
    run: (ctx) =>
      mustRefuse(
        ctx,
        { profile: 'issued-by-ca-without-cert-sign' },
        'its issuer may not sign certificates',
      ),
  }),
  defineCase({
    id: 'originator-refuses-a-path-beyond-its-length-constraint',
    title: 'Root, an intermediate with pathLen=0, another CA under it, then the leaf: refused',
    requirements: ['TLS-11'],
    spec: [
      { rfc: 5280, section: '4.2.1.9' },
      { rfc: 5280, section: '6.1.4' },
    ],
    requirement:
      'Path processing refuses paths longer than a pathLenConstraint allows (RFC 5280 §6.1.4 (l), (m)).',
    level: 'MUST',
    roles: ['tls-originator'],
    run: (ctx) =>
      mustRefuse(
        ctx,
        { profile: 'beyond-path-length' },
        'a CA sits below an intermediate with pathLen=0',
      ),
  }),
]

// One array per case file: its suite spreads it once.
export const originatorTrustCases = [...trustCases, ...chainCases]
