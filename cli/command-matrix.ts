import { DEFAULT_MATRIX_CONCURRENCY } from '../harness/engine/environment/environment.js'
import { mkdir } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { HarnessError } from '../harness/net/errors.js'
import { PEERS } from '../harness/peers/catalog.js'
import { PEER_CLI_OPTIONS, peerOptionsFrom } from '../harness/peers/cli-options.js'
import type { PeerRunInfo } from '../reports/matrix/model.js'
import {
  MATRIX_SHARD_KIND,
  matrixShardFileName,
  type MatrixShard,
} from '../reports/matrix/shard.js'
import {
  profileLabel,
  profileOnlyCases,
  resolveProfile,
  shownProfileName,
} from '../harness/peers/profiles.js'
import {
  PEER_NAMES,
  type PeerName,
  type PeerProfile,
  type StartedPeer,
} from '../harness/peers/types.js'
import { executeRun, planRun } from '../harness/engine/runner/run.js'
import { selectCases, type Selection } from '../harness/engine/runner/select.js'
import {
  parseShard,
  sliceShard,
  unitKey,
  unitRef,
  type RunUnit,
  type Shard,
} from '../harness/engine/runner/shard.js'
import { appliesTo, type ConformanceCase } from '../harness/engine/model/case.js'
import { SCHEMA_VERSION } from '../harness/engine/model/run-result.js'
import type { Role } from '../harness/engine/model/roles.js'
import { toolVersion } from '../harness/engine/runner/tool-version.js'
import { parseTarget, resolveRoles } from '../harness/engine/target/target-spec.js'
import { writeFileAtomic } from '../reports/write-file.js'
import { allCases } from '../suites/index.js'
import { parseCommandArgs, parsePositiveInt, splitList } from './args.js'
import { reasonsFrom, siteUrlFrom, writeMatrixOutput } from './matrix-output.js'
import { MATRIX_USAGE } from './usage.js'

const OPTIONS = {
  targets: { type: 'string', multiple: true },
  out: { type: 'string' },
  site: { type: 'string' },
  'site-url': { type: 'string' },
  reasons: { type: 'string' },
  suite: { type: 'string', multiple: true },
  case: { type: 'string', multiple: true },
  exclude: { type: 'string', multiple: true },
  timeout: { type: 'string' },
  concurrency: { type: 'string' },
  shard: { type: 'string' },
  ...PEER_CLI_OPTIONS,
  help: { type: 'boolean', short: 'h' },
} as const

/** One peer in one profile, as the matrix runs it. */
interface MatrixTarget {
  readonly name: PeerName
  readonly profile: PeerProfile | undefined
  /** Run every case (the default profile, or a profile named in --targets), else only its own. */
  readonly everyCase: boolean
}

/** peer:squid is every profile of squid (its default running every case); peer:squid:chained one. */
function matrixTargets(values: readonly string[] | undefined): MatrixTarget[] {
  const targets = splitList(values)
  // By default every peer that plays a role a suite runs in (varnish and caddy are balancers only).
  const every = PEER_NAMES.filter((n) => PEERS[n].roles.length > 0).map((n) => `peer:${n}`)
  const specs = (targets.length === 0 ? every : targets).map((text) => {
    const spec = parseTarget(text)
    if (spec.kind !== 'peer') {
      throw new HarnessError(
        'HARNESS_BAD_INPUT',
        `matrix compares real peers: "${text}" is not peer:NAME[:PROFILE] (known: ${PEER_NAMES.map((n) => `peer:${n}`).join(', ')})`,
      )
    }
    return spec
  })
  return specs.flatMap((spec): MatrixTarget[] => {
    const definition = PEERS[spec.name]
    if (spec.profile !== undefined)
      return [
        { name: spec.name, profile: resolveProfile(definition, spec.profile), everyCase: true },
      ]
    const profiles = definition.profiles ?? [undefined]
    return profiles.map((profile, i) => ({ name: spec.name, profile, everyCase: i === 0 }))
  })
}

/** One pass of the matrix, planned: a peer (in a profile) in some roles over some cases. */
interface MatrixPass {
  readonly name: PeerName
  readonly definition: (typeof PEERS)[PeerName]
  readonly profile: PeerProfile | undefined
  readonly target: ReturnType<typeof parseTarget>
  readonly label: string
  readonly roles: readonly Role[]
  readonly catalog: readonly ConformanceCase[]
  readonly selection: Selection
  /** Its evidence page under the site (matrix/squid-direct-ftp.html), which names the pass. */
  readonly evidence: string
  /** Its (case, role) units, in the canonical order (harness/engine/runner/shard.ts). */
  readonly units: readonly RunUnit[]
}

/**
 * The passes of the matrix, in the order they run: per peer (in each profile),
 * its HTTP roles, then as a balancer, then as an FTP gateway.
 */
