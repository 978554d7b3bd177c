import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { configOptionValues } from './config-file.js'
import { readBalancerProfile } from './lb-profile.js'

let dir = ''
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'proxyspec-lb-profile-'))
})
afterAll(() => rm(dir, { recursive: true, force: true }))

describe('--lb-profile / balancerProfile', () => {
  it('reads a profile file, or takes one inline', async () => {
    const file = join(dir, 'lb.json')
    await writeFile(file, JSON.stringify({ policy: 'least-conn', workers: 2 }))
    expect(await readBalancerProfile(file, file)).toEqual({ policy: 'least-conn', workers: 2 })
    expect(await readBalancerProfile({ policy: 'first' }, 'cfg (balancerProfile)')).toEqual({
      policy: 'first',
    })
  })

  it('refuses a missing file, bad JSON and a bad profile in one line', async () => {
    const missing = join(dir, 'none.json')
    await expect(readBalancerProfile(missing, missing)).rejects.toThrow(
      `balancer profile ${missing}: cannot read it (ENOENT)`,
    )
    const broken = join(dir, 'broken.json')
    await writeFile(broken, '{ policy: ')
    await expect(readBalancerProfile(broken, broken)).rejects.toThrow(/: not JSON \(/)
    await expect(readBalancerProfile({ policy: 'rr' }, 'cfg (balancerProfile)')).rejects.toThrow(
      /balancer profile cfg \(balancerProfile\): policy must be one of/,
    )
  })

  it('resolves a path in the config against its directory', () => {
    const values = configOptionValues({
      label: 'proxyspec.config.json',
      path: join(dir, 'proxyspec.config.json'),
      config: { balancerProfile: 'profiles/lb.json' },
      notes: [],
    })
    expect(values['lb-profile']).toBe(join(dir, 'profiles/lb.json'))
    const inline = configOptionValues({
      label: 'proxyspec.config.json',
      path: join(dir, 'proxyspec.config.json'),
      config: { balancerProfile: { policy: 'random' } },
      notes: [],
    })
    expect(inline['lb-profile']).toBeUndefined()
  })
})
