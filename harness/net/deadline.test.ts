import { describe, expect, it } from 'vitest'
import { Deadline, isTimeout, raceTimeout } from './deadline.js'

describe('raceTimeout', () => {
  it('resolves with the value when the work wins', async () => {
    await expect(raceTimeout('x', Promise.resolve(42), 1000)).resolves.toBe(42)
  })

  it('resolves with a timeout value, not an exception, when nothing comes', async () => {
    const outcome = await raceTimeout('a response', new Promise<never>(() => undefined), 20)
    expect(isTimeout(outcome)).toBe(true)
    expect(outcome).toMatchObject({ kind: 'timeout', waitingFor: 'a response' })
  })

  it('passes rejections through', async () => {
    await expect(raceTimeout('x', Promise.reject(new Error('boom')), 1000)).rejects.toThrow('boom')
  })
})

describe('Deadline', () => {
  it('caps each wait at what is left and aborts its signal when it passes', async () => {
    const deadline = new Deadline(30)
    const aborted = new Promise<void>((resolve) =>
      deadline.signal.addEventListener('abort', () => resolve()),
    )
    const outcome = await deadline.race('never', new Promise<never>(() => undefined), 10_000)
    expect(isTimeout(outcome)).toBe(true)
    await aborted
    expect(deadline.remainingMs()).toBe(0)
    deadline.dispose()
  })
})
