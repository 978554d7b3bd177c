import { describe, expect, it } from 'vitest'
import {
  balancerPlaceholders,
  FTP_PLACEHOLDERS,
  ftpPlaceholders,
  placeholderEnv,
  SPAWN_PLACEHOLDERS,
  substitutePlaceholders,
} from './placeholders.js'

const input = {
  origins: ['127.0.0.1:4001', '127.0.0.1:4002', '127.0.0.1:4003'],
  backups: ['127.0.0.1:5001'],
  healthPath: '/healthz',
  configDir: '/tmp/proxyspec-lb-x',
  profilePath: '/tmp/proxyspec-lb-x/profile.json',
}

describe('balancer placeholders (catalog §12.2.4)', () => {
  it('renders the lists, the profile values and the files', () => {
    const values = balancerPlaceholders({
      ...input,
      profile: {
        policy: 'weighted',
        weights: [3, 1],
        active: {
          path: '/health',
          method: 'HEAD',
          host: 'health.test',
          interval_ms: 1500,
          timeout_ms: 400,
          fall: 3,
          rise: 2,
        },
        passive: { max_fails: 2, fail_timeout_s: 10 },
        max_conns_per_backend: 5,
        sticky: { cookie: 'SRV' },
        hash: { key: 'uri' },
        workers: 4,
      },
    })
    expect(values).toMatchObject({
      origins: '127.0.0.1:4001,127.0.0.1:4002,127.0.0.1:4003',
      origin1: '127.0.0.1:4001',
      origin3: '127.0.0.1:4003',
      backup: '127.0.0.1:5001',
      backup1: '127.0.0.1:5001',
      // Aligned with {origins}: an origin the profile gives no weight weighs 1.
      weights: '3,1,1',
      health_path: '/health',
      health_method: 'HEAD',
      health_host: 'health.test',
      interval_ms: '1500',
      interval_s: '1.5',
      timeout_ms: '400',
      fall: '3',
      rise: '2',
      max_fails: '2',
      fail_timeout_s: '10',
      max_conns: '5',
      cookie: 'SRV',
      hash_key: 'uri',
      workers: '4',
      config_dir: '/tmp/proxyspec-lb-x',
      profile: '/tmp/proxyspec-lb-x/profile.json',
    })
    expect(
      substitutePlaceholders('lb --listen {port} --servers {origins} --w {weights} {origin2}', {
        port: '9',
        ...values,
      }),
    ).toBe(
      'lb --listen 9 --servers 127.0.0.1:4001,127.0.0.1:4002,127.0.0.1:4003 --w 3,1,1 127.0.0.1:4002',
    )
  })

  it('exports every value as PROXYSPEC_<NAME>', () => {
    const env = placeholderEnv({
      port: '9',
      ...balancerPlaceholders({ ...input, profile: { policy: 'round-robin' } }),
    })
    expect(env).toMatchObject({
      PROXYSPEC_PORT: '9',
      PROXYSPEC_ORIGINS: '127.0.0.1:4001,127.0.0.1:4002,127.0.0.1:4003',
      PROXYSPEC_ORIGIN2: '127.0.0.1:4002',
      PROXYSPEC_BACKUP: '127.0.0.1:5001',
      PROXYSPEC_WEIGHTS: '1,1,1',
      PROXYSPEC_HEALTH_PATH: '/healthz',
      PROXYSPEC_HEALTH_METHOD: 'GET',
      PROXYSPEC_CONFIG_DIR: '/tmp/proxyspec-lb-x',
      PROXYSPEC_PROFILE: '/tmp/proxyspec-lb-x/profile.json',
    })
  })

  it('refuses a value the declared profile leaves out, or a backend the case does not have', () => {
    const values = balancerPlaceholders({ ...input, profile: { policy: 'round-robin' } })
    expect(values.fall).toBeUndefined()
    expect(() => substitutePlaceholders('lb {fall}', values)).toThrow(
      /placeholder \{fall\} in --spawn: .*declared profile \(--lb-profile FILE\)/,
    )
    expect(() => substitutePlaceholders('lb {origin4}', values)).toThrow(
      /placeholder \{origin4\} in --spawn: there is no such backend/,
    )
    // Outside the balancer role, {origins} has no value either.
    expect(() => substitutePlaceholders('lb {origins}', { port: '1' })).toThrow(/balancer role/)
    expect(SPAWN_PLACEHOLDERS).toContain('origins')
  })

  it('without a declared profile fills in only the lists and files', () => {
    const values = balancerPlaceholders({ ...input, profile: undefined })
    expect(Object.keys(values).sort()).toEqual(
      [
        'backup',
        'backup1',
        'config_dir',
        'health_method',
        'health_path',
        'origin1',
        'origin2',
        'origin3',
        'origins',
        'profile',
      ].sort(),
    )
  })
})

describe('ftp-gateway placeholders (catalog §13.1.2)', () => {
  const ftp = ftpPlaceholders({
    origin: { host: '127.0.0.1', port: 40021, authority: '127.0.0.1:40021' },
    base: 'ftp://127.0.0.1:40021/pub/',
    user: 'proxyspec',
    pass: 'proxyspec-ftp',
    xIp: '127.0.0.3',
    timeoutS: 5,
  })

  it('fills in every FTP placeholder, the base ending in /pub/', () => {
    expect(ftp).toEqual({
      ftp_origin: '127.0.0.1:40021',
      ftp_host: '127.0.0.1',
      ftp_port: '40021',
      ftp_base: 'ftp://127.0.0.1:40021/pub/',
      ftp_user: 'proxyspec',
      ftp_pass: 'proxyspec-ftp',
      x_ip: '127.0.0.3',
      ftp_timeout: '5',
    })
    expect(Object.keys(ftp).sort()).toEqual([...FTP_PLACEHOLDERS].sort())
    for (const name of FTP_PLACEHOLDERS) expect(SPAWN_PLACEHOLDERS).toContain(name)
    expect(
      substitutePlaceholders(
        'gw --listen {port} --map /files/={ftp_base} --timeout {ftp_timeout}',
        {
          port: '9',
          ...ftp,
        },
      ),
    ).toBe('gw --listen 9 --map /files/=ftp://127.0.0.1:40021/pub/ --timeout 5')
  })

  it('exports them as PROXYSPEC_FTP_ORIGIN…', () => {
    expect(placeholderEnv(ftp)).toMatchObject({
      PROXYSPEC_FTP_ORIGIN: '127.0.0.1:40021',
      PROXYSPEC_FTP_BASE: 'ftp://127.0.0.1:40021/pub/',
      PROXYSPEC_X_IP: '127.0.0.3',
      PROXYSPEC_FTP_TIMEOUT: '5',
    })
  })

  it('refuses them outside the ftp-gateway role, saying where they come from', () => {
    expect(() => substitutePlaceholders('gw {ftp_origin}', { port: '1' })).toThrow(
      /placeholder \{ftp_origin\} in --spawn: it is filled in only in the ftp-gateway role/,
    )
  })
})
