import { existsSync, readFileSync, statSync } from 'node:fs'
import { afterEach, describe, expect, it } from 'vitest'
import { createPrivateDir, removeLiveDirs, type PrivateDir } from './private-dir.js'

describe('createPrivateDir', () => {
  const made: PrivateDir[] = []
  const make = async (): Promise<PrivateDir> => {
    const dir = await createPrivateDir()
    made.push(dir)
    return dir
  }
  afterEach(() => {
    for (const dir of made.splice(0)) dir.remove()
  })

  it('makes a 0700 dir whose files are 0600 and never overwritten', async () => {
    const dir = await make()
    expect(statSync(dir.path).mode & 0o777).toBe(0o700)
    const file = await dir.write('a.pem', 'secret')
    expect(statSync(file).mode & 0o777).toBe(0o600)
    expect(readFileSync(file, 'utf8')).toBe('secret')
    await expect(dir.write('a.pem', 'other')).rejects.toMatchObject({ code: 'EEXIST' })
    expect(readFileSync(file, 'utf8')).toBe('secret')
  })

  it('removes the dir on remove(), which is idempotent', async () => {
    const dir = await make()
    await dir.write('a.pem', 'x')
    dir.remove()
    expect(existsSync(dir.path)).toBe(false)
    expect(() => dir.remove()).not.toThrow()
  })

  it('hooks process exit while a dir is live, and the hook removes every live dir', async () => {
    const before = process.listeners('exit').filter((l) => l === removeLiveDirs).length
    expect(before).toBe(0)
    const [first, second] = [await make(), await make()]
    // One listener however many dirs: no MaxListeners warning in a long run.
    expect(process.listeners('exit').filter((l) => l === removeLiveDirs)).toHaveLength(1)
    removeLiveDirs()
    expect(existsSync(first.path)).toBe(false)
    expect(existsSync(second.path)).toBe(false)
    expect(process.listeners('exit')).not.toContain(removeLiveDirs)
  })

  it('unhooks process exit and the signals once the last dir is removed', async () => {
    const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const
    const before = signals.map((signal) => process.listenerCount(signal))
    const dir = await make()
    expect(process.listeners('exit')).toContain(removeLiveDirs)
    expect(signals.map((signal) => process.listenerCount(signal))).toEqual(before.map((n) => n + 1))
    dir.remove()
    expect(process.listeners('exit')).not.toContain(removeLiveDirs)
    expect(signals.map((signal) => process.listenerCount(signal))).toEqual(before)
  })
})