function planPasses(targets: readonly MatrixTarget[], selection: Selection): MatrixPass[] {
  return targets.flatMap(({ name, profile, everyCase }) => {
    const definition = PEERS[name]
    const label = profileLabel(name, profile)
    const target = parseTarget(label)
    const allRoles = resolveRoles(target, [])
    const catalog = everyCase ? allCases() : profileOnlyCases(definition, profile, allCases())
    const shown = shownProfileName(profile)
    const pass = (roles: readonly Role[], cases: readonly ConformanceCase[], suffix: string) => ({
      name,
      definition,
      profile,
      target,
      label,
      roles,
      catalog: cases,
      selection,
      // "squid-direct", "apache-balancer", "squid-direct-ftp": the peer, its profile, then the pass.
      evidence: `matrix/${shown === undefined ? name : `${name}-${shown}`}${suffix}.html`,
      units: planRun({ target, roles, selection }, cases).units,
    })
    const passes: MatrixPass[] = []
    // The peer's own HTTP roles: every selected case.
    const roles = allRoles.filter((role) => role !== 'balancer' && role !== 'ftp-gateway')
    // A further profile with nothing of its own in the selection (e.g. --suite hop-by-hop).
    const selected = selectCases(catalog, selection)
    if (selected.some((c) => roles.some((role) => appliesTo(c, role))))
      passes.push(pass(roles, catalog, ''))
    // As a load balancer: the balancing cases, each over its own backends. The HTTP suites
    // through a balancer (`run --role balancer`) are left out here: the reverse columns show
    // those peers' HTTP behaviour, and a balancer column of them would repeat it.
    const balancing = catalog.filter((c) => c.balancer !== undefined)
    if (allRoles.includes('balancer') && selectCases(balancing, selection).length > 0)
      passes.push(pass(['balancer'], balancing, '-balancer'))
    // As an HTTP→FTP gateway (forward mode, absolute-form ftp://): the ftp-gateway cases
    // in a pass of their own, with the run's FTP origin, so the HTTP passes stay as they were.
    const ftpCases = catalog.filter((c) => appliesTo(c, 'ftp-gateway'))
    if (allRoles.includes('ftp-gateway') && selectCases(ftpCases, selection).length > 0)
      passes.push(pass(['ftp-gateway'], ftpCases, '-ftp'))
    return passes
  })
}

/**
 * The units of each pass that shard `shard` runs, as unit keys: the passes'
 * units in the matrix's order (each pass's by role, then by case) cut into
 * n contiguous, near-equal slices (sliceShard), so that a shard starts few
 * peers and each pass's roles stay together.
 */
function shardPasses(passes: readonly MatrixPass[], shard: Shard): Map<MatrixPass, Set<string>> {
  const all = passes.flatMap((pass) =>
    pass.units
      .map((unit, i) => ({ pass, unit, i }))
      .sort(
        (a, b) => pass.roles.indexOf(a.unit.role) - pass.roles.indexOf(b.unit.role) || a.i - b.i,
      ),
  )
  const mine = new Map<MatrixPass, Set<string>>()
  for (const { pass, unit } of sliceShard(all, shard)) {
    const keys = mine.get(pass) ?? new Set<string>()
    keys.add(unitKey(unitRef(unit)))
    mine.set(pass, keys)
  }
  return mine
}

