/**
 * The target profile: proxyspec.config.json (or .mjs / .js exporting the same
 * object as default) in the working directory, or the file `--config` names.
 * Every key is a long option of `proxyspec run` in camelCase; a repeatable
 * option takes a string or an array. The file is checked against
 * config.schema.json (shipped as dist/cli/config.schema.json) before anything
 * starts; a bad key is one line naming it, exit 2.
 *
 * TypeScript (proxyspec.config.ts) is not loaded: Node 20 cannot import it
 * without a TS runtime. Write proxyspec.config.mjs with a JSDoc type instead:
 * `/** @type {import('proxyspec').ProxyspecConfig} *\/ export default {…}`.
 */
import { existsSync, readFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { basename, dirname, extname, join, relative, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import type { Ajv2020 as Ajv2020Class, ErrorObject, ValidateFunction } from 'ajv/dist/2020.js'
import type { FtpMode, Role } from '../harness/engine/model/roles.js'
import type { Front } from '../harness/engine/model/front.js'
import { HarnessError, isHarnessError } from '../harness/net/errors.js'
import type { PeerName } from '../harness/peers/types.js'
import { parseTarget } from '../harness/engine/target/target-spec.js'
import type { ReportFormat } from '../reports/index.js'

type OneOrMany<T> = T | readonly T[]

/** What proxyspec.config.json may hold (config.schema.json says the same for editors). */
export interface ProxyspecConfig {
  readonly $schema?: string
  /** http://127.0.0.1:PORT, builtin:NAME or peer:NAME; excludes `spawn`. */
  readonly target?: string
  /** The command that starts the intermediary, with {port}, {origin}… placeholders. */
  readonly spawn?: string
  readonly role?: OneOrMany<Role>
  readonly suite?: OneOrMany<string>
  readonly case?: OneOrMany<string>
  readonly exclude?: OneOrMany<string>
  readonly report?: OneOrMany<ReportFormat>
  /** Relative to the config file's directory. */
  readonly out?: string
  /** Relative to the config file's directory. */
  readonly baseline?: string
  /** Relative to the config file's directory. */
  readonly expectations?: string
  readonly repeat?: number
  /** Per-case deadline, ms. */
  readonly timeout?: number
  readonly concurrency?: number
  readonly originPort?: number
  /** The Host sent to the gateway roles instead of the origin's host:port. */
  readonly host?: string
  readonly strict?: boolean
  /** Start a spawned target again when it goes down mid-run (--restart-on-crash). */
  readonly restartOnCrash?: boolean
  /** "i/n": run the i-th of n shares of the work (--shard; `proxyspec merge` joins them). */
  readonly shard?: string
  readonly peerProvider?: 'container' | 'native' | 'auto'
  readonly peerImage?: Readonly<Partial<Record<PeerName, string>>>
  /**
   * The proxy credentials the target requires, "USER:PASS" (--proxy-auth). A
   * committed file is no place for a real secret: CI can pass --proxy-auth
   * from its secret store instead, which overrides this key.
   */
  readonly proxyAuth?: string
  /**
   * The balancer profile the target is configured with (--lb-profile): a path
   * (relative to the config file's directory) or the profile inline.
   */
  readonly balancerProfile?: string | Readonly<Record<string, unknown>>
  /** The protocols spoken to the target (--front): "h1", "h2" or both. */
  readonly front?: OneOrMany<Front>
  /** How an ftp-gateway target is addressed (--ftp-mode): absolute-form ftp:// or /files/ → {ftp_base}. */
  readonly ftpMode?: FtpMode
  /** The FTP/read timeout in seconds the ftp-gateway target is configured with (--ftp-timeout, {ftp_timeout}). */
  readonly ftpTimeout?: number
  /** Reserved: other credentials a target needs (not used by this version). */
  readonly credentials?: Readonly<Record<string, unknown>>
  /** Reserved: a load-balancer profile (not used by this version). */
  readonly profile?: Readonly<Record<string, unknown>>
}

/** The names looked for in the working directory (a .ts one only to say it is not loaded). */
export const CONFIG_FILE_NAMES = [
  'proxyspec.config.json',
  'proxyspec.config.mjs',
  'proxyspec.config.js',
  'proxyspec.config.ts',
] as const

/** The keys accepted but not acted on yet: a note says so. */
const RESERVED_KEYS = ['credentials', 'profile'] as const

/** `run`'s option values as node:util parseArgs returns them: what a config is turned into. */
export interface RunOptionValues {
  target?: string | undefined
  spawn?: string | undefined
  role?: string[] | undefined
  suite?: string[] | undefined
  case?: string[] | undefined
  exclude?: string[] | undefined
  report?: string[] | undefined
  out?: string | undefined
  baseline?: string | undefined
  expectations?: string | undefined
  repeat?: string | undefined
  timeout?: string | undefined
  concurrency?: string | undefined
  'origin-port'?: string | undefined
  host?: string | undefined
  'proxy-auth'?: string | undefined
  'lb-profile'?: string | undefined
  'ftp-mode'?: string | undefined
  front?: string[] | undefined
  'ftp-timeout'?: string | undefined
  'restart-on-crash'?: boolean | undefined
  shard?: string | undefined
  strict?: boolean | undefined
  'peer-provider'?: string | undefined
  'peer-image'?: string[] | undefined
}

export interface LoadedConfig {
  /** As the user would name it: relative to the working directory when inside it. */
  readonly label: string
  readonly path: string
  readonly config: ProxyspecConfig
  /** Lines to print before the run (reserved keys present). */
  readonly notes: readonly string[]
}

const SCHEMA_CANDIDATES = [
  new URL('./config.schema.json', import.meta.url),
  new URL('../../cli/config.schema.json', import.meta.url),
]

/** Where config.schema.json was found (next to this module, or back in the source tree from dist/). */
export function configSchemaPath(): string {
  for (const url of SCHEMA_CANDIDATES) {
    const path = fileURLToPath(url)
    if (existsSync(path)) return path
  }
  throw new Error(`config.schema.json not found next to ${fileURLToPath(import.meta.url)}`)
}

let compiled: ValidateFunction | undefined

function validator(): ValidateFunction {
  if (compiled !== undefined) return compiled
  const require = createRequire(import.meta.url)
  const { Ajv2020 } = require('ajv/dist/2020') as { Ajv2020: typeof Ajv2020Class }
  const schema = JSON.parse(readFileSync(configSchemaPath(), 'utf8')) as object
  compiled = new Ajv2020({ strict: true, allErrors: false, verbose: true }).compile(schema)
  return compiled
}

function bad(label: string, message: string): HarnessError {
  return new HarnessError('HARNESS_BAD_INPUT', `${label}: ${message}`)
}

/** Lower first: an unknown key, then a word that is not one of the allowed ones, then the rest. */
function rank(error: ErrorObject): number {
  if (error.keyword === 'additionalProperties') return 0
  if (error.keyword === 'enum' && typeof error.data === 'string') return 1
  return error.keyword === 'not' ? 3 : 2
}

/** The one error worth a line: an unknown key first, then a wrong value, deepest first. */
function pickError(errors: readonly ErrorObject[]): ErrorObject | undefined {
  return [...errors].sort(
    (a, b) =>
      rank(a) - rank(b) ||
      // A oneOf names what the key takes ("a role or an array of roles"); its branches' type errors do not.
      Number(b.keyword === 'oneOf') - Number(a.keyword === 'oneOf') ||
      b.instancePath.length - a.instancePath.length,
  )[0]
}

/** One line for a schema error: `unknown key "rolez" (at /rolez)`. */
export function describeConfigError(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>
  const key = error.instancePath.split('/').find((p) => p !== '')
  const named = key === undefined ? 'the file' : `"${key}"`
  if (typeof params.additionalProperty === 'string') {
    const at = `${error.instancePath}/${params.additionalProperty}`
    return error.instancePath === ''
      ? `unknown key "${params.additionalProperty}" (at ${at})`
      : `unknown key "${params.additionalProperty}" in ${named} (at ${at})`
  }
  const at = error.instancePath === '' ? '/' : error.instancePath
  if (error.keyword === 'not') return `"target" and "spawn" exclude each other (at ${at})`
  if (Array.isArray(params.allowedValues)) {
    return `${named} takes ${params.allowedValues.map((v) => JSON.stringify(v)).join(', ')}, not ${JSON.stringify(error.data)} (at ${at})`
  }
  if (error.keyword === 'propertyNames' || typeof params.propertyName === 'string') {
    return `${named} has an unknown name "${String(params.propertyName)}" (at ${at})`
  }
  const schema = error.parentSchema as { readonly description?: string } | undefined
  if (error.keyword === 'oneOf' && schema?.description !== undefined) {
    return `${named} must be ${schema.description}, not ${JSON.stringify(error.data)} (at ${at})`
  }
  return `${named} ${error.message ?? 'is invalid'} (at ${at})`
}

async function readConfigValue(path: string, label: string): Promise<unknown> {
  const ext = extname(path)
  if (ext === '.json') {
    let text: string
    try {
      text = await readFile(path, 'utf8')
    } catch (error) {
      throw bad(label, `cannot read it (${(error as NodeJS.ErrnoException).code ?? String(error)})`)
    }
    try {
      return JSON.parse(text) as unknown
    } catch (error) {
      throw bad(label, `not valid JSON: ${error instanceof Error ? error.message : String(error)}`)
    }
  }
  if (ext === '.mjs' || ext === '.js') {
    let loaded: { default?: unknown }
    try {
      loaded = (await import(pathToFileURL(path).href)) as { default?: unknown }
    } catch (error) {
      const message = error instanceof Error ? error.message.split('\n')[0] : String(error)
      throw bad(label, `could not be loaded: ${message}`)
    }
    if (loaded.default === undefined) {
      throw bad(label, 'has no default export (export default { target: …, role: … })')
    }
    return loaded.default
  }
  throw bad(
    label,
    ext === '.ts'
      ? 'a .ts config is not loaded (Node would need a TypeScript runtime): rename it .mjs and keep the types in a JSDoc @type comment'
      : `unsupported config file type "${ext}" (supported: .json, and .mjs or .js exporting the config as default)`,
  )
}

/**
 * The config `run` uses: `explicit` (--config FILE) when given, else the
 * first of CONFIG_FILE_NAMES in `cwd`, else none. Throws HARNESS_BAD_INPUT
 * with one line for a missing, unreadable or invalid file.
 */
export async function loadConfig(
  cwd: string,
  explicit?: string,
): Promise<LoadedConfig | undefined> {
  let path: string
  if (explicit !== undefined) {
    path = resolve(cwd, explicit)
    if (!existsSync(path)) throw bad(explicit, 'config file not found')
  } else {
    const found = CONFIG_FILE_NAMES.map((name) => join(cwd, name)).filter((p) => existsSync(p))
    if (found.length === 0) return undefined
    if (found.length > 1) {
      throw new HarnessError(
        'HARNESS_BAD_INPUT',
        `two config files in ${cwd}: ${found.map((p) => basename(p)).join(' and ')}; keep one, or choose with --config FILE`,
      )
    }
    path = found[0] ?? ''
  }
  const rel = relative(cwd, path)
  const label = rel !== '' && !rel.startsWith('..') ? rel : path
  const value = await readConfigValue(path, label)
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw bad(
      label,
      `must hold one object ({ "target": …, "role": … }), not ${JSON.stringify(value)}`,
    )
  }
  const validate = validator()
  if (!validate(value)) {
    const error = pickError(validate.errors ?? [])
    throw bad(label, error === undefined ? 'does not match the schema' : describeConfigError(error))
  }
  const config = value as ProxyspecConfig
  if (config.target !== undefined) {
    try {
      parseTarget(config.target)
    } catch (error) {
      if (!isHarnessError(error)) throw error
      throw bad(label, `${error.message.replace(/^\[proxyspec\] /, '')} (at /target)`)
    }
  }
  const notes = RESERVED_KEYS.filter((key) => config[key] !== undefined).map(
    (key) => `note: ${label}: "${key}" is reserved and not used by this version of proxyspec`,
  )
  return { label, path, config, notes }
}

const list = (value: OneOrMany<string> | undefined): string[] | undefined =>
  value === undefined ? undefined : typeof value === 'string' ? [value] : [...value]

const text = (value: number | undefined): string | undefined =>
  value === undefined ? undefined : String(value)

function definedOnly(values: RunOptionValues): RunOptionValues {
  const entries = Object.entries(values) as [keyof RunOptionValues, unknown][]
  return Object.fromEntries(entries.filter(([, v]) => v !== undefined))
}

/** The config as `run`'s option values; paths resolved against the file's directory. */
export function configOptionValues(loaded: LoadedConfig): RunOptionValues {
  const { config } = loaded
  const dir = dirname(loaded.path)
  const path = (p: string | undefined): string | undefined =>
    p === undefined ? undefined : resolve(dir, p)
  const values: RunOptionValues = {
    target: config.target,
    spawn: config.spawn,
    role: list(config.role),
    suite: list(config.suite),
    case: list(config.case),
    exclude: list(config.exclude),
    report: list(config.report),
    out: path(config.out),
    baseline: path(config.baseline),
    expectations: path(config.expectations),
    repeat: text(config.repeat),
    timeout: text(config.timeout),
    concurrency: text(config.concurrency),
    'origin-port': text(config.originPort),
    host: config.host,
    'proxy-auth': config.proxyAuth,
    'lb-profile':
      typeof config.balancerProfile === 'string' ? path(config.balancerProfile) : undefined,
    'ftp-mode': config.ftpMode,
    front: list(config.front),
    'ftp-timeout': text(config.ftpTimeout),
    'restart-on-crash': config.restartOnCrash,
    shard: config.shard,
    strict: config.strict,
    'peer-provider': config.peerProvider,
    'peer-image':
      config.peerImage === undefined
        ? undefined
        : Object.entries(config.peerImage).map(([name, image]) => `${name}=${image ?? ''}`),
  }
  return definedOnly(values)
}

/**
 * Flags over the config: each flag given replaces the key of the same name,
 * lists included; `--target` or `--spawn` replaces both target and spawn of
 * the file, and `--suite` or `--case` replaces both its suite and case (the
 * command line's selection replaces the file's; `exclude` stays unless
 * `--exclude` is given).
 */
export function mergeOptionValues(
  fromConfig: RunOptionValues,
  fromFlags: RunOptionValues,
): RunOptionValues {
  const given = definedOnly(fromFlags)
  const merged: RunOptionValues = { ...fromConfig }
  if (given.target !== undefined || given.spawn !== undefined) {
    delete merged.target
    delete merged.spawn
  }
  if (given.suite !== undefined || given.case !== undefined) {
    delete merged.suite
    delete merged.case
  }
  return { ...merged, ...given }
}
