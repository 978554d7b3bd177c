import type { StartedBackends } from '../../backends/types.js'
import { openRawClient } from '../../client/index.js'
import type { BalancerProfile } from '../model/balancer-profile.js'
import type { RawClient } from '../../client/types.js'
import { openH2RawClient, renderFrameTranscript, type H2RawClient } from '../../h2/index.js'
import { X509Certificate } from 'node:crypto'
import type {
  CaseContext,
  CaseReport,
  ConnectOptions,
  FtpView,
  H2ConnectOptions,
  H2OriginView,
  OriginView,
  ProxyAuthView,
  TlsOriginSetup,
  TlsOriginView,
} from '../model/case-context.js'
import { raceTimeout, type Deadline, type TimeoutValue } from '../../net/deadline.js'
import { authorityOf } from '../../net/loopback.js'
import type { Scope } from '../../net/started.js'
import type { TranscriptRecorder } from '../../net/transcript.js'
import { startBannerServer, startEchoServer, startSinkServer } from '../../tcp/index.js'
import type { StartedTcpServer, TcpEvent } from '../../tcp/types.js'
import type { TlsHandshakeRecord } from '../../tls/types.js'
import { TERMINATOR_NAME } from '../../tls/certificate-plan.js'
import type { RawClientTlsOptions } from '../../client/connect-socket.js'
import { leasedListener } from './leased-listener.js'
import type { CaseFtp } from '../environment/ftp.js'
import { ftpRequestTarget } from '../model/ftp-target.js'
import {
  originHostFor,
  type RunEnvironment,
  type TargetEndpoint,
} from '../environment/environment.js'

export interface CaseContextParts {
  readonly env: RunEnvironment
  readonly target: TargetEndpoint
  readonly token: string
  readonly recorder: TranscriptRecorder
  readonly scope: Scope
  readonly deadline: Deadline
  readonly notes: string[]
  /** ctx.report: the balance charts the case records (runner/case-report.ts). */
  readonly report: CaseReport
  /** A load-balancing case's own backends and the profile in force (ctx.backends, ctx.profile). */
  readonly balancing?: { readonly backends: StartedBackends; readonly profile: BalancerProfile }
  /** An ftp-gateway case's FTP origin and X (ctx.ftp). */
  readonly ftp?: CaseFtp
  /** A case with upstream 'h2': it gets ctx.h2Origin (the run's raw h2 origin, its own streams). */
  readonly h2Origin?: boolean
}

/** ctx.h2Origin over the run's raw h2 origin (environment/h2-origin.ts): this case's streams. */
function h2OriginView(
  origin: NonNullable<RunEnvironment['h2Origin']>,
  token: string,
  within: (ms?: number) => number,
): H2OriginView {
  return {
    host: origin.host,
    port: origin.port,
    maxConcurrentStreams: origin.maxConcurrentStreams,
    behave: (responder) => {
      origin.behave(token, responder)
    },
    nextRequest: (timeoutMs, options) => origin.nextRequest(token, within(timeoutMs), options),
    requests: () => origin.requests(token),
    until: (what, check, timeoutMs) => origin.until(what, check, within(timeoutMs)),
    connection: (conn) => origin.connection(conn),
    records: (conn) => origin.records(conn),
  }
}

/** ctx.ftp over a case's FTP side (environment/ftp.ts). */
function ftpView(ftp: CaseFtp, target: TargetEndpoint, env: RunEnvironment): FtpView {
  const { origin } = ftp
  return {
    origin: ftp.origin,
    thirdParty: ftp.thirdParty,
    mode: ftp.mode,
    timeoutS: ftp.timeoutS,
    requestTarget: (ftpPath) => ftpRequestTarget(ftp.mode, origin.authority, ftpPath),
    host:
      ftp.mode === 'forward'
        ? origin.authority
        : (env.host ?? authorityOf(target.host, target.port)),
  }
}

/** The auth target and credentials of a target that declares them (TargetEndpoint.proxyAuth). */
function proxyAuthView(
  target: TargetEndpoint,
  auth: NonNullable<TargetEndpoint['proxyAuth']>,
): ProxyAuthView {
  return {
    ...auth.credentials,
    target: {
      label: target.label,
      host: auth.host,
      port: auth.port,
      authority: authorityOf(auth.host, auth.port),
    },
  }
}

