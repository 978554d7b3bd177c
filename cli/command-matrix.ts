import { DEFAULT_MATRIX_CONCURRENCY } from '../harness/engine/environment/environment.js'
import { existsSync } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { join, relative, resolve } from 'node:path'
import { HarnessError } from '../harness/net/errors.js'
import { PEERS } from '../harness/peers/catalog.js'
import { PEER_CLI_OPTIONS, peerOptionsFrom } from '../harness/peers/cli-options.js'
import { peerFixturesDir } from '../harness/peers/fixtures-dir.js'
import { buildMatrix, unexplained, type PeerRunInfo } from '../reports/matrix/model.js'
import { Reasons } from '../reports/matrix/reasons.js'
import { renderMatrixMarkdown, type MarkdownSite } from '../reports/matrix/render-markdown.js'
import { writeMatrixSite } from '../reports/matrix/site/index.js'
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
import { executeRun } from '../harness/engine/runner/run.js'
import { selectCases, type Selection } from '../harness/engine/runner/select.js'
import { appliesTo, type ConformanceCase } from '../harness/engine/model/case.js'
import type { Role } from '../harness/engine/model/roles.js'
import { toolVersion } from '../harness/engine/runner/tool-version.js'
import { parseTarget, resolveRoles } from '../harness/engine/target/target-spec.js'
import { caseAnchor } from '../reports/html-case.js'
import { renderHtml } from '../reports/render-html.js'
import { writeFileAtomic } from '../reports/write-file.js'
import { allCases } from '../suites/index.js'
import { parseCommandArgs, parsePositiveInt, splitList } from './args.js'
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
  // By default every peer that plays a role a suite runs in.
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

