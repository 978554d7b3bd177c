import type { generate } from 'selfsigned'
import { HarnessError } from '../net/errors.js'
import {
  CA_NAMES,
  caValidity,
  expiredValidity,
  LEAF_PLANS,
  type LeafPlan,
  type Validity,
} from './certificate-plan.js'
import { writeCorpus, type Issued, type IssuedCorpus } from './corpus-files.js'
import {
  CERTIFICATE_PROFILES,
  type CertificateCorpus,
  type OwnedCertificateCorpus,
} from './types.js'

// The one importer of selfsigned: everything else asks for a corpus.

/**
 * Loaded on first use: selfsigned pulls in @peculiar/x509 and costs some
 * 300 ms to load, which a run without TLS cases should not pay.
 */
let selfsigned: Promise<{ generate: typeof generate }> | undefined

type GenerateOptions = NonNullable<Parameters<typeof generate>[1]>
type Extension = NonNullable<GenerateOptions['extensions']>[number]

/** Options of createCertificateCorpus. */
export interface CorpusOptions {
  /** The clock validity windows are relative to. @default Date.now */
  readonly now?: () => number
}

async function issue(
  commonName: string,
  validity: Validity,
  extensions: Extension[],
  signer: Issued | undefined,
): Promise<Issued> {
  const options: GenerateOptions = {
    // EC P-256 keys are generated in milliseconds, RSA-2048 in tens or hundreds.
    keyType: 'ec',
    curve: 'P-256',
    // selfsigned signs with SHA-1 unless told otherwise, which strict verifiers
    // refuse: a certificate here must fail for its one intended flaw only.
    algorithm: 'sha256',
    notBeforeDate: validity.notBefore,
    notAfterDate: validity.notAfter,
    extensions,
  }
  if (signer !== undefined) options.ca = { cert: signer.cert, key: signer.key }
  selfsigned ??= import('selfsigned')
  const pems = await (
    await selfsigned
  ).generate([{ name: 'commonName', value: commonName }], options)
  return { cert: pems.cert, key: pems.private }
}

/** A CA's extensions; the options take one property away for the broken-issuer profiles. */
function caExtensions(
  options: { readonly pathLenConstraint?: number; readonly keyCertSign?: boolean } = {},
): Extension[] {
  const constraints: Extension = { name: 'basicConstraints', cA: true, critical: true }
  if (options.pathLenConstraint !== undefined) {
    constraints.pathLenConstraint = options.pathLenConstraint
  }
  const usage: Extension =
    options.keyCertSign === false
      ? { name: 'keyUsage', digitalSignature: true, critical: true }
      : { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true }
  return [constraints, usage]
}

function issueCa(commonName: string, validity: Validity, signer?: Issued): Promise<Issued> {
  return issue(commonName, validity, caExtensions(), signer)
}

/** An end-entity certificate (cA=FALSE, digitalSignature only) that will sign a leaf anyway. */
function issueEndEntity(commonName: string, validity: Validity, signer: Issued): Promise<Issued> {
  return issue(
    commonName,
    validity,
    [
      { name: 'basicConstraints', cA: false, critical: true },
      { name: 'keyUsage', digitalSignature: true, critical: true },
    ],
    signer,
  )
}

function keyUsageOf(plan: LeafPlan): Extension[] {
  if (plan.keyUsage === undefined) return []
  const usage: Extension = { name: 'keyUsage', critical: true }
  for (const flag of plan.keyUsage) usage[flag] = true
  return [usage]
}

/** The SAN extension, left out entirely when the plan names nothing (a CN-only leaf). */
function subjectAltNameOf(plan: LeafPlan): Extension[] {
  if (plan.dns.length === 0 && plan.ip.length === 0) return []
  return [
    {
      name: 'subjectAltName',
      altNames: [
        ...plan.dns.map((value) => ({ type: 2 as const, value })),
        ...plan.ip.map((ip) => ({ type: 7 as const, ip })),
      ],
    },
  ]
}

function issueLeaf(plan: LeafPlan, now: number, signer: Issued | undefined): Promise<Issued> {
  return issue(
    plan.commonName,
    plan.validity(now),
    [
      { name: 'basicConstraints', cA: plan.ca, critical: true },
      ...keyUsageOf(plan),
      { name: 'extKeyUsage', [plan.extendedKeyUsage]: true },
      ...subjectAltNameOf(plan),
    ],
    signer,
  )
}

/**
 * Issues both CAs and every leaf, each leaf as soon as its signer exists. The
 * untrusted CA's key stays in this function: nothing may sign with it later.
 */