/** One run of the matrix: a pass, or with `keys` the share of it a matrix shard runs. */
async function matrixPass(
  pass: MatrixPass,
  options: {
    readonly timeoutMs: number
    readonly concurrency: number
    readonly peerOptions: ReturnType<typeof peerOptionsFrom>
  },
  share?: { readonly shard: Shard; readonly keys: ReadonlySet<string> },
): Promise<PeerRunInfo> {
  const { name, definition, profile, roles } = pass
  const started: StartedPeer[] = []
  const passStarted = performance.now()
  const run = await executeRun(
    {
      target: pass.target,
      roles,
      selection: pass.selection,
      timeoutMs: options.timeoutMs,
      concurrency: options.concurrency,
      peer: { ...options.peerOptions, onStarted: (peer) => started.push(peer) },
      ...(share === undefined
        ? {}
        : {
            shard: {
              ...share.shard,
              take: (units: readonly RunUnit[]) =>
                units.filter((u) => share.keys.has(unitKey(unitRef(u)))),
            },
          }),
    },
    pass.catalog,
  )
  const first = started[0]
  const shown = shownProfileName(profile)
  const s = run.summary.byStatus
  // The pass's time and the peer's share of it spent starting (a balancer starts once per case).
  const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`
  const startupMs = started.reduce((sum, p) => sum + (p.startMs ?? 0), 0)
  process.stdout.write(
    `${pass.label} [${roles.join(', ')}] ${first?.version ?? ''}: ${s.pass} pass, ${s.fail} fail, ${s.warn} warn, ${s.timeout} timeout, ${s.error} error, ${s.info} info, ${s.unsupported} unsupported${share === undefined ? '' : ` (${run.results.length} of its ${pass.units.length} units: shard ${share.shard.index}/${share.shard.count})`} (${seconds(performance.now() - passStarted)}, start-up ${seconds(startupMs)} over ${started.length} starts)\n`,
  )
  return {
    peer: name,
    ...(shown === undefined ? {} : { profile: shown }),
    version: first?.version ?? 'unknown',
    provider: first?.provider ?? 'native',
    where: first?.where ?? '',
    roles: [...new Set(started.map((p) => p.role))].map((role) => {
      const peer = started.find((p) => p.role === role)!
      return { role, templates: definition.templates(role, profile), files: peer.files }
    }),
    evidence: pass.evidence,
    run,
  }
}

/**
 * `proxyspec matrix`: every selected suite on every peer in each role it
 * plays (a peer with profiles: its default profile runs every case, each
 * further profile only the cases the default cannot, e.g. squid's chained
 * CONNECT cases under peer:squid:chained); writes matrix.md into --out (default docs/), and
 * the evidence site into --site (default matrix-site/): index.html (the matrix) and each
 * peer's full report under matrix/, which the cells link to. With --shard i/n
 * it runs its share of the passes' units and writes matrix-shard-i-of-n.json
 * into --out instead, which `proxyspec merge` joins into the matrix. Exit 0
 * once the matrix is written: non-conformance is what the matrix shows, not a
 * failure of the command; 2 when a peer cannot be started.
 */
export async function commandMatrix(args: readonly string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, OPTIONS, 'proxyspec matrix --help')
  if (values.help === true) {
    process.stdout.write(MATRIX_USAGE)
    return 0
  }
  if (positionals.length > 0) {
    throw new HarnessError(
      'HARNESS_BAD_INPUT',
      `unexpected argument "${positionals[0] ?? ''}" (see: proxyspec matrix --help)`,
    )
  }
  const shard = values.shard === undefined ? undefined : parseShard(values.shard)
  const outDir = resolve(values.out ?? 'docs')
  const siteDir = resolve(values.site ?? 'matrix-site')
  const siteUrl = siteUrlFrom(values['site-url'])
  const { reasons, reasonsPath } = reasonsFrom(values.reasons)
  const peerOptions = peerOptionsFrom(values)
  const timeoutMs = parsePositiveInt(values.timeout, '--timeout', 3000, 100)
  const concurrency = parsePositiveInt(
    values.concurrency,
    '--concurrency',
    DEFAULT_MATRIX_CONCURRENCY,
  )
  const selection = {
    suites: splitList(values.suite),
    cases: splitList(values.case),
    exclude: splitList(values.exclude),
  }
  const passes = planPasses(matrixTargets(values.targets), selection)
  await mkdir(outDir, { recursive: true })
  const options = { timeoutMs, concurrency, peerOptions }
  if (shard !== undefined) {
    const mine = shardPasses(passes, shard)
    const infos: PeerRunInfo[] = []
    for (const pass of passes) {
      const keys = mine.get(pass)
      if (keys !== undefined) infos.push(await matrixPass(pass, options, { shard, keys }))
    }
    const file: MatrixShard = {
      kind: MATRIX_SHARD_KIND,
      schemaVersion: SCHEMA_VERSION,
      tool: { name: 'proxyspec', version: toolVersion() },
      shard,
      selection: { targets: splitList(values.targets), ...selection },
      passes: passes.map((p) => ({ peer: p.name, evidence: p.evidence, units: p.units.length })),
      peers: infos,
    }
    const path = join(outDir, matrixShardFileName(shard))
    await writeFileAtomic(path, `${JSON.stringify(file)}\n`)
    const units = [...mine.values()].reduce((sum, keys) => sum + keys.size, 0)
    process.stdout.write(
      `matrix shard ${shard.index}/${shard.count}: ${units} of the matrix's ${passes.reduce((sum, p) => sum + p.units.length, 0)} (case, role) units, in ${infos.length} of its ${passes.length} passes: ${path} (proxyspec merge joins the ${shard.count} shards into the matrix)\n`,
    )
    return 0
  }
  await mkdir(join(siteDir, 'matrix'), { recursive: true })
  const infos: PeerRunInfo[] = []
  for (const pass of passes) infos.push(await matrixPass(pass, options))
  await writeMatrixOutput(infos, {
    outDir,
    siteDir,
    ...(siteUrl === undefined ? {} : { siteUrl }),
    reasons,
    reasonsPath,
  })
  return 0
}
