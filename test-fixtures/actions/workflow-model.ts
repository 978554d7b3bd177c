// What the GitHub Actions tests read from action.yml and docs/github-actions.md:
// the YAML as plain data, the `${{ … }}` expressions in it, and the checks a
// schema cannot make (inputs used are declared, composite run steps name their
// shell, needs form a graph without cycles, expressions name what exists).
import { parseDocument } from 'yaml'

export type Yaml = Record<string, unknown>

export interface Step {
  readonly id?: string
  readonly name?: string
  readonly if?: string
  readonly uses?: string
  readonly run?: string
  readonly shell?: string
  readonly env?: Record<string, unknown>
  readonly with?: Record<string, unknown>
}

/** Parses YAML strictly: a syntax error, a duplicate key or a warning is a thrown line. */
export function parseYaml(text: string, source: string): Yaml {
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: false })
  const problems = [...doc.errors, ...doc.warnings]
  if (problems.length > 0)
    throw new Error(`${source}: ${problems.map((p) => p.message.split('\n')[0]).join('; ')}`)
  const data: unknown = doc.toJS()
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    throw new Error(`${source}: not a YAML mapping`)
  return data as Yaml
}

/** The fenced ```yaml blocks of a Markdown file. */
export function yamlBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1] ?? '')
}

export const asRecord = (value: unknown): Yaml =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Yaml) : {}

/** A YAML scalar as the runner sees it: text (`node-version: 20` is "20"). */
export function scalar(value: unknown): string {
  if (value === undefined || value === null) return ''
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'boolean') return `${value}`
  throw new Error(`expected a scalar, got ${JSON.stringify(value)}`)
}

export const stepsOf = (value: unknown): Step[] => (Array.isArray(value) ? (value as Step[]) : [])

/** Every string anywhere in the data, with the path to it ("runs.steps[1].env.X"). */
export function strings(value: unknown, path = ''): { path: string; text: string }[] {
  if (typeof value === 'string') return [{ path, text: value }]
  if (Array.isArray(value)) return value.flatMap((v, i) => strings(v, `${path}[${i}]`))
  if (typeof value === 'object' && value !== null)
    return Object.entries(value).flatMap(([k, v]) => strings(v, path === '' ? k : `${path}.${k}`))
  return []
}

/** The bodies of the `${{ … }}` expressions in a text. */
export function expressions(text: string): string[] {
  return [...text.matchAll(/\$\{\{\s*([\s\S]*?)\s*\}\}/g)].map((m) => m[1] ?? '')
}

/** Names a context's properties are read by in the expressions (`inputs.role` → role). */
export function contextReads(text: string, context: string): string[] {
  const pattern = new RegExp(`\\b${context}\\.([A-Za-z_][A-Za-z0-9_-]*)`, 'g')
  return expressions(text).flatMap((e) => [...e.matchAll(pattern)].map((m) => m[1] ?? ''))
}

