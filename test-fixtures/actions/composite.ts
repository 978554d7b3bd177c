// Runs a composite action's steps the way a GitHub runner does, as far as this
// repository's action.yml needs: inputs with their defaults, `if:` with the
// few expressions it uses, `run:` steps under `bash --noprofile --norc -eo
// pipefail` with their env, GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files, and
// the actions it `uses` replaced by stand-ins. An expression the evaluator does
// not know is an error, so a new one in action.yml cannot pass untested.
import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { asRecord, scalar, stepsOf, type Step, type Yaml } from './workflow-model.js'

export interface StepRecord {
  readonly name: string
  readonly skipped: boolean
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

export interface ActionRun {
  /** The action's result: the exit code of the first step that failed, else 0. */
  readonly code: number
  readonly outputs: Record<string, string>
  readonly steps: readonly StepRecord[]
  /** What each `uses: actions/upload-artifact` step was given, its paths resolved. */
  readonly uploads: readonly { readonly name: string; readonly files: readonly string[] }[]
}

/** A stand-in for an action the composite `uses`: returns the step's exit code. */
export type UsesStandIn = (step: Step, evaluated: Record<string, string>) => number

interface Context {
  readonly inputs: Record<string, string>
  readonly steps: Record<string, { outputs: Record<string, string> }>
  readonly actionPath: string
  readonly failed: boolean
}

function value(ref: string, ctx: Context): string {
  const literal = /^'((?:[^']|'')*)'$/.exec(ref)
  if (literal !== null) return (literal[1] ?? '').replace(/''/g, "'")
  const input = /^inputs\.([\w-]+)$/.exec(ref)
  if (input !== null) return ctx.inputs[input[1] ?? ''] ?? ''
  const output = /^steps\.([\w-]+)\.outputs\.([\w-]+)$/.exec(ref)
  if (output !== null) return ctx.steps[output[1] ?? '']?.outputs[output[2] ?? ''] ?? ''
  if (ref === 'github.action_path') return ctx.actionPath
  throw new Error(`the composite runner does not know the expression "${ref}"`)
}

function truth(expression: string, ctx: Context): boolean {
  return expression.split('&&').every((term) => {
    const t = term.trim()
    if (t === '!cancelled()') return true
    if (t === 'success()') return !ctx.failed
    if (t === 'always()') return true
    const cmp = /^(.+?)\s*(==|!=)\s*(.+)$/.exec(t)
    if (cmp === null) throw new Error(`the composite runner does not know the condition "${t}"`)
    const same = value((cmp[1] ?? '').trim(), ctx) === value((cmp[3] ?? '').trim(), ctx)
    return cmp[2] === '==' ? same : !same
  })
}

const interpolate = (text: string, ctx: Context): string =>
  text.replace(/\$\{\{\s*([\s\S]*?)\s*\}\}/g, (_m, expr: string) => value(expr, ctx))

function condition(step: Step, ctx: Context): boolean {
  if (step.if === undefined) return !ctx.failed
  const body = /^\$\{\{\s*([\s\S]*?)\s*\}\}$/.exec(step.if.trim())?.[1] ?? step.if
  return truth(body, ctx)
}

function bash(
  script: string,
  options: { cwd: string; env: Record<string, string> },
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      'bash',
      ['--noprofile', '--norc', '-eo', 'pipefail', '-c', script],
      { cwd: options.cwd, env: options.env, timeout: 120_000, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1
        resolve({ code, stdout, stderr })
      },
    )
  })
}

async function readOutputs(file: string): Promise<Record<string, string>> {
  const text = existsSync(file) ? await readFile(file, 'utf8') : ''
  const outputs: Record<string, string> = {}
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=')
    if (eq > 0) outputs[line.slice(0, eq)] = line.slice(eq + 1)
  }
  return outputs
}

/**
 * Runs `action` (parsed action.yml) in `workspace` with `given` inputs.
 * `env` is the runner's environment (PATH, and GITHUB_STEP_SUMMARY's file).
 */
export async function runComposite(
  action: Yaml,
  options: {
    readonly given: Record<string, string>
    readonly workspace: string
    readonly actionPath: string
    readonly env: Record<string, string>
    readonly uses: Record<string, UsesStandIn>
  },
): Promise<ActionRun> {
  const declared = asRecord(action.inputs)
  for (const name of Object.keys(options.given))
    if (!(name in declared)) throw new Error(`action.yml has no input "${name}"`)
  const inputs: Record<string, string> = {}
  for (const [name, spec] of Object.entries(declared)) {
    inputs[name] = options.given[name] ?? scalar(asRecord(spec).default)
  }
  let ctx: Context = { inputs, steps: {}, actionPath: options.actionPath, failed: false }
  let code = 0
  const records: StepRecord[] = []
  const uploads: { name: string; files: string[] }[] = []
  for (const [i, step] of stepsOf(asRecord(action.runs).steps).entries()) {
    const name = step.name ?? step.uses ?? `step ${i}`
    if (!condition(step, ctx)) {
      records.push({ name, skipped: true, code: 0, stdout: '', stderr: '' })
      continue
    }
    const env: Record<string, string> = {}
    for (const [k, v] of Object.entries(step.env ?? {})) env[k] = interpolate(scalar(v), ctx)
    let result = { code: 0, stdout: '', stderr: '' }
    let outputs: Record<string, string> = {}
    if (step.run !== undefined) {
      const outputFile = join(options.workspace, `.github-output-${i}`)
      await writeFile(outputFile, '')
      result = await bash(step.run, {
        cwd: options.workspace,
        env: {
          ...options.env,
          ...env,
          GITHUB_OUTPUT: outputFile,
          GITHUB_ACTION_PATH: options.actionPath,
        },
      })
      outputs = await readOutputs(outputFile)
    } else if (step.uses !== undefined) {
      const withValues: Record<string, string> = {}
      for (const [k, v] of Object.entries(step.with ?? {}))
        withValues[k] = interpolate(scalar(v), ctx)
      const action = step.uses.replace(/@.*$/, '')
      if (action === 'actions/upload-artifact') {
        const files = (withValues.path ?? '')
          .split('\n')
          .map((p) => p.trim())
          .filter((p) => p !== '')
        uploads.push({
          name: withValues.name ?? '',
          files: files.filter((f) => existsSync(join(options.workspace, f))),
        })
      } else {
        const standIn = options.uses[action]
        if (standIn === undefined) throw new Error(`no stand-in for ${step.uses}`)
        result = { ...result, code: standIn(step, withValues) }
      }
    }
    records.push({ name, skipped: false, ...result })
    if (step.id !== undefined) ctx = { ...ctx, steps: { ...ctx.steps, [step.id]: { outputs } } }
    if (result.code !== 0 && code === 0) {
      code = result.code
      ctx = { ...ctx, failed: true }
    }
  }
  const outputs: Record<string, string> = {}
  for (const [name, spec] of Object.entries(asRecord(action.outputs)))
    outputs[name] = interpolate(scalar(asRecord(spec).value), ctx)
  return { code, outputs, steps: records, uploads }
}
