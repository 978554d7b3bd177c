// The upgrade entries replace one step of upgradeOffer each, and a variant turns
// exactly that rule (the reference's answers are pinned next to the code, in
// harness/reference/proxy/upgrade.test.ts).
import { describe, expect, it } from 'vitest'
import { requestHead } from '../../harness/reference/proxy/head-fixtures.js'
import { stepsWith } from '../../harness/reference/proxy/steps/index.js'
import { upgradeOffer } from '../../harness/reference/proxy/upgrade.js'
import type { RequestHead } from '../../harness/wire/types.js'
import { variantOf } from './index.js'

const ws = (version: string, connection: string, upgrade = 'websocket'): RequestHead =>
  requestHead(`GET /ws ${version}`, 'Host: o', `Connection: ${connection}`, `Upgrade: ${upgrade}`)

describe('upgrade variants', () => {
  it('each replaces exactly one rule of upgradeOffer (RFC 9110 §7.8)', () => {
    const variant = (name: string) => stepsWith(variantOf(name))
    expect(upgradeOffer(ws('HTTP/1.0', 'Upgrade'), variant('upgrades-http10'))).toBeDefined()
    expect(
      upgradeOffer(ws('HTTP/1.1', 'keep-alive'), variant('upgrades-without-connection-option')),
    ).toBeDefined()
    const alone = variant('needs-connection-upgrade-alone')
    expect(upgradeOffer(ws('HTTP/1.1', 'keep-alive, Upgrade'), alone)).toBeUndefined()
    expect(upgradeOffer(ws('HTTP/1.1', 'Upgrade'), alone)).toBeDefined()
    expect(upgradeOffer(ws('HTTP/1.0', 'Upgrade'), alone)).toBeUndefined()
    expect(upgradeOffer(ws('HTTP/1.1', 'Upgrade', 'h2c'), variant('passes-h2c'))).toEqual({
      protocols: ['h2c'],
    })
  })
})
