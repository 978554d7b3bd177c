import { describe, expect, it } from 'vitest'
import { ROLES } from '../model/roles.js'
import { HOST_ROLES, originHostFor, type RunEnvironment } from './environment.js'

/** Only what originHostFor reads. */
const env = (host?: string): RunEnvironment =>
  ({
    origin: { authority: '127.0.0.1:4000' },
    tls: { name: 'localhost', origin: { port: 4443 } },
    ...(host === undefined ? {} : { host }),
  }) as unknown as RunEnvironment

describe('originHostFor', () => {
  it("is the upstream's own host:port without --host", () => {
    expect(ROLES.map((role) => originHostFor(env(), role))).toEqual([
      '127.0.0.1:4000',
      '127.0.0.1:4000',
      '127.0.0.1:4000',
      'localhost:4443',
      '127.0.0.1:4000',
      '127.0.0.1:4000',
      // ftp-gateway: its cases send ctx.ftp.host, never this.
      '127.0.0.1:4000',
    ])
  })

  it('is the --host name for the gateway roles only; forward and tunnel keep the origin', () => {
    expect(HOST_ROLES).toEqual(['reverse', 'tls-terminator', 'tls-originator', 'balancer'])
    expect(ROLES.map((role) => originHostFor(env('example.test'), role))).toEqual([
      '127.0.0.1:4000',
      'example.test',
      'example.test',
      'example.test',
      '127.0.0.1:4000',
      'example.test',
      '127.0.0.1:4000',
    ])
  })
})
