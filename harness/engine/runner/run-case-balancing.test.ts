// A load-balancing case (ConformanceCase.balancer) gets its own backends and a
// fresh target instance over them, under the profile in force, both stopped
// when it ends; the reasons it is not applicable; a start that fails is an error.
import { existsSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { tryConnect } from '../../backends/test-kit.js'
import type { BalancerProfile } from '../model/balancer-profile.js'
import { effectiveRoles, inSuite, type CaseDefinition } from '../model/case.js'
import type { CaseContext } from '../model/case-context.js'
import { conforms } from '../model/outcome.js'
import { HarnessError } from '../../net/errors.js'
import { Scope } from '../../net/started.js'
import type { PerCaseBalancer, RunEnvironment, TargetEndpoint } from '../environment/environment.js'
import { startRunEnvironment } from '../environment/start-environment.js'
import { referencePerCase, spawnPerCase } from '../target/balancer-target.js'
import { runCase } from './run-case.js'

const scope = new Scope()
let env: RunEnvironment
beforeAll(async () => {
  env = await startRunEnvironment(scope, { tcpPerKind: 1 })
})
afterAll(() => scope.close())

/** A case body with nothing to do. */
const idle = (): Promise<void> => Promise.resolve()

const own: BalancerProfile = { policy: 'round-robin', retries: { idempotent: 0 } }

function lbCase(
  run: (ctx: CaseContext) => Promise<void>,
  needs?: (declared: BalancerProfile) => string | undefined,
) {
  return inSuite('demo', {
    id: 'balances',
    title: 'balances',
    requirements: ['LB-01'],
    spec: [{ rfc: 9112, section: '9.3.1' }],
    requirement: 'r',
    level: 'MUST',
    roles: ['balancer'],
    balancer: { primaries: 2, backups: 1, profile: own, ...(needs === undefined ? {} : { needs }) },
    run: async (ctx) => {
      await run(ctx)
      return conforms()
    },
  })
}

const endpoint = (perCase: PerCaseBalancer): TargetEndpoint => ({
  label: 'demo',
  role: 'balancer',
  host: '127.0.0.1',
  port: 9,
  perCase,
})

describe('a load-balancing case', () => {
  it('runs against a fresh instance over its own backends, under its own profile (reference)', async () => {
    let seen: { port: number; ports: number[]; profile: unknown } | undefined
    const result = await runCase(
      lbCase(async (ctx) => {
        const backends = ctx.backends!
        seen = {
          port: ctx.target.port,
          ports: backends.all.map((b) => b.port),
          profile: ctx.profile,
        }
        const client = await ctx.connect()
        await client.write('GET /lb/x1/ HTTP/1.1\r\nHost: t\r\n\r\n')
        const answer = await client.readResponse()
        expect(answer.kind).toBe('response')
        expect(backends.primaries[0]!.requests.map((r) => r.id)).toEqual(['x1'])
      }),
      endpoint(referencePerCase()),
      env,
    )
    expect(result.verdict.status).toBe('pass')
    expect(seen?.profile).toEqual(own)
    expect(seen?.ports).toHaveLength(3)
    expect(seen?.port).not.toBe(9)
    // Both stopped once the case ended.
    expect(await tryConnect(seen!.port)).toBe('ECONNREFUSED')
    for (const port of seen!.ports) expect(await tryConnect(port)).toBe('ECONNREFUSED')
    expect(result.evidence.notes.some((n) => n.startsWith('backend O1 '))).toBe(true)
  })

  it('is not applicable without a declared profile, or when needs() says why', async () => {
    const declaredOnly: PerCaseBalancer = { ...referencePerCase(), ownProfile: false }
    const none = await runCase(lbCase(idle), endpoint(declaredOnly), env)
    expect(none.verdict).toMatchObject({
      status: 'not-applicable',
      message: 'no balancer profile declared: --lb-profile FILE',
    })
    const declared = { ...env, balancerProfile: { policy: 'random' } as BalancerProfile }
    const unfit = await runCase(
      lbCase(idle, (p) => (p.policy === 'random' ? 'needs a deterministic policy' : undefined)),
      endpoint(declaredOnly),
      declared,
    )
    expect(unfit.verdict.message).toMatch(/declared balancer profile: needs a deterministic policy/)
    let profile: unknown
    const fits = await runCase(
      lbCase((ctx) => {
        profile = ctx.profile
        return Promise.resolve()
      }),
      endpoint(declaredOnly),
      declared,
    )
    expect(fits.verdict.status).toBe('pass')
    expect(profile).toEqual({ policy: 'random' })
    const url = await runCase(
      lbCase(idle),
      { label: 'demo', role: 'balancer', host: '127.0.0.1', port: 9 },
      env,
    )
    expect(url.verdict.status).toBe('not-applicable')
  })

  it('is an error naming the target when its instance does not start', async () => {
    const broken: PerCaseBalancer = {
      ownProfile: true,
      start: () =>
        Promise.reject(
          new HarnessError('HARNESS_SPAWN_FAILED', 'spawned target exited with code 3: bad config'),
        ),
    }
    const result = await runCase(lbCase(idle), endpoint(broken), env)
    expect(result.verdict.status).toBe('error')
    expect(result.verdict.message).toMatch(
      /demo did not start for this case: spawned target exited with code 3: bad config/,
    )
  })

  it('starts a --spawn command with the placeholders and PROXYSPEC_ variables, its config dir removed after', async () => {
    const script = [
      "const fs=require('fs');",
      "fs.writeFileSync(process.env.PROXYSPEC_CONFIG_DIR+'/seen', process.env.PROXYSPEC_ORIGINS+' '+process.argv[1]+' '+fs.readFileSync(process.env.PROXYSPEC_PROFILE,'utf8').length);",
      "process.stderr.write('up\\n');",
      "require('net').createServer((s)=>s.end()).listen(+process.env.PROXYSPEC_PORT,'127.0.0.1')",
    ].join('')
    const perCase = spawnPerCase(
      `'${process.execPath}' -e "${script}" '{origins}|{weights}|{config_dir}'`,
      env,
    )
    const declared = {
      ...env,
      balancerProfile: { policy: 'weighted', weights: [2] } as BalancerProfile,
    }
    let dir = ''
    const result = await runCase(
      lbCase(async (ctx) => {
        const { readFileSync, readdirSync } = await import('node:fs')
        const { tmpdir } = await import('node:os')
        dir =
          readdirSync(tmpdir())
            .filter((d) => d.startsWith('proxyspec-lb-'))
            .map((d) => `${tmpdir()}/${d}`)
            .find(
              (d) =>
                existsSync(`${d}/seen`) &&
                readFileSync(`${d}/seen`, 'utf8').includes(ctx.backends!.origins),
            ) ?? ''
        const seen = readFileSync(`${dir}/seen`, 'utf8')
        expect(seen).toBe(
          `${ctx.backends!.origins} ${ctx.backends!.origins}|2,1|${dir} ${JSON.stringify({ policy: 'weighted', weights: [2] }, null, 2).length + 1}`,
        )
      }),
      endpoint(perCase),
      declared,
    )
    expect(result.verdict).toMatchObject({ status: 'pass' })
    expect(dir).not.toBe('')
    expect(existsSync(dir)).toBe(false)
  })
})

describe('a case whose own instance dies', () => {
  it('fails, saying how the instance ended, when it crashes while the case runs', async () => {
    // Listens, and exits with code 7 on its first connection: a crash the case provokes.
    const script =
      "require('net').createServer(()=>process.exit(7)).listen(+process.env.PROXYSPEC_PORT,'127.0.0.1')"
    const perCase = spawnPerCase(`'${process.execPath}' -e "${script}"`, env)
    const declared = { ...env, balancerProfile: own }
    const result = await runCase(
      lbCase(async (ctx) => {
        const client = await ctx.connect()
        await client.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n')
        await client.readResponse()
      }),
      endpoint(perCase),
      declared,
    )
    expect(result.verdict).toMatchObject({ status: 'fail', observed: 'it exited with code 7' })
    expect(result.verdict.message).toMatch(/instance started for this case exited with code 7/)
  })

  it('is not a crash when the harness stops it after the case', async () => {
    const script =
      "require('net').createServer((s)=>s.end()).listen(+process.env.PROXYSPEC_PORT,'127.0.0.1')"
    const perCase = spawnPerCase(`'${process.execPath}' -e "${script}"`, env)
    const result = await runCase(lbCase(idle), endpoint(perCase), { ...env, balancerProfile: own })
    expect(result.verdict.status).toBe('pass')
  })
})

describe('the balancer role', () => {
  it('runs every reverse case too (a load balancer is a reverse proxy)', () => {
    const reverse: Pick<CaseDefinition, 'roles'> & { cleartextOnly?: string } = {
      roles: ['reverse'],
    }
    expect(effectiveRoles(reverse)).toEqual(['reverse', 'tls-terminator', 'balancer'])
    expect(effectiveRoles({ roles: ['reverse'], cleartextOnly: 'why' })).toEqual([
      'reverse',
      'balancer',
    ])
    expect(effectiveRoles({ roles: ['forward'] })).toEqual(['forward'])
    expect(effectiveRoles({ roles: ['balancer'] })).toEqual(['balancer'])
  })

  it('refuses a balancing case declared for another role', () => {
    expect(() => inSuite('demo', { ...lbCase(idle), id: 'x', roles: ['reverse'] })).toThrow(
      /balancer role only/,
    )
  })
})
