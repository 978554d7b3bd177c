// expectBytes and expectClosed end the case (endCase) when the target got it
// wrong and return when it did not; outcomeOf turns the end back into the
// Outcome a case collecting several parts grades.
import { describe, expect, it } from 'vitest'
import type { RawClient } from '../../harness/client/types.js'
import { isEndedCase, outcomeOf } from '../../harness/engine/model/outcome.js'
import { expectClosed } from './connect-request.js'
import { expectBytes } from './tunnel.js'

/** A client whose next readBytes / waitForClose answers are fixed. */
function stubClient(answers: {
  readonly bytes?: { readonly data: Buffer; readonly ended: 'eof' | 'timeout' | undefined }
  readonly close?:
    { readonly kind: 'eof' } | { kind: 'timeout'; waitingFor: string; afterMs: number }
}): RawClient {
  return {
    readBytes: () => Promise.resolve(answers.bytes),
    waitForClose: () => Promise.resolve(answers.close),
  } as unknown as RawClient
}

const PROBE = Buffer.from('probe')

describe('expectBytes', () => {
  it('returns when the bytes come back intact', async () => {
    const client = stubClient({ bytes: { data: PROBE, ended: undefined } })
    await expect(expectBytes(client, PROBE, 'the probe')).resolves.toBeUndefined()
  })

  it('ends the case with a violation when they differ', async () => {
    const client = stubClient({ bytes: { data: Buffer.from('prXbe'), ended: undefined } })
    const thrown: unknown = await expectBytes(client, PROBE, 'the probe').catch((e: unknown) => e)
    expect(isEndedCase(thrown)).toBe(true)
    const outcome = await outcomeOf(
      expectBytes(client, PROBE, 'the probe').then(() => ({ kind: 'conforms' as const })),
    )
    expect(outcome).toMatchObject({ kind: 'violates', expected: 'the probe' })
  })

  it('ends the case with a timeout when too few bytes came before the deadline', async () => {
    const client = stubClient({ bytes: { data: PROBE.subarray(0, 2), ended: 'timeout' } })
    const outcome = await outcomeOf(
      expectBytes(client, PROBE, 'the probe').then(() => ({ kind: 'conforms' as const })),
    )
    expect(outcome).toMatchObject({ kind: 'timeout', waitingFor: 'the probe' })
  })
})

describe('expectClosed', () => {
  it('returns when the target closes', async () => {
    const client = stubClient({ close: { kind: 'eof' } })
    await expect(expectClosed(client, 'the 403', 10)).resolves.toBeUndefined()
  })

  it('ends the case with a violation when the connection stays open', async () => {
    const client = stubClient({ close: { kind: 'timeout', waitingFor: 'close', afterMs: 10 } })
    const outcome = await outcomeOf(
      expectClosed(client, 'the 403', 10).then(() => ({ kind: 'conforms' as const })),
    )
    expect(outcome).toMatchObject({
      kind: 'violates',
      expected: 'the connection closed after the 403',
    })
  })
})
