import { HarnessError } from '../net/errors.js'
import { createPrivateDir } from './private-dir.js'
import type { CertificateProfile, OwnedCertificateCorpus, PemFiles } from './types.js'

/** A certificate and its private key, both PEM, in memory. */
export interface Issued {
  readonly cert: string
  readonly key: string
}

/** What the factory issued: the run CA (its key is not kept) and one leaf per profile. */
export interface IssuedCorpus {
  readonly caCert: string
  readonly leaves: ReadonlyMap<CertificateProfile, Issued>
}

/**
 * Writes an issued corpus into a new private temp dir (0700, files 0600) so
 * peers that read files (nginx, squid, a --spawn target) can use it, and
 * serves the same PEMs from memory. The dir goes on dispose() or at exit.
 */
export async function writeCorpus(issued: IssuedCorpus): Promise<OwnedCertificateCorpus> {
  const dir = await createPrivateDir()
  try {
    const caCertPath = await dir.write('ca-cert.pem', issued.caCert)
    const files = await Promise.all(
      [...issued.leaves].map(async ([profile, { cert, key }]) => {
        const [certPath, keyPath] = await Promise.all([
          dir.write(`${profile}-cert.pem`, cert),
          dir.write(`${profile}-key.pem`, key),
        ])
        const pem: PemFiles = { cert, key, certPath, keyPath }
        return [profile, pem] as const
      }),
    )
    const leaves = new Map(files)
    return {
      dir: dir.path,
      ca: { cert: issued.caCert, certPath: caCertPath },
      leaf(profile) {
        const pem = leaves.get(profile)
        if (pem === undefined) {
          throw new HarnessError('HARNESS_BAD_INPUT', `unknown certificate profile "${profile}"`)
        }
        return pem
      },
      dispose: dir.remove,
      [Symbol.dispose]: dir.remove,
    }
  } catch (error) {
    dir.remove()
    throw error
  }
}
