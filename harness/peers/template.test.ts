import { describe, expect, it } from 'vitest'
import { balancerValues } from './balancer-values.js'
import { fillListTemplate } from './template.js'

const origins = [
  { host: '127.0.0.1', port: 8001, weight: 3 },
  { host: '127.0.0.1', port: 8002 },
]

describe('fillListTemplate', () => {
  it('repeats a list body once per item: %s, {weight}, {i}, the parts, scalars, \\n', () => {
    const text =
      'upstream b {\n{{origins|server %s weight={weight} max_fails={max_fails} id={i} ' +
      'h={origin_host} p={origin_port};\\n}}\n}\nlisten {{port}};'
    expect(fillListTemplate(text, { origins }, { max_fails: '1', port: '9000' })).toBe(
      'upstream b {\n' +
        'server 127.0.0.1:8001 weight=3 max_fails=1 id=1 h=127.0.0.1 p=8001;\n' +
        'server 127.0.0.1:8002 weight=1 max_fails=1 id=2 h=127.0.0.1 p=8002;\n' +
        '\n}\nlisten 9000;',
    )
  })

  it('expands an empty list to nothing, and a body may end with the config’s own brace', () => {
    const vcl = '{{origins|backend o{i} {\\n  .port = "{origin_port}";\\n}\\n}}{{backup|x}}'
    expect(fillListTemplate(vcl, { origins: origins.slice(0, 1), backup: [] }, {})).toBe(
      'backend o1 {\n  .port = "8001";\n}\n',
    )
    // A run of three closing braces: the body takes the first, the list the last two.
    expect(fillListTemplate('{{backup|b{i} }}}', { backup: origins }, {})).toBe('b1 }b2 }')
  })

  it('throws on an unknown list, an unknown name in a body, an unknown scalar', () => {
    expect(() => fillListTemplate('{{servers|%s}}', { origins }, {})).toThrow(/unknown list/)
    expect(() => fillListTemplate('{{origins|{fall}}}', { origins }, {})).toThrow(
      /list origins names unknown \{fall\}/,
    )
    expect(() => fillListTemplate('{{fall}}', { origins }, {})).toThrow(/unknown \{\{fall\}\}/)
  })

  it('leaves single-brace names outside lists alone (Caddy placeholders, nginx blocks)', () => {
    expect(fillListTemplate('header X {host}\nserver {\n}', {}, {})).toBe(
      'header X {host}\nserver {\n}',
    )
  })
})

describe('balancerValues', () => {
  const input = {
    origins: [
      { host: '127.0.0.1', port: 8001 },
      { host: '127.0.0.1', port: 8002 },
    ],
    backups: [{ host: '127.0.0.1', port: 8100 }],
    healthPath: '/hc',
  }

  it('takes the scalars from the profile and the weights in origin order', () => {
    const { lists, values } = balancerValues(
      {
        ...input,
        profile: {
          policy: 'weighted',
          weights: [2],
          retries: { idempotent: 2 },
          passive: { max_fails: 1, fail_timeout_s: 10 },
          active: { path: '/x', interval_ms: 500, timeout_ms: 400, fall: 3, rise: 2 },
        },
      },
      9000,
      '/tmp/d',
    )
    expect(lists.origins?.map((o) => o.weight)).toEqual([2, 1])
    expect(lists.backup).toEqual([{ host: '127.0.0.1', port: 8100 }])
    expect(values).toMatchObject({
      port: '9000',
      dir: '/tmp/d',
      health_path: '/hc',
      health_method: 'GET',
      interval_ms: '500',
      interval_s: '0.5',
      timeout_ms: '400',
      timeout_s: '1',
      fall: '3',
      rise: '2',
      max_fails: '1',
      fail_timeout_s: '10',
      retries: '2',
      tries: '3',
      origins: '127.0.0.1:8001,127.0.0.1:8002',
      backup: '127.0.0.1:8100',
    })
  })

  it('leaves out what the profile does not declare', () => {
    const { values } = balancerValues({ ...input, profile: { policy: 'round-robin' } }, 1, '/d')
    expect(values).not.toHaveProperty('interval_ms')
    expect(values).not.toHaveProperty('max_fails')
  })
})
