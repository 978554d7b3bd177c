import { createServer as createTcpServer, connect, type Socket } from 'node:net'
import { createSecureContext, TLSSocket, type SecureContext } from 'node:tls'
import { ConnectionTracker, closeServer } from '../net/connection-tracker.js'
import { raceTimeout } from '../net/deadline.js'
import { HarnessError } from '../net/errors.js'
import { authorityOf, listenLoopback } from '../net/loopback.js'
import { onceClose } from '../net/started.js'
import { startOrigin } from '../origin/origin-server.js'
import type { OriginOptions } from '../origin/types.js'
import { getCertificateCorpus } from './certificate-factory.js'
import { splice } from './splice.js'
import { tapSocket } from './tls-record-tap.js'
import {
  CERTIFICATE_PROFILES,
  type CertificateCorpus,
  type CertificateProfile,
  type StartedTlsOrigin,
  type TlsHandshakeRecord,
  type TlsVersionRange,
} from './types.js'

/** Options of startTlsOrigin: those of the plain origin, with a profile instead of a certificate. */
export interface TlsOriginOptions extends Omit<OriginOptions, 'tls'> {
  /** The certificate presented first. @default 'valid' */
  readonly profile?: CertificateProfile
  /** Where the certificates come from. @default the process's corpus (getCertificateCorpus) */
  readonly corpus?: CertificateCorpus | (() => Promise<CertificateCorpus>)
  /**
   * Listen at once and load the corpus only when the first client connects
   * (or corpus() is called): a run that never speaks TLS never pays for
   * certificate generation. @default false
   */
  readonly deferCorpus?: boolean
}

function checkProfile(profile: CertificateProfile): void {
  if (!CERTIFICATE_PROFILES.includes(profile)) {
    throw new HarnessError('HARNESS_BAD_INPUT', `unknown certificate profile "${profile}"`)
  }
}

/**
 * The secure context for a profile and a version range. Below TLS 1.2 the
 * OpenSSL 3 security level 0 is needed too, or it refuses the old versions
 * even when they are allowed (RFC 8996 retired them; TLS-15 tests for that).
 */
function contextFor(
  corpus: CertificateCorpus,
  profile: CertificateProfile,
  versions: TlsVersionRange,
): SecureContext {
  const { cert, key } = corpus.leaf(profile)
  const legacy = versions.min === 'TLSv1' || versions.min === 'TLSv1.1'
  return createSecureContext({
    cert,
    key,
    ...(versions.min === undefined ? {} : { minVersion: versions.min }),
    ...(versions.max === undefined ? {} : { maxVersion: versions.max }),
    ...(legacy ? { ciphers: 'DEFAULT@SECLEVEL=0' } : {}),
  })
}

/**
 * An HTTPS origin: a TLS front of its own in front of the plain origin engine
 * (routes, raw responders, recording), presenting any certificate profile and
 * switching profile and TLS versions for connections accepted after the
 * change. Every handshake is logged (SNI, offered ALPN, version, failure), so
 * a case can see what a TLS originator sent. Trust `corpus.ca.cert` to verify it.
 *
 * The front is ours rather than the origin's built-in TLS so that the
 * ClientHello is observable and the versions can be capped per case; the
 * decrypted bytes are spliced to the plain engine on loopback.
 *
 * @example
 * await using origin = await startTlsOrigin({ profile: 'expired' })
 * // point a tls-originator at origin.url: it must refuse to forward
 */