async function generateAll(now: number): Promise<IssuedCorpus> {
  const runCa = issueCa(CA_NAMES.run, caValidity(now))
  const valid = caValidity(now)
  const under = async (
    parent: Promise<Issuer>,
    make: (ca: Issued) => Promise<Issued>,
  ): Promise<Issuer> => {
    const above = await parent
    if (above.key === undefined) throw new Error('an issuer needs a signing parent')
    const issued = await make(above.key)
    return { key: issued, chain: [issued.cert, ...above.chain] }
  }
  const root: Promise<Issuer> = runCa.then((key) => ({ key, chain: [] }))
  const pathLenZero = under(root, (ca) =>
    issue(CA_NAMES.pathLenZero, valid, caExtensions({ pathLenConstraint: 0 }), ca),
  )
  const signers: Record<LeafPlan['signer'], Promise<Issuer>> = {
    'run-ca': root,
    'untrusted-ca': issueCa(CA_NAMES.untrusted, valid).then((key) => ({ key, chain: [] })),
    self: Promise.resolve({ key: undefined, chain: [] }),
    intermediate: under(root, (ca) => issueCa(CA_NAMES.intermediate, valid, ca)),
    'expired-intermediate': under(root, (ca) =>
      issueCa(CA_NAMES.expiredIntermediate, expiredValidity(now), ca),
    ),
    'end-entity': under(root, (ca) => issueEndEntity(CA_NAMES.endEntity, valid, ca)),
    // RFC 5280 §4.2.1.9, §6.1.4 (k): a v3 issuer needs basicConstraints cA=TRUE...
    'no-basic-constraints': under(root, (ca) =>
      issue(
        CA_NAMES.noBasicConstraints,
        valid,
        [{ name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true }],
        ca,
      ),
    ),
    // ...and keyCertSign when it has keyUsage (RFC 5280 §4.2.1.3, §6.1.4 (n)).
    'no-cert-sign': under(root, (ca) =>
      issue(CA_NAMES.noCertSign, valid, caExtensions({ keyCertSign: false }), ca),
    ),
    // RFC 5280 §4.2.1.9, §6.1.4 (l)(m): pathLen=0 allows no CA below it; this one is.
    'beyond-path-length': under(pathLenZero, (ca) => issueCa(CA_NAMES.belowPathLenZero, valid, ca)),
  }
  const leaves = await Promise.all(
    CERTIFICATE_PROFILES.map(async (profile) => {
      const plan = LEAF_PLANS[profile]
      const signer = await signers[plan.signer]
      const leaf = await issueLeaf(plan, now, signer.key)
      // Below an intermediate the served PEM is the chain, leaf first (RFC 8446 §4.4.2).
      const cert = [leaf.cert, ...signer.chain].map((pem) => `${pem.trimEnd()}\n`).join('')
      return [profile, { cert, key: leaf.key }] as const
    }),
  )
  return { caCert: (await runCa).cert, leaves: new Map(leaves) }
}

/** An issuer: its key (none for a self-signed leaf), and what is served above the leaf it signs. */
interface Issuer {
  readonly key: Issued | undefined
  readonly chain: readonly string[]
}

/**
 * Generates a fresh corpus (run CA and one leaf per profile) into a new private
 * temp dir, without caching. The caller owns it: dispose() removes the dir
 * early, and it is removed at process exit regardless.
 */
export async function createCertificateCorpus(
  options: CorpusOptions = {},
): Promise<OwnedCertificateCorpus> {
  const now = (options.now ?? Date.now)()
  let generated: IssuedCorpus
  try {
    generated = await generateAll(now)
  } catch (error) {
    throw new HarnessError(
      'HARNESS_CERT_GENERATION_FAILED',
      `cannot generate certificates: ${String(error)}`,
      { cause: error },
    )
  }
  return writeCorpus(generated)
}

let shared: Promise<OwnedCertificateCorpus> | undefined

/**
 * The process's corpus: generated on first use, shared by every caller after
 * that, removed at process exit (or by disposeCertificateCorpus).
 */
export function getCertificateCorpus(): Promise<CertificateCorpus> {
  if (shared === undefined) {
    const pending: Promise<OwnedCertificateCorpus> = createCertificateCorpus().catch(
      (error: unknown) => {
        // A failed generation is not cached: the next caller tries again.
        if (shared === pending) shared = undefined
        throw error
      },
    )
    shared = pending
  }
  return shared
}

/** The run CA certificate (PEM) a client must trust to verify the 'valid' leaf. */
export async function getRunCaCertificate(): Promise<string> {
  return (await getCertificateCorpus()).ca.cert
}

/**
 * Removes the shared corpus's temp dir now; the next getCertificateCorpus()
 * generates a new one. Never throws.
 */
export async function disposeCertificateCorpus(): Promise<void> {
  const pending = shared
  shared = undefined
  if (pending === undefined) return
  await pending.then(
    (corpus) => corpus.dispose(),
    // Generation failed: there is no dir to remove.
    () => undefined,
  )
}
