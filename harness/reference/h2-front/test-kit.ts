// What the h2 front's tests (connect, front, upstream) share: a Scope per
// test, so everything a test starts it stops (must() is ../proxy/test-kit's;
// this file imports nothing from proxy/, which imports the h2 front).
import { afterEach, beforeEach } from 'vitest'
import { Scope } from '../../net/started.js'

/** Registers a fresh Scope per test, closed after it; the function returned gives the current one. */
export function scopePerTest(): () => Scope {
  let scope = new Scope()
  beforeEach(() => {
    scope = new Scope()
  })
  afterEach(async () => {
    await scope.close()
  })
  return () => scope
}
