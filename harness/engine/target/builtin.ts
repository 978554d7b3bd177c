import type { Role } from '../model/roles.js'
import {
  startTlsOriginator,
  startTlsTerminator,
  type StartedGateway,
} from '../../reference/gateway/index.js'
import { HarnessError } from '../../net/errors.js'
import { randomBytes } from 'node:crypto'
import { startReferenceProxy, type StartedProxy } from '../../reference/proxy/index.js'
import type { H2StepVariant } from '../../reference/h2-front/index.js'
import { startBlindRelay } from '../../reference/blind-relay/index.js'
import {
  startReferenceFtpGateway,
  type FtpGatewayVariant,
} from '../../reference/ftp-gateway/index.js'
import type { RunEnvironment, TargetEndpoint } from '../environment/environment.js'
import {
  referencePerCase,
  runWideReferenceProfile,
  startBalancerTarget,
} from './balancer-target.js'
import { referenceConnectPorts } from './connect-ports.js'
import type { StartedTarget } from './started-target.js'
import { BUILTIN_ROLES, type BuiltinName } from './target-spec.js'

/** Starts a built-in intermediary in one role, pointed at the run's origin. */
export async function startBuiltin(
  name: BuiltinName,
  role: Role,
  env: RunEnvironment,
): Promise<StartedTarget> {
  if (!BUILTIN_ROLES[name].includes(role)) {
    throw new HarnessError(
      'HARNESS_BAD_INPUT',
      `builtin:${name} cannot play the ${role} role (it plays ${BUILTIN_ROLES[name].join(', ')})`,
    )
  }
  if (name === 'reference' && role === 'balancer') {
    return startBalancerTarget(
      'builtin:reference',
      env,
      referencePerCase(),
      runWideReferenceProfile(env.balancerProfile),
    )
  }
  if (name === 'reference' && role === 'ftp-gateway') return startFtpGatewayTarget(env)
  if (name === 'reference' && (role === 'tls-terminator' || role === 'tls-originator')) {
    return withH2UpstreamTwin(await startGatewayTarget(role, env), env)
  }
  // tunnel: the forward proxy's CONNECT path is the tunnel (CONNECT-only clients).
  const mode = role === 'forward' || role === 'tunnel' ? 'forward' : 'reverse'
  const upstream = { host: env.origin.host, port: env.origin.port }
  const server =
    name === 'reference'
      ? await startReferenceProxy({
          mode,
          upstream,
          connectPorts: referenceConnectPorts(env),
          // Every CONNECT goes on through the harness next hop (the chained CONNECT rows).
          nextHop: { host: env.tcp.nextHop.host, port: env.tcp.nextHop.port },
        })
      : await startBlindRelay({ mode, upstream })
  // The auth cases go to a twin that requires credentials, so the run itself needs none.
  const twin = name === 'reference' && mode === 'forward' ? await startAuthTwin(env) : undefined
  const close = async (): Promise<void> => {
    await Promise.all([server.close(), twin?.server.close()])
  }
  const started: StartedTarget = {
    endpoint: {
      label: `builtin:${name}`,
      role,
      host: server.host,
      port: server.port,
      ...(twin === undefined ? {} : { proxyAuth: twin.endpoint }),
    },
    stderr: () => '',
    close,
    [Symbol.asyncDispose]: close,
  }
  return name === 'reference' ? withH2UpstreamTwin(started, env) : started
}

/**
 * In a run with the h2 origin (a case with upstream 'h2' selected), `target`
 * with its h2-upstream twin (TargetEndpoint.h2Upstream): the reference again
 * in the same role, its h2 front sending every request stream to the run's
 * h2 origin. `h2Steps` replaces steps of that front. Other roles, and runs
 * without the h2 origin, get `target` as it is.
 */