/** Implements CaseContext on a scope that the runner closes when the case ends. */
export function createCaseContext(parts: CaseContextParts): CaseContext {
  const { env, target, token, recorder, scope, deadline, notes } = parts
  const { origin } = env
  let clients = 0
  // This case's hold on the run's TLS origin, once taken: a second call re-sets it.
  const lease: TlsLease = { held: false }
  const within = (ms?: number): number => Math.min(ms ?? Infinity, deadline.remainingMs())

  const originView: OriginView = {
    host: origin.host,
    port: origin.port,
    authority: origin.authority,
    behave: (behaviour) => {
      origin.behave(token, behaviour)
    },
    nextRequest: (timeoutMs) => origin.nextRequest(token, within(timeoutMs)),
    requests: () => origin.requests(token),
    connectionClosed: (id, timeoutMs) => origin.connectionClosed(id, within(timeoutMs)),
  }

  const tap = (server: StartedTcpServer): void => {
    const untap = server.onEvent((event: TcpEvent) => {
      const conn = `${server.kind}:${event.conn}`
      switch (event.type) {
        case 'open':
          recorder.record({
            hop: 'origin',
            conn,
            type: 'open',
            detail: `${server.kind} server ${server.authority}`,
          })
          break
        case 'data':
          recorder.data(
            'origin',
            conn,
            event.dir === 'in' ? 'from-target' : 'to-target',
            event.data,
          )
          break
        case 'end':
          recorder.record({
            hop: 'origin',
            conn,
            type: 'end',
            dir: event.dir === 'in' ? 'from-target' : 'to-target',
          })
          break
        case 'close':
          recorder.record(
            event.error === undefined
              ? { hop: 'origin', conn, type: 'close' }
              : { hop: 'origin', conn, type: 'close', detail: event.error },
          )
          break
      }
    })
    scope.defer(untap)
  }

  /**
   * TLS for a client to the target: what the case asks for, or, by default in
   * the tls-terminator role, HTTPS to the name the terminator serves,
   * trusting only the run CA (a reverse case runs there through it). `false`
   * is plain TCP whatever the role.
   */
  const clientTls = async (options: ConnectOptions): Promise<RawClientTlsOptions | undefined> => {
    if (options.tls === false) return undefined
    if (options.tls !== undefined) return options.tls
    if (target.role !== 'tls-terminator') return undefined
    const corpus = await env.tls.origin.corpus()
    return { servername: TERMINATOR_NAME, ca: corpus.ca.cert }
  }

  return {
    role: target.role,
    token,
    target: {
      label: target.label,
      host: target.host,
      port: target.port,
      authority: authorityOf(target.host, target.port),
    },
    ...(target.proxyAuth === undefined
      ? {}
      : { proxyAuth: proxyAuthView(target, target.proxyAuth) }),
    origin: originView,
    ...(parts.h2Origin === true && env.h2Origin !== undefined
      ? { h2Origin: h2OriginView(env.h2Origin, token, within) }
      : {}),
    ...(parts.balancing === undefined
      ? {}
      : { backends: parts.balancing.backends, profile: parts.balancing.profile }),
    ...(parts.ftp === undefined ? {} : { ftp: ftpView(parts.ftp, target, env) }),
    signal: deadline.signal,
    quietMs: env.quietMs,
    remainingMs: () => deadline.remainingMs(),
    lagSince: (from) => env.lag?.maxSince(from) ?? 0,
    path: (suffix = '') => `/${token}/${suffix}`,
    requestTarget: (path) =>
      target.role === 'forward' ? `http://${origin.authority}${path}` : path,
    originHost: originHostFor(env, target.role),
    async connect(options: ConnectOptions = {}): Promise<RawClient> {
      // Numbered before the first await: connections opened side by side get ids of their own.
      clients += 1
      const id = `c${clients}`
      const tls = await clientTls(options)
      const client = await openRawClient({
        host: options.host ?? target.host,
        port: options.port ?? target.port,
        id,
        transcript: recorder,
        timeoutMs: deadline.remainingMs(),
        signal: deadline.signal,
        ...(tls === undefined ? {} : { tls }),
      })
      return scope.use(client)
    },
    async h2(options: H2ConnectOptions = {}): Promise<H2RawClient> {
      clients += 1
      const id = `c${clients}`
      const tls = await clientTls({})
      const client = await openH2RawClient({
        host: target.host,
        port: target.port,
        id,
        transcript: recorder,
        timeoutMs: deadline.remainingMs(),
        signal: deadline.signal,
        ...(tls === undefined
          ? {}
          : { tls: { ...tls, ALPNProtocols: [...(options.alpn ?? ['h2'])] } }),
        ...(options.settings === undefined ? {} : { settings: options.settings }),
        ...(options.openWindow === undefined ? {} : { openWindow: options.openWindow }),
        ...(options.preface === undefined ? {} : { preface: options.preface }),
        ...(options.autoAck === undefined ? {} : { autoAck: options.autoAck }),
      })
      // The frames, decoded, are the evidence a reader wants first; bounded like the bytes.
      scope.defer(() => {
        notes.push(
          `h2 ${id} frames (decoded; their bytes are the client hop events of this connection):\n${h2FramesNote(client)}`,
        )
      })
      return scope.use(client)
    },
    h2Target: (path) => ({
      method: 'GET',
      scheme: target.role === 'tls-terminator' ? 'https' : 'http',
      authority: target.role === 'forward' ? origin.authority : originHostFor(env, target.role),
      path,
    }),
    useTlsOrigin: (setup) => useTlsOrigin(parts, lease, setup),
    tlsCorpus: () => env.tls.origin.corpus(),
    async leaseTcp(kind) {
      const { server, release } = await env.tcp.lease(kind, deadline.signal)
      scope.defer(release)
      // Only this case's connections: not those an earlier holder left open.
      const leased = leasedListener(server)
      tap(leased)
      return leased
    },
    nextHop: {
      authority: env.tcp.nextHop.authority,
      answerFor: (port, answer) => {
        scope.defer(env.tcp.nextHop.answerFor(port, answer))
      },
      nextRequest: (port, timeoutMs) => env.tcp.nextHop.nextRequest(port, within(timeoutMs)),
    },
    async startTcp(kind) {
      const server =
        kind === 'echo'
          ? await startEchoServer()
          : kind === 'sink'
            ? await startSinkServer()
            : await startBannerServer()
      scope.use(server)
      tap(server)
      return server
    },
    wait<T>(waitingFor: string, work: Promise<T>, withinMs?: number): Promise<T | TimeoutValue> {
      return raceTimeout(waitingFor, work, within(withinMs), deadline.signal)
    },
    note(text) {
      notes.push(text)
    },
    report: parts.report,
  }
}