export async function startTlsOrigin(options: TlsOriginOptions = {}): Promise<StartedTlsOrigin> {
  const { profile: initial = 'valid', corpus: given, deferCorpus, ...originOptions } = options
  checkProfile(initial)
  let corpusPromise: Promise<CertificateCorpus> | undefined
  const loadCorpus = (): Promise<CertificateCorpus> =>
    (corpusPromise ??=
      given === undefined
        ? getCertificateCorpus()
        : typeof given === 'function'
          ? given()
          : Promise.resolve(given))
  if (deferCorpus !== true) await loadCorpus()

  const inner = await startOrigin(originOptions)
  let profile = initial
  let versions: TlsVersionRange = {}
  let context: { key: string; value: SecureContext } | undefined
  // setCertificate's context, until the next setProfile or setVersions.
  let custom: SecureContext | undefined
  const handshakes: TlsHandshakeRecord[] = []
  const tracker = new ConnectionTracker()
  const secure = new Set<TLSSocket>()
  let accepted = 0
  // Connections accepted whose handshake has not been logged yet, and who waits for none.
  let unsettled = 0
  const settledWaiters = new Set<() => void>()

  const currentContext = async (): Promise<SecureContext> => {
    const corpus = await loadCorpus()
    if (custom !== undefined) return custom
    const key = `${profile} ${versions.min ?? ''} ${versions.max ?? ''}`
    if (context?.key !== key) context = { key, value: contextFor(corpus, profile, versions) }
    return context.value
  }

  const serve = async (raw: Socket): Promise<void> => {
    accepted += 1
    unsettled += 1
    const conn = `t${accepted}`
    raw.on('error', () => undefined)
    const secureContext = await currentContext()
    if (raw.destroyed) {
      unsettled -= 1
      if (unsettled === 0) for (const wake of settledWaiters) wake()
      return
    }
    const record: {
      servername: string | undefined
      alpnOffered: readonly string[] | undefined
    } = { servername: undefined, alpnOffered: undefined }
    const presented = profile
    // Through a tap, so a case can see which records the client sent before its FIN.
    const tap = tapSocket(raw)
    const socket = new TLSSocket(tap.wire, {
      isServer: true,
      secureContext,
      // Called only when the ClientHello carries server_name (RFC 6066 §3).
      SNICallback: (name, done) => {
        record.servername = name
        done(null, secureContext)
      },
      // Called only when it carries ALPN (RFC 7301 §3.1); this origin speaks HTTP/1.1 only.
      ALPNCallback: ({ protocols }) => {
        record.alpnOffered = protocols
        return protocols.includes('http/1.1') ? 'http/1.1' : undefined
      },
    })
    tracker.add(socket)
    const log = (outcome: TlsHandshakeRecord['outcome']): void => {
      const entry: TlsHandshakeRecord = {
        conn,
        at: performance.now(),
        servername: record.servername,
        alpnOffered: record.alpnOffered,
        profile: presented,
        outcome,
        fromClient: { records: tap.records, closed: tap.closed },
      }
      handshakes.push(entry)
      unsettled -= 1
      if (unsettled === 0) for (const wake of settledWaiters) wake()
      inner.transcript.record({
        hop: 'origin',
        conn,
        type: 'tls',
        detail:
          outcome.kind === 'established'
            ? `${outcome.protocol} sni=${entry.servername ?? '(none)'} alpn-offered=${entry.alpnOffered?.join(',') ?? '(none)'} profile=${presented}`
            : `handshake failed (${presented}): ${outcome.error}`,
      })
    }
    let established = false
    socket.once('secure', () => {
      established = true
      secure.add(socket)
      socket.once('close', () => secure.delete(socket))
      log({ kind: 'established', protocol: socket.getProtocol() ?? 'unknown' })
      const plain = connect({ host: inner.host, port: inner.port, allowHalfOpen: true })
      tracker.add(plain)
      splice(socket, plain)
    })
    socket.once('error', (error: NodeJS.ErrnoException) => {
      if (!established) log({ kind: 'failed', error: error.code ?? error.message })
      socket.destroy()
    })
    // Half-open is for the HTTP exchange: a client that ends during the handshake has gone.
    socket.once('end', () => {
      if (!established) socket.destroy()
    })
    socket.once('close', () => {
      if (!established && !handshakes.some((h) => h.conn === conn)) {
        log({ kind: 'failed', error: 'closed during the handshake' })
      }
    })
  }

  // allowHalfOpen: a client's FIN goes on to the engine as a FIN, not a teardown.
  const front = createTcpServer({ allowHalfOpen: true, pauseOnConnect: true }, (raw) => {
    serve(raw).catch(() => raw.destroy())
  })
  tracker.watch(front)
  const address = await listenLoopback(front, '127.0.0.1', 0).catch(async (error: unknown) => {
    await inner.close()
    throw error
  })
  const authority = authorityOf(address.address, address.port)
  const close = onceClose(async () => {
    await closeServer(front, tracker)
    await inner.close()
  })

  // Explicit delegation rather than a spread: the origin's state (connections)
  // is a getter, and the compiler flags any member added to StartedOrigin.
  return {
    get profile() {
      return profile
    },
    setProfile(next) {
      checkProfile(next)
      profile = next
      custom = undefined
    },
    setVersions(range) {
      versions = range
      custom = undefined
    },
    handshakes: () => handshakes,
    settled(timeoutMs) {
      if (unsettled === 0) return Promise.resolve(undefined)
      let wake!: () => void
      const done = new Promise<undefined>((resolve) => {
        wake = () => resolve(undefined)
      })
      settledWaiters.add(wake)
      return raceTimeout('every TLS handshake to end', done, timeoutMs).finally(() =>
        settledWaiters.delete(wake),
      )
    },
    dropConnections() {
      for (const socket of secure) socket.destroy()
    },
    corpus: loadCorpus,
    host: address.address,
    port: address.port,
    authority,
    url: `https://${authority}`,
    get transcript() {
      return inner.transcript
    },
    get connections() {
      return inner.connections
    },
    strays: () => inner.strays(),
    get strayCount() {
      return inner.strayCount
    },
    behave: (token, behaviour) => inner.behave(token, behaviour),
    forget: (token) => inner.forget(token),
    requests: (token) => inner.requests(token),
    nextRequest: (token, timeoutMs) => inner.nextRequest(token, timeoutMs),
    connectionClosed: (id, timeoutMs) => inner.connectionClosed(id, timeoutMs),
    // A certificate from outside the corpus: `profile` then names the last profile set.
    setCertificate(pem) {
      custom = createSecureContext({ cert: pem.cert, key: pem.key })
    },
    close,
    [Symbol.asyncDispose]: close,
  }
}
