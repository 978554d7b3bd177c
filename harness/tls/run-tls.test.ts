import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startRunTls, type RunTls } from './run-tls.js'

describe('startRunTls', () => {
  let tls: RunTls
  beforeAll(async () => {
    tls = await startRunTls()
  })
  afterAll(() => tls.close())

  it('listens at once and leaves certificate generation to the first use', () => {
    expect(tls.origin.port).toBeGreaterThan(0)
    expect(tls.name).toBe('localhost')
  })

  it('hands the origin to one holder at a time, in the order they asked', async () => {
    const order: string[] = []
    const first = await tls.lease(new AbortController().signal)
    const second = tls.lease(new AbortController().signal).then((release) => {
      order.push('second')
      return release
    })
    const third = tls.lease(new AbortController().signal).then((release) => {
      order.push('third')
      return release
    })
    tls.origin.setProfile('expired')
    order.push('first')
    first?.()
    ;(await second)?.()
    ;(await third)?.()
    expect(order).toEqual(['first', 'second', 'third'])
    // A release puts the defaults back for whoever comes next.
    expect(tls.origin.profile).toBe('valid')
  })

  it('gives up when the waiting case runs out of time, without blocking the next in line', async () => {
    const held = await tls.lease(new AbortController().signal)
    const timedOut = new AbortController()
    const waiting = tls.lease(timedOut.signal)
    const next = tls.lease(new AbortController().signal)
    timedOut.abort()
    expect(await waiting).toBeUndefined()
    held?.()
    const release = await next
    expect(release).toBeTypeOf('function')
    release?.()
  })
})