/** Frames kept in a note: the first and the last, the rest counted (a tunnel can carry thousands). */
const NOTE_HEAD_FRAMES = 40
const NOTE_TAIL_FRAMES = 10

function h2FramesNote(client: H2RawClient): string {
  const records = client.records
  const since = records[0]?.at
  const render = (list: typeof records): string =>
    // No hex: the connection's bytes are the client hop's events already.
    renderFrameTranscript(list, { hex: false, ...(since === undefined ? {} : { since }) })
  if (records.length <= NOTE_HEAD_FRAMES + NOTE_TAIL_FRAMES) return render(records)
  const left = records.length - NOTE_HEAD_FRAMES - NOTE_TAIL_FRAMES
  return [
    render(records.slice(0, NOTE_HEAD_FRAMES)),
    `… ${left} frames not shown …`,
    render(records.slice(-NOTE_TAIL_FRAMES)),
  ].join('\n')
}

/**
 * Leases the run's TLS origin to this case (released when the case ends),
 * sets what it presents and drops older connections, so a connection pooled
 * by the target during another case cannot carry this one's request. The
 * handshakes seen go into the case's notes as evidence.
 */
interface TlsLease {
  held: boolean
}

async function useTlsOrigin(
  parts: CaseContextParts,
  lease: TlsLease,
  setup: TlsOriginSetup = {},
): Promise<TlsOriginView | TimeoutValue> {
  const { env, token, scope, deadline, notes } = parts
  const tls = env.tls.origin
  const started = performance.now()
  const corpus = await tls.corpus()
  const profile = setup.profile ?? 'valid'
  const release = lease.held ? undefined : await env.tls.lease(deadline.signal)
  if (!lease.held && release === undefined) {
    return { kind: 'timeout', waitingFor: 'the TLS origin', afterMs: performance.now() - started }
  }
  // Counted once the origin is ours: earlier handshakes belong to other cases.
  const since = tls.handshakes().length
  const handshakes = (): readonly TlsHandshakeRecord[] => tls.handshakes().slice(since)
  if (release !== undefined) lease.held = true
  // The first call holds the lease: its release notes every handshake of the case.
  if (release !== undefined)
    scope.defer(() => {
      for (const h of handshakes()) {
        const how =
          h.outcome.kind === 'established' ? h.outcome.protocol : `failed: ${h.outcome.error}`
        notes.push(
          `TLS origin ${h.conn} (${h.profile}): sni=${h.servername ?? '(none)'} alpn-offered=${h.alpnOffered?.join(',') ?? '(none)'} ${how}`,
        )
      }
      tls.forget(token)
      release()
    })
  tls.setProfile(profile)
  tls.setVersions(setup.versions ?? {})
  tls.dropConnections()
  const within = (ms?: number): number => Math.min(ms ?? Infinity, deadline.remainingMs())
  return {
    host: tls.host,
    port: tls.port,
    name: env.tls.name,
    profile,
    fingerprint256: new X509Certificate(corpus.leaf(profile).cert).fingerprint256,
    handshakes,
    settled: (timeoutMs) => tls.settled(within(timeoutMs)),
    behave: (behaviour) => tls.behave(token, behaviour),
    nextRequest: (timeoutMs) => tls.nextRequest(token, within(timeoutMs)),
    requests: () => tls.requests(token),
  }
}