/** Problems of a composite action that its schema lets through. */
export function actionProblems(action: Yaml): string[] {
  const problems: string[] = []
  const inputs = Object.keys(asRecord(action.inputs))
  const runs = asRecord(action.runs)
  if (runs.using !== 'composite')
    problems.push(`runs.using is ${String(runs.using)}, not composite`)
  const steps = stepsOf(runs.steps)
  const used = new Set<string>()
  for (const { path, text } of strings(action)) {
    for (const name of contextReads(text, 'inputs')) {
      used.add(name)
      if (!inputs.includes(name))
        problems.push(`${path} reads inputs.${name}, which is not declared`)
    }
  }
  for (const name of inputs) if (!used.has(name)) problems.push(`input ${name} is never used`)
  const ids = steps.flatMap((s) => (s.id === undefined ? [] : [s.id]))
  if (new Set(ids).size !== ids.length) problems.push(`step ids repeat: ${ids.join(', ')}`)
  steps.forEach((step, i) => {
    const where = `runs.steps[${i}] (${step.name ?? step.uses ?? '?'})`
    if ((step.run === undefined) === (step.uses === undefined))
      problems.push(`${where} needs exactly one of run and uses`)
    if (step.run !== undefined && step.shell === undefined)
      problems.push(`${where} runs a script with no shell (a composite step must name it)`)
    // An expression pasted into a script is code an input can inject; env carries values.
    if (step.run !== undefined && expressions(step.run).length > 0)
      problems.push(`${where} pastes an expression into its script: pass it through env`)
    if (step.uses !== undefined && !/^[\w.-]+\/[\w./-]+@[\w.-]+$|^\.\//.test(step.uses))
      problems.push(`${where} uses ${step.uses} without a pinned @ref`)
    const before = steps.slice(0, i).flatMap((s) => (s.id === undefined ? [] : [s.id]))
    for (const { path, text } of strings(step)) {
      for (const id of contextReads(text, 'steps'))
        if (!before.includes(id))
          problems.push(`${where}.${path} reads steps.${id}, not a step before it`)
    }
  })
  for (const { path, text } of strings(action.outputs)) {
    for (const id of contextReads(text, 'steps'))
      if (!ids.includes(id)) problems.push(`outputs.${path} reads steps.${id}, no such step`)
  }
  return problems
}

/** Keys the job matrix of a job defines (its axes and the keys of its include entries). */
function matrixKeys(job: Yaml): Set<string> {
  const matrix = asRecord(asRecord(job.strategy).matrix)
  const keys = new Set(Object.keys(matrix).filter((k) => k !== 'include' && k !== 'exclude'))
  if (Array.isArray(matrix.include))
    for (const entry of matrix.include) for (const k of Object.keys(asRecord(entry))) keys.add(k)
  return keys
}

const needsOf = (job: Yaml): string[] =>
  typeof job.needs === 'string'
    ? [job.needs]
    : Array.isArray(job.needs)
      ? (job.needs as string[])
      : []

/** Problems of a workflow that its schema lets through. */
export function workflowProblems(workflow: Yaml): string[] {
  const problems: string[] = []
  const jobs = asRecord(workflow.jobs)
  const names = Object.keys(jobs)
  for (const [name, value] of Object.entries(jobs)) {
    const job = asRecord(value)
    const needs = needsOf(job)
    for (const need of needs)
      if (!names.includes(need)) problems.push(`jobs.${name} needs ${need}, no such job`)
    const keys = matrixKeys(job)
    const steps = stepsOf(job.steps)
    const ids = steps.flatMap((s) => (s.id === undefined ? [] : [s.id]))
    for (const { path, text } of strings(job)) {
      for (const key of contextReads(text, 'matrix'))
        if (!keys.has(key))
          problems.push(`jobs.${name}.${path} reads matrix.${key}, not in its matrix`)
      for (const job2 of contextReads(text, 'needs'))
        if (!needs.includes(job2))
          problems.push(`jobs.${name}.${path} reads needs.${job2}, not a need`)
      for (const id of contextReads(text, 'steps'))
        if (!ids.includes(id)) problems.push(`jobs.${name}.${path} reads steps.${id}, no such step`)
    }
    steps.forEach((step, i) => {
      const where = `jobs.${name}.steps[${i}] (${step.name ?? step.uses ?? '?'})`
      if ((step.run === undefined) === (step.uses === undefined))
        problems.push(`${where} needs exactly one of run and uses`)
      if (step.run !== undefined && expressions(step.run).length > 0)
        problems.push(`${where} pastes an expression into its script: pass it through env`)
      if (step.uses !== undefined && !/^[\w.-]+\/[\w./-]+@[\w.-]+$|^\.\//.test(step.uses))
        problems.push(`${where} uses ${step.uses} without a pinned @ref`)
    })
    if (steps.some((s) => s.uses?.startsWith('actions/deploy-pages@') === true)) {
      const permissions = asRecord(job.permissions)
      if (permissions.pages !== 'write' || permissions['id-token'] !== 'write')
        problems.push(`jobs.${name} deploys Pages without pages: write and id-token: write`)
      if (asRecord(job.environment).name !== 'github-pages')
        problems.push(`jobs.${name} deploys Pages outside the github-pages environment`)
      const uploads = needs.some((n) =>
        stepsOf(asRecord(jobs[n]).steps).some(
          (s) => s.uses?.startsWith('actions/upload-pages-artifact@') === true,
        ),
      )
      if (!uploads) problems.push(`jobs.${name} deploys Pages but no job it needs uploads the site`)
    }
  }
  // Cycles: a job reachable from itself through needs.
  const visiting = new Set<string>()
  const done = new Set<string>()
  const visit = (name: string, trail: string[]): void => {
    if (done.has(name)) return
    if (visiting.has(name)) {
      problems.push(`needs form a cycle: ${[...trail, name].join(' → ')}`)
      return
    }
    visiting.add(name)
    for (const need of needsOf(asRecord(jobs[name])))
      if (names.includes(need)) visit(need, [...trail, name])
    visiting.delete(name)
    done.add(name)
  }
  for (const name of names) visit(name, [])
  return problems
}
