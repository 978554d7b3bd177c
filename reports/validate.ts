import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import type { Ajv2020 as Ajv2020Class, ErrorObject, ValidateFunction } from 'ajv/dist/2020.js'
import { SCHEMA_VERSION, type RunResult } from '../harness/engine/model/run-result.js'

// The schema is a JSON file next to this module in the source tree. The build
// (tsconfig.build.json) emits only .ts, so from dist/reports/ it is found back
// in the source tree; a build step that copies it next to the .js also works.
const SCHEMA_CANDIDATES = [
  new URL('./run-result.schema.json', import.meta.url),
  new URL('../../reports/run-result.schema.json', import.meta.url),
]

/** Where run-result.schema.json was found, for tools that publish or serve it. */
export function runResultSchemaPath(): string {
  for (const url of SCHEMA_CANDIDATES) {
    const path = fileURLToPath(url)
    if (existsSync(path)) return path
  }
  throw new Error(
    `run-result.schema.json not found next to ${fileURLToPath(import.meta.url)} (looked in: ${SCHEMA_CANDIDATES.map((u) => fileURLToPath(u)).join(', ')})`,
  )
}

let compiled: ValidateFunction | undefined

// ajv is loaded on first use, so importing the reports never needs it: only
// validating does. `proxyspec diff` and `run --baseline` validate their input,
// so an installation without ajv (while it is still a dev dependency) falls
// back to the structural checks the diff relies on (shallowCheck).
function validator(): ValidateFunction | undefined {
  if (compiled !== undefined) return compiled
  const require = createRequire(import.meta.url)
  let Ajv2020: typeof Ajv2020Class
  try {
    ;({ Ajv2020 } = require('ajv/dist/2020') as { Ajv2020: typeof Ajv2020Class })
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND') return undefined
    throw error
  }
  const schema = JSON.parse(readFileSync(runResultSchemaPath(), 'utf8')) as object
  compiled = new Ajv2020({ allErrors: true, strict: true }).compile(schema)
  return compiled
}

function describe(error: ErrorObject): string {
  const at = error.instancePath === '' ? '(root)' : error.instancePath
  const params = error.params as Record<string, unknown>
  const detail =
    typeof params.additionalProperty === 'string'
      ? ` "${params.additionalProperty}"`
      : Array.isArray(params.allowedValues)
        ? ` (${params.allowedValues.map((v) => JSON.stringify(v)).join(', ')})`
        : ''
  return `${at} ${error.message ?? 'is invalid'}${detail}`
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

/** Without ajv: the fields diffs and renderers read, so a wrong file still fails with a reason. */
export function shallowCheck(value: unknown): { valid: boolean; errors: string[] } {
  const errors: string[] = []
  if (!isObject(value)) return { valid: false, errors: ['(root) must be object'] }
  for (const key of ['tool', 'run', 'target', 'summary'])
    if (!isObject(value[key])) errors.push(`/${key} must be object`)
  const results = value.results
  if (!Array.isArray(results)) errors.push('/results must be array')
  else
    results.forEach((r: unknown, i) => {
      if (!isObject(r) || typeof r.id !== 'string' || typeof r.role !== 'string')
        errors.push(`/results/${i} must have an id and a role`)
      else if (!isObject(r.verdict) || typeof r.verdict.status !== 'string')
        errors.push(`/results/${i}/verdict must have a status`)
    })
  return { valid: errors.length === 0, errors }
}

/**
 * Checks a value against reports/run-result.schema.json.
 * @example
 * const { valid, errors } = validateRunResult(JSON.parse(text))
 * if (!valid) console.error(errors.join('\n'))
 */
export function validateRunResult(value: unknown): { valid: boolean; errors: string[] } {
  const validate = validator()
  if (validate === undefined) return shallowCheck(value)
  if (validate(value)) return { valid: true, errors: [] }
  return { valid: false, errors: (validate.errors ?? []).map(describe) }
}

/**
 * Parses and validates a RunResult file's text (a --baseline, or an argument
 * of `proxyspec diff`). Throws an Error whose message is one line and starts
 * with the problem; the caller prefixes the file name.
 */
export function parseRunResult(text: string): RunResult {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    throw new Error(`not valid JSON (${error instanceof Error ? error.message : String(error)})`)
  }
  return checkRunResult(value)
}

/** parseRunResult for a value already parsed: the same one-line Error when it is no RunResult. */
export function checkRunResult(value: unknown): RunResult {
  const version = (value as { schemaVersion?: unknown } | null)?.schemaVersion
  if (typeof value === 'object' && value !== null && version !== SCHEMA_VERSION) {
    throw new Error(
      `schemaVersion ${JSON.stringify(version)} is not one this proxyspec reads (${SCHEMA_VERSION})`,
    )
  }
  const { valid, errors } = validateRunResult(value)
  if (!valid) {
    const more = errors.length > 3 ? ` (and ${errors.length - 3} more)` : ''
    throw new Error(`not a proxyspec RunResult: ${errors.slice(0, 3).join('; ')}${more}`)
  }
  return value as RunResult
}
