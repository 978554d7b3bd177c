import { openRawClient } from '../client/index.js'
import type { RawClient } from '../client/types.js'
import type { CaseContext, ConnectOptions, OriginView } from '../model/case-context.js'
import { raceTimeout, type Deadline, type TimeoutValue } from '../net/deadline.js'
import { authorityOf } from '../net/loopback.js'
import type { Scope } from '../net/started.js'
import type { TranscriptRecorder } from '../net/transcript.js'
import { startBannerServer, startEchoServer, startSinkServer } from '../tcp/index.js'
import type { StartedTcpServer, TcpEvent } from '../tcp/types.js'
import type { RunEnvironment, TargetEndpoint } from './environment.js'

export interface CaseContextParts {
  readonly env: RunEnvironment
  readonly target: TargetEndpoint
  readonly token: string
  readonly recorder: TranscriptRecorder
  readonly scope: Scope
  readonly deadline: Deadline
  readonly notes: string[]
}

/** Implements CaseContext on a scope that the runner closes when the case ends. */
export function createCaseContext(parts: CaseContextParts): CaseContext {
  const { env, target, token, recorder, scope, deadline, notes } = parts
  const { origin } = env
  let clients = 0
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

  return {
    role: target.role,
    token,
    target: {
      label: target.label,
      host: target.host,
      port: target.port,
      authority: authorityOf(target.host, target.port),
    },
    origin: originView,
    signal: deadline.signal,
    quietMs: env.quietMs,
    remainingMs: () => deadline.remainingMs(),
    path: (suffix = '') => `/${token}/${suffix}`,
    requestTarget: (path) =>
      target.role === 'forward' ? `http://${origin.authority}${path}` : path,
    originHost: origin.authority,
    async connect(options: ConnectOptions = {}): Promise<RawClient> {
      clients += 1
      const client = await openRawClient({
        host: options.host ?? target.host,
        port: options.port ?? target.port,
        id: `c${clients}`,
        transcript: recorder,
        timeoutMs: deadline.remainingMs(),
        signal: deadline.signal,
      })
      return scope.use(client)
    },
    async leaseTcp(kind) {
      const { server, release } = await env.tcp.lease(kind, deadline.signal)
      scope.defer(release)
      tap(server)
      return server
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
  }
}
