import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ROLES } from '../harness/engine/model/roles.js'
import { PEER_NAMES } from '../harness/peers/types.js'
import { REPORT_FORMATS } from '../reports/index.js'
import {
  configOptionValues,
  configSchemaPath,
  loadConfig,
  mergeOptionValues,
  type LoadedConfig,
} from './config-file.js'

let dir: string

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cli-config-'))
})

afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

/** Writes `content` as `name` in a fresh directory and loads it from there. */
async function load(name: string, content: unknown, explicit?: string): Promise<LoadedConfig> {
  const sub = await mkdtemp(join(dir, 'c-'))
  await writeFile(
    join(sub, name),
    typeof content === 'string' ? content : JSON.stringify(content, null, 2),
  )
  const loaded = await loadConfig(sub, explicit)
  if (loaded === undefined) throw new Error('no config found')
  return loaded
}

const failure = (name: string, content: unknown): Promise<string> =>
  load(name, content).then(
    () => 'loaded',
    (error: unknown) => (error instanceof Error ? error.message : String(error)),
  )

describe('loadConfig', () => {
  it('finds nothing in a directory without a config', async () => {
    expect(await loadConfig(dir)).toBeUndefined()
  })

  it('loads proxyspec.config.json and resolves its paths against its directory', async () => {
    const loaded = await load('proxyspec.config.json', {
      target: 'builtin:reference',
      role: 'reverse',
      suite: ['keep-alive'],
      exclude: 'KA-06',
      report: ['json', 'md'],
      out: 'reports',
      expectations: 'expect.json',
      timeout: 2000,
      originPort: 9000,
      host: 'example.test',
      strict: true,
      shard: '2/4',
      peerImage: { nginx: 'nginx:1.25' },
    })
    expect(loaded.label).toBe('proxyspec.config.json')
    expect(loaded.notes).toEqual([])
    const values = configOptionValues(loaded)
    expect(values).toEqual({
      target: 'builtin:reference',
      role: ['reverse'],
      suite: ['keep-alive'],
      exclude: ['KA-06'],
      report: ['json', 'md'],
      out: join(loaded.path, '..', 'reports'),
      expectations: join(loaded.path, '..', 'expect.json'),
      timeout: '2000',
      'origin-port': '9000',
      host: 'example.test',
      strict: true,
      shard: '2/4',
      'peer-image': ['nginx=nginx:1.25'],
    })
  })

  it('loads an .mjs default export, and notes the reserved keys', async () => {
    const loaded = await load(
      'proxyspec.config.mjs',
      "export default { role: ['forward'], credentials: { user: 'u' }, profile: {} }\n",
    )
    expect(configOptionValues(loaded)).toEqual({ role: ['forward'] })
    expect(loaded.notes).toEqual([
      'note: proxyspec.config.mjs: "credentials" is reserved and not used by this version of proxyspec',
      'note: proxyspec.config.mjs: "profile" is reserved and not used by this version of proxyspec',
    ])
  })

  it.each([
    [{ rolez: 'reverse' }, 'proxyspec.config.json: unknown key "rolez" (at /rolez)'],
    [
      { role: 'gateway' },
      'proxyspec.config.json: "role" takes "forward", "reverse", "tls-terminator", "tls-originator", "tunnel", "balancer", "ftp-gateway", not "gateway" (at /role)',
    ],
    [{ role: ['reverse', 'fwd'] }, /"role" takes "forward", .*not "fwd" \(at \/role\/1\)$/],
    [
      { role: 5 },
      'proxyspec.config.json: "role" must be a role or an array of roles, not 5 (at /role)',
    ],
    [{ timeout: 'soon' }, 'proxyspec.config.json: "timeout" must be integer (at /timeout)'],
    [{ timeout: 10 }, 'proxyspec.config.json: "timeout" must be >= 100 (at /timeout)'],
    [{ host: 'a b' }, /"host" must match pattern .* \(at \/host\)$/],
    [{ shard: 'half' }, /"shard" must match pattern .* \(at \/shard\)$/],
    [{ peerImage: { nginz: 'x' } }, /"peerImage" .*"nginz"/],
    [
      { target: 'builtin:reference', spawn: 'x' },
      'proxyspec.config.json: "target" and "spawn" exclude each other (at /)',
    ],
    [
      { target: 'http://10.0.0.1:8080' },
      /proxyspec.config.json: target "http:\/\/10.0.0.1:8080" is not on loopback.* \(at \/target\)$/,
    ],
    [[1, 2], 'proxyspec.config.json: must hold one object ({ "target": …, "role": … }), not [1,2]'],
    ['{ "role": ', /^\[proxyspec\] proxyspec.config.json: not valid JSON: /],
  ])('refuses %j with one line naming the key', async (content, message) => {
    const text = await failure('proxyspec.config.json', content)
    expect(text.split('\n')).toHaveLength(1)
    if (typeof message === 'string') expect(text).toBe(`[proxyspec] ${message}`)
    else expect(text).toMatch(message)
  })

  it('refuses a missing --config file, a .ts file and two configs at once', async () => {
    await expect(loadConfig(dir, 'nope.json')).rejects.toThrow(/nope.json: config file not found/)
    expect(await failure('proxyspec.config.ts', 'export default {}')).toMatch(
      /^\[proxyspec\] proxyspec.config.ts: a .ts config is not loaded .*rename it .mjs/,
    )
    const ts = await load('x.json', {}, 'x.json').then((l) => join(l.path, '..'))
    await writeFile(join(ts, 'p.yaml'), 'role: forward')
    await expect(loadConfig(ts, 'p.yaml')).rejects.toThrow(/unsupported config file type ".yaml"/)
    await writeFile(join(ts, 'proxyspec.config.json'), '{}')
    await writeFile(join(ts, 'proxyspec.config.mjs'), 'export default {}')
    await expect(loadConfig(ts)).rejects.toThrow(
      /two config files .*proxyspec.config.json and proxyspec.config.mjs/,
    )
  })
})

describe('mergeOptionValues', () => {
  const file = {
    target: 'builtin:reference',
    role: ['reverse'],
    suite: ['connect'],
    case: ['KA-06'],
    exclude: ['KA-01'],
    timeout: '2000',
  }

  it('lets each flag replace its key, lists included', () => {
    expect(mergeOptionValues(file, { timeout: '500', role: ['forward'], host: undefined })).toEqual(
      { ...file, timeout: '500', role: ['forward'] },
    )
  })

  it('replaces the file target and spawn together, and suite and case together', () => {
    expect(mergeOptionValues(file, { spawn: 'x {port}', case: ['HOP-13'] })).toEqual({
      spawn: 'x {port}',
      role: ['reverse'],
      case: ['HOP-13'],
      exclude: ['KA-01'],
      timeout: '2000',
    })
  })
})

describe('config.schema.json', () => {
  it('lists the roles, report formats and peers the code knows', async () => {
    const schema = JSON.parse(await readFile(configSchemaPath(), 'utf8')) as {
      $defs: { role: { enum: string[] }; reportFormat: { enum: string[] } }
      properties: { peerImage: { propertyNames: { enum: string[] } } }
    }
    expect(schema.$defs.role.enum).toEqual([...ROLES])
    expect(schema.$defs.reportFormat.enum).toEqual([...REPORT_FORMATS])
    expect(schema.properties.peerImage.propertyNames.enum).toEqual([...PEER_NAMES])
  })
})
