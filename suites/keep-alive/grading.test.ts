// The keep-alive suite's grading of behaviours the native Debian peers showed
// (issue 10): a target that serialises, answers an upstream failure itself
// and goes on; one that closes after every response; one that refuses a POST
// without Content-Length. Each is conformant where these cases look, and the
// verdict says why (not applicable, or the retry after a close).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Scope } from '../../harness/net/started.js'
import type { RunEnvironment } from '../../harness/engine/environment/environment.js'
import { runCase } from '../../harness/engine/runner/run-case.js'
import { startRunEnvironment } from '../../harness/engine/environment/start-environment.js'
import {
  startPeerLikeProxy,
  type PeerLikeOptions,
} from '../../test-fixtures/keep-alive/peer-like-proxy.js'
import { keepAliveSuite } from './suite.js'

describe('keep-alive grading against peer-like targets', () => {
  const scope = new Scope()
  let env: RunEnvironment
  beforeAll(async () => {
    env = await startRunEnvironment(scope, { tcpPerKind: 1, quietMs: 300 })
  })
  afterAll(() => scope.close())

  async function verdict(id: string, options: PeerLikeOptions = {}) {
    const proxy = scope.use(await startPeerLikeProxy(env.origin, options))
    const c = keepAliveSuite.cases.find((k) => k.id === id)
    if (c === undefined) throw new Error(`no case ${id}`)
    const result = await runCase(
      c,
      { label: 'peer-like', role: 'reverse', host: '127.0.0.1', port: proxy.port },
      env,
    )
    return result.verdict
  }

  it('a serialising target that answers the failed POST with 502 and goes on is not graded by the pipelining SHOULD', async () => {
    const v = await verdict('keep-alive/pipeline-ends-after-failed-post')
    expect(v.status).toBe('pass')
    expect(v.message).toMatch(
      /not applicable: the target forwarded nothing after the POST before the POST failed/,
    )
    expect(v.message).toMatch(/HTTP\/1\.1 502/)
  })

  it('a response marked Connection: close, then the close, is conformant: the rest is retried in order', async () => {
    const v = await verdict('keep-alive/pipelined-responses-in-order', { closeAfterEach: true })
    expect(v.status).toBe('pass')
    expect(v.message).toMatch(/retried after a close/)
  })

  it('the POST bodies are framed: a target that wants Content-Length forwards them, and the reuse variant says it does not apply', async () => {
    for (const id of [
      'keep-alive/no-retry-of-post-with-body',
      'keep-alive/no-retry-of-post-without-body',
    ]) {
      const v = await verdict(id, { requireLength: true })
      expect(v.status, v.message).toBe('pass')
      expect(v.message).toMatch(
        /fresh upstream connection reset: the origin saw the POST once; the target answered 502 Bad Gateway itself after the origin had the request \(the origin had not answered it\)/,
      )
      expect(v.message).toMatch(/pooled upstream connection closed on reuse: not applicable/)
    }
  })

  it('a target with a new upstream connection per request never owes a body on a reused one', async () => {
    const v = await verdict('keep-alive/early-response-upstream-not-reused-owing-body')
    expect(v.status, v.message).toBe('pass')
  })
})