export async function withH2UpstreamTwin(
  target: StartedTarget,
  env: RunEnvironment,
  h2Steps?: H2StepVariant,
): Promise<StartedTarget> {
  const h2Origin = env.h2Origin
  const role = target.endpoint.role
  if (h2Origin === undefined || (role !== 'reverse' && role !== 'tls-terminator')) return target
  const h2Upstream = { host: h2Origin.host, port: h2Origin.port }
  const upstream = { host: env.origin.host, port: env.origin.port }
  let twin: { readonly host: string; readonly port: number; close(): Promise<void> }
  if (role === 'reverse') {
    twin = await startReferenceProxy({
      mode: 'reverse',
      upstream,
      h2Upstream,
      ...(h2Steps === undefined ? {} : { h2Steps }),
    })
  } else {
    const leaf = (await env.tls.origin.corpus()).leaf('via-intermediate')
    twin = await startTlsTerminator({
      upstream,
      cert: leaf.cert,
      key: leaf.key,
      proxyH2Upstream: h2Upstream,
      ...(h2Steps === undefined ? {} : { proxyH2Steps: h2Steps }),
    })
  }
  const close = async (): Promise<void> => {
    await Promise.all([target.close(), twin.close()])
  }
  return {
    ...target,
    endpoint: { ...target.endpoint, h2Upstream: { host: twin.host, port: twin.port } },
    close,
    [Symbol.asyncDispose]: close,
  }
}

/**
 * The reference forward proxy again, wired the same way but requiring Basic
 * proxy credentials: the declared ones (--proxy-auth), else a user and a
 * password made up for the run (with a colon in it, RFC 7617 §2 allows one).
 */
async function startAuthTwin(env: RunEnvironment): Promise<{
  readonly server: StartedProxy
  readonly endpoint: NonNullable<TargetEndpoint['proxyAuth']>
}> {
  const credentials = env.proxyAuth ?? {
    user: 'proxyspec',
    pass: `run:${randomBytes(9).toString('base64url')}`,
  }
  const server = await startReferenceProxy({
    mode: 'forward',
    connectPorts: referenceConnectPorts(env),
    nextHop: { host: env.tcp.nextHop.host, port: env.tcp.nextHop.port },
    proxyAuth: credentials,
  })
  return { server, endpoint: { credentials, host: server.host, port: server.port } }
}

/**
 * The reference TLS gateway for a TLS role, wired to the run: a terminator
 * serving the 'via-intermediate' chain in front of the harness origin, or an originator
 * whose upstream is the run's TLS origin by its name, trusting the run CA.
 */
async function startGatewayTarget(
  role: 'tls-terminator' | 'tls-originator',
  env: RunEnvironment,
): Promise<StartedTarget> {
  const corpus = await env.tls.origin.corpus()
  let gateway: StartedGateway
  if (role === 'tls-terminator') {
    // The reference serves leaf and intermediate (RFC 8446 §4.4.2), as {cert} holds them.
    const leaf = corpus.leaf('via-intermediate')
    gateway = await startTlsTerminator({
      upstream: { host: env.origin.host, port: env.origin.port },
      cert: leaf.cert,
      key: leaf.key,
    })
  } else {
    gateway = await startTlsOriginator({
      upstream: { name: env.tls.name, address: env.tls.origin.host, port: env.tls.origin.port },
      ca: corpus.ca.cert,
    })
  }
  return {
    endpoint: { label: 'builtin:reference', role, host: gateway.host, port: gateway.port },
    stderr: () => gateway.log.join('\n'),
    close: () => gateway.close(),
    [Symbol.asyncDispose]: () => gateway.close(),
  }
}

/**
 * The reference HTTP→FTP gateway (forward mode: absolute-form ftp://), its
 * FTP waits bounded by {ftp_timeout}. It has no reverse mapping: a reverse
 * run is refused in one line. `steps` replaces steps of its FTP pipeline (a
 * pipeline variant), under `label`.
 */
export async function startFtpGatewayTarget(
  env: RunEnvironment,
  steps?: FtpGatewayVariant,
  label = 'builtin:reference',
): Promise<StartedTarget> {
  const ftp = env.ftp
  if (ftp === undefined)
    throw new HarnessError(
      'HARNESS_INTERNAL',
      'an ftp-gateway target in a run without an FTP origin',
    )
  if (ftp.mode !== 'forward') {
    throw new HarnessError(
      'HARNESS_BAD_INPUT',
      `${label} is an ftp-gateway in forward mode only (--ftp-mode forward)`,
    )
  }
  const gateway = await startReferenceFtpGateway({
    ftpTimeoutMs: ftp.timeoutS * 1000,
    ...(steps === undefined ? {} : { steps }),
  })
  return {
    endpoint: {
      label,
      role: 'ftp-gateway',
      host: gateway.host,
      port: gateway.port,
    },
    stderr: () => '',
    close: () => gateway.close(),
    [Symbol.asyncDispose]: () => gateway.close(),
  }
}