/** --site-url, checked: an http(s) URL, kept with one trailing slash. */
function siteUrlFrom(text: string | undefined): string | undefined {
  if (text === undefined) return undefined
  let url: URL
  try {
    url = new URL(text)
  } catch {
    throw new HarnessError('HARNESS_BAD_INPUT', `--site-url "${text}" is not a URL`)
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new HarnessError('HARNESS_BAD_INPUT', `--site-url "${text}" is not an http(s) URL`)
  return url.href.endsWith('/') ? url.href : `${url.href}/`
}

/**
 * How matrix.md links its cells: to the published site (--site-url), else to
 * the site folder relative to the Markdown, saying that the pages are built.
 */
function markdownSite(outDir: string, siteDir: string, siteUrl: string | undefined): MarkdownSite {
  if (siteUrl !== undefined)
    return { base: siteUrl, where: `The evidence pages are published at ${siteUrl}.` }
  const folder = relative(outDir, siteDir).split('\\').join('/')
  return {
    base: folder === '' ? '' : `${folder}/`,
    where: `The evidence pages (one HTML report per peer, every byte on both hops) are built, not committed: \`proxyspec matrix\` writes them to \`${folder === '' ? '.' : folder}/\`, and the folder can be published as it is (GitHub Pages; then \`--site-url\` makes these links point there).`,
  }
}

/** One run of the matrix: a peer (in a profile) in some roles over some cases, and its evidence page. */
async function matrixPass(
  pass: {
    readonly name: PeerName
    readonly definition: (typeof PEERS)[PeerName]
    readonly profile: PeerProfile | undefined
    readonly target: ReturnType<typeof parseTarget>
    readonly label: string
    readonly roles: readonly Role[]
    readonly catalog: readonly ConformanceCase[]
    readonly selection: Selection
    readonly siteDir: string
    readonly evidenceName: string
  },
  options: {
    readonly timeoutMs: number
    readonly concurrency: number
    readonly peerOptions: ReturnType<typeof peerOptionsFrom>
  },
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
    },
    pass.catalog,
  )
  const first = started[0]
  // "squid-direct", "apache-balancer", "squid-direct-ftp": the peer, its profile, then the pass.
  const passSuffix = pass.evidenceName.slice(name.length)
  const shown = shownProfileName(profile)
  const evidence = `matrix/${shown === undefined ? name : `${name}-${shown}`}${passSuffix}.html`
  await writeFileAtomic(join(pass.siteDir, evidence), renderHtml(run, { maxBytesPerEvent: 512 }))
  const s = run.summary.byStatus
  // The pass's time and the peer's share of it spent starting (a balancer starts once per case).
  const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`
  const startupMs = started.reduce((sum, p) => sum + (p.startMs ?? 0), 0)
  process.stdout.write(
    `${pass.label} [${roles.join(', ')}] ${first?.version ?? ''}: ${s.pass} pass, ${s.fail} fail, ${s.warn} warn, ${s.timeout} timeout, ${s.error} error, ${s.info} info, ${s.unsupported} unsupported (${seconds(performance.now() - passStarted)}, start-up ${seconds(startupMs)} over ${started.length} starts)\n`,
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
    evidence,
    run,
  }
}

/**
 * `proxyspec matrix`: every selected suite on every peer in each role it
 * plays (a peer with profiles: its default profile runs every case, each
 * further profile only the cases the default cannot, e.g. squid's chained
 * CONNECT cases under peer:squid:chained); writes matrix.md into --out (default docs/), and
 * the evidence site into --site (default matrix-site/): index.html (the matrix) and each
 * peer's full report under matrix/, which the cells link to. Exit 0 once
 * the matrix is written: non-conformance is what the matrix shows, not a
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
  const outDir = resolve(values.out ?? 'docs')
  const siteDir = resolve(values.site ?? 'matrix-site')
  const siteUrl = siteUrlFrom(values['site-url'])
  const reasonsPath = values.reasons ?? join(peerFixturesDir(), 'reasons.json')
  const reasons =
    values.reasons !== undefined || existsSync(reasonsPath)
      ? Reasons.read(reasonsPath)
      : Reasons.empty()
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
  await mkdir(outDir, { recursive: true })
  await mkdir(join(siteDir, 'matrix'), { recursive: true })

  const infos: PeerRunInfo[] = []
  for (const { name, profile, everyCase } of matrixTargets(values.targets)) {
    const definition = PEERS[name]
    const label = profileLabel(name, profile)
    const target = parseTarget(label)
    const allRoles = resolveRoles(target, [])
    const catalog = everyCase ? allCases() : profileOnlyCases(definition, profile, allCases())
    const pass = { name, definition, profile, target, label, selection, siteDir }
    const options = { timeoutMs, concurrency, peerOptions }
    // The peer's own HTTP roles: every selected case.
    const roles = allRoles.filter((role) => role !== 'balancer' && role !== 'ftp-gateway')
    // A further profile with nothing of its own in the selection (e.g. --suite hop-by-hop).
    const selected = selectCases(catalog, selection)
    if (selected.some((c) => roles.some((role) => appliesTo(c, role))))
      infos.push(await matrixPass({ ...pass, roles, catalog, evidenceName: name }, options))
    // As a load balancer: the balancing cases, each over its own backends. The HTTP suites
    // through a balancer (`run --role balancer`) are left out here: the reverse columns show
    // those peers' HTTP behaviour, and a balancer column of them would repeat it.
    const balancing = catalog.filter((c) => c.balancer !== undefined)
    if (allRoles.includes('balancer') && selectCases(balancing, selection).length > 0) {
      infos.push(
        await matrixPass(
          {
            ...pass,
            roles: ['balancer' as const],
            catalog: balancing,
            evidenceName: `${name}-balancer`,
          },
          options,
        ),
      )
    }
    // As an HTTP→FTP gateway (forward mode, absolute-form ftp://): the ftp-gateway cases
    // in a pass of their own, with the run's FTP origin, so the HTTP passes stay as they were.
    const ftpCases = catalog.filter((c) => appliesTo(c, 'ftp-gateway'))
    if (allRoles.includes('ftp-gateway') && selectCases(ftpCases, selection).length > 0) {
      infos.push(
        await matrixPass(
          {
            ...pass,
            roles: ['ftp-gateway' as const],
            catalog: ftpCases,
            evidenceName: `${name}-ftp`,
          },
          options,
        ),
      )
    }
  }
  const matrix = buildMatrix(infos, reasons, caseAnchor, toolVersion())
  const markdown = renderMatrixMarkdown(matrix, markdownSite(outDir, siteDir, siteUrl))
  await writeFileAtomic(join(outDir, 'matrix.md'), markdown)
  // The site: a folder GitHub Pages (or any static host) serves as it is.
  await writeMatrixSite(siteDir, matrix)
  const missing = unexplained(matrix)
  process.stdout.write(
    `matrix: ${join(outDir, 'matrix.md')}; evidence site: ${join(siteDir, 'index.html')} (publish the folder as it is)\n`,
  )
  if (missing.length > 0) {
    process.stdout.write(
      `${missing.length} non-pass cells have no reason in ${reasonsPath}:\n${missing.map((m) => `  ${m}`).join('\n')}\n`,
    )
  }
  return 0
}
