import type { BalanceRequest } from '../../harness/engine/model/balance.js'
import type { BalancerProfile } from '../../harness/engine/model/balancer-profile.js'
import { defineCase } from '../../harness/engine/model/case.js'
import type { CaseContext } from '../../harness/engine/model/case-context.js'
import { conforms, observed, violates, type Outcome } from '../../harness/engine/model/outcome.js'
import { parseSetCookie, setCookieLines, setCookieSyntaxProblem } from './cookie-jar.js'
import { removalBoundMs, slackMs } from './failover.js'
import { backendsOf, deliveries, requestId } from './lb.js'
import {
  needsSticky,
  originCookies,
  setOriginCookies,
  STICKY_PROFILE,
  StickyClient,
  type StickyAnswer,
} from './sticky.js'

/**
 * LB-21: 50 clients × 20 requests in the catalog. The pinning case sends 30 clients × 6
 * requests: 150 requests that carry the cookie, from clients pinned all over the backends.
 * A balancer that breaks a pin with probability ε on a request is caught with probability
 * 1 − (1 − ε)^150: 0.95 for ε = 2 %, 0.78 for ε = 1 %; one that ignores the cookie under
 * round robin is caught by nearly every client. The catalog's 1000 requests took about 4 s
 * on the reference on a loaded 2-core machine, against a 2 s goal per case.
 */
const PIN_CLIENTS = 30
const PIN_REQUESTS = 6
/** The two Set-Cookie cases only need each kind of response: with and without P's cookie. */
const LINE_CLIENTS = 6
const LINE_REQUESTS = 3
/** LB-22: 20 clients pinned to O2, 5 requests each after the kill; 5 clients with an unknown backend's cookie. */
const DEAD_CLIENTS = 20
const DEAD_REQUESTS = 5
const UNKNOWN_CLIENTS = 5
/** A token no balancer gave out. */
const UNKNOWN_TOKEN = 'proxyspec-gone'
/** A GET's answer may wait for the target's own retries and checks (HAProxy: retries 3). */
const READ_MS = 4000

const cookieOf = (ctx: CaseContext): string => ctx.profile?.sticky?.cookie ?? 'SRV'

/** Runs `n` clients at once, each `perClient` GETs in a row; ids `<token>-<tag><client>-<k>`. */
async function runClients(
  ctx: CaseContext,
  clients: readonly StickyClient[],
  tag: string,
  perClient: number,
  between?: (client: StickyClient, index: number, k: number) => void,
): Promise<void> {
  await Promise.all(
    clients.map(async (client, i) => {
      for (let k = 0; k < perClient; k += 1) {
        between?.(client, i, k)
        await client.get(requestId(ctx, `${tag}${i}-${k}`), READ_MS)
      }
    }),
  )
}

const served = (a: StickyAnswer): boolean =>
  a.error === undefined && a.status !== undefined && a.status < 500 && a.backend !== undefined

/** P's own cookie in an answer: the value of the Set-Cookie line that sets `name`, if one does. */
function ownCookie(answer: StickyAnswer, name: string): string | undefined {
  for (const line of setCookieLines(answer.fields)) {
    const parsed = parseSetCookie(line)
    if (parsed?.name === name) return parsed.value
  }
  return undefined
}

/** The value of cookie `name` in a Cookie field value, if there. */
function sentCookie(cookie: string | undefined, name: string): string | undefined {
  for (const pair of (cookie ?? '').split(';')) {
    const at = pair.indexOf('=')
    if (at > 0 && pair.slice(0, at).trim() === name) return pair.slice(at + 1).trim()
  }
  return undefined
}

/** A line carries the origin's value `value` unchanged: alone, or with P's cookie folded before or after it (graded by the SHOULD case). */
function carries(line: string, value: string): boolean {
  return (
    line === value ||
    line.startsWith(`${value},`) ||
    line.endsWith(`, ${value}`) ||
    line.endsWith(`,${value}`)
  )
}

/**
 * Pins `n` clients to O2: a scout finds O2's token (a fresh jar per GET until O2 answers
 * with the cookie), each client gets it in its jar and sends one GET, which must reach O2.
 */
async function pinToO2(
  ctx: CaseContext,
  n: number,
): Promise<{ clients: StickyClient[]; token: string } | Outcome> {
  const backends = backendsOf(ctx)
  const name = cookieOf(ctx)
  let token: string | undefined
  for (let tries = 0; tries < 3 * backends.primaries.length && token === undefined; tries += 1) {
    const scout = new StickyClient(ctx)
    const answer = await scout.get(requestId(ctx, `scout${tries}`), READ_MS)
    await scout.close()
    if (answer.backend === 'O2') token = ownCookie(answer, name)
  }
  if (token === undefined)
    return violates(
      `O2 answering with a ${name} cookie within ${3 * backends.primaries.length} fresh GETs`,
      'no such answer: the declared insert-mode cookie never named O2',
    )
  const clients = Array.from({ length: n }, () => new StickyClient(ctx))
  for (const client of clients) client.jar.set(name, token)
  await runClients(ctx, clients, 'pin', 1)
  const astray = clients.flatMap((c, i) =>
    c.answers[0]?.backend === 'O2' ? [] : [`client ${i}: ${c.answers[0]?.backend ?? 'no answer'}`],
  )
  if (astray.length > 0)
    return violates(
      `every GET carrying ${name}=${token} (O2's) on O2 while O2 is up`,
      astray.slice(0, 5).join('; '),
    )
  return { clients, token }
}

/** The removal bound (§12.2.5) for a backend that refuses connections: the active checks', else the slack. */
function boundMs(profile: BalancerProfile | undefined): number {
  return profile?.active === undefined ? slackMs(0) : removalBoundMs(profile.active)
}

function timeline(
  ctx: CaseContext,
  title: string,
  clients: readonly StickyClient[],
  killedAt: number,
): void {
  const requests: BalanceRequest[] = clients.flatMap((c) =>
    c.answers.map((a) => ({
      at: ctx.report.at(a.sentAt),
      id: a.id,
      ...(a.backend === undefined ? {} : { backend: a.backend }),
      ...(a.status === undefined ? {} : { status: a.status }),
      outcome: served(a) ? 'ok' : 'error',
    })),
  )
  ctx.report.timeline({
    title,
    backends: backendsOf(ctx).all.map((b) => b.name),
    faults: [{ at: ctx.report.at(killedAt), backend: 'O2', what: 'killed' }],
    requests,
  })
}

/** The unknown-token clients: each sends a GET carrying a token no balancer gave, then one with what it got. */
async function unknownTokenClients(ctx: CaseContext): Promise<StickyClient[]> {
  const clients = Array.from({ length: UNKNOWN_CLIENTS }, () => new StickyClient(ctx))
  for (const client of clients) client.jar.set(cookieOf(ctx), UNKNOWN_TOKEN)
  await runClients(ctx, clients, 'unknown', 2)
  return clients
}

/**
 * A client whose cookie no longer names a live backend: its first served answer must
 * re-pin it (a new value of the cookie), and its later GETs stay on that backend.
 */
function repinProblems(client: StickyClient, index: number, name: string, old: string): string[] {
  const problems: string[] = []
  const first = client.answers.findIndex(served)
  if (first < 0) return problems
  const answer = client.answers[first]!
  const fresh = ownCookie(answer, name)
  if (fresh === undefined || fresh === old)
    problems.push(
      `client ${index}: the first answer after failover (from ${answer.backend}) set no new ${name} cookie`,
    )
  const later = client.answers.slice(first + 1).filter(served)
  const moved = later.filter((a) => a.backend !== answer.backend)
  if (moved.length > 0)
    problems.push(
      `client ${index}: re-pinned to ${answer.backend}, then answered by ${moved.map((a) => a.backend).join(', ')}`,
    )
  return problems
}

export const stickyCases = [
  defineCase({
    id: 'sticky-cookie-keeps-origin-set-cookie',
    title:
      "A balancer that adds a persistence cookie keeps the origin's Set-Cookie lines: none lost, none folded together, their order unchanged",
    requirements: ['LB-21'],
    spec: [
      { rfc: 9110, section: '5.3' },
      { rfc: 6265, section: '3' },
    ],
    // RFC 9110 §5.3: "The order in which field lines with the same name are received is
    // therefore significant to the interpretation of the field value; a proxy MUST NOT
    // change the order of these field line values when forwarding a message." The same
    // section lets a recipient combine same-name lines only "without changing the semantics
    // of the message", and its note says Set-Cookie cannot be combined (RFC 6265 §3), so a
    // lost or folded origin Set-Cookie line fails with the reorder (catalog LB-21: MUST NOT).
    // P's own cookie folded into an origin line is graded by the SHOULD case below.
    requirement:
      "The origin's Set-Cookie field lines reach the client each as its own line, unchanged and in their order, beside the balancer's own",
    level: 'MUST',
    roles: ['balancer'],
    balancer: { primaries: 3, profile: STICKY_PROFILE, needs: needsSticky },
    async run(ctx): Promise<Outcome> {
      const backends = backendsOf(ctx)
      setOriginCookies(backends.primaries)
      const clients = Array.from({ length: LINE_CLIENTS }, () => new StickyClient(ctx))
      await runClients(ctx, clients, 'c', LINE_REQUESTS)
      await Promise.all(clients.map((c) => c.close()))
      const answers = clients.flatMap((c) => c.answers).filter(served)
      if (answers.length === 0)
        return observed('no GET was answered by a backend: nothing to judge')
      const wrong: string[] = []
      for (const answer of answers) {
        const lines = setCookieLines(answer.fields)
        const expected = originCookies(answer.backend!)
        const at = expected.map((value) => lines.findIndex((line) => carries(line, value)))
        const shown = `${answer.id} from ${answer.backend}: ${JSON.stringify(lines)}`
        if (at.some((i) => i < 0)) wrong.push(`an origin line lost or altered (${shown})`)
        else if (at[0] === at[1]) wrong.push(`the origin's two lines folded into one (${shown})`)
        else if (at[0]! > at[1]!) wrong.push(`the origin's lines reordered (${shown})`)
      }
      ctx.note(
        `${answers.length} answers checked; e.g. ${JSON.stringify(setCookieLines(answers[0]!.fields))}`,
      )
      if (wrong.length > 0)
        return violates(
          `the origin's Set-Cookie lines ${JSON.stringify(originCookies('Ox'))}, each its own line, in order`,
          `${wrong.length} of ${answers.length} answers: ${wrong.slice(0, 3).join('; ')}`,
        )
      return conforms(`${answers.length} answers kept the origin's two Set-Cookie lines in order`)
    },
  }),
  defineCase({
    id: 'sticky-cookie-own-field-line',
    title:
      'The persistence cookie comes in a Set-Cookie field line of its own, a valid set-cookie-string, never folded into the origin’s',
    requirements: ['LB-21'],
    spec: [
      { rfc: 6265, section: '3' },
      { rfc: 6265, section: '4.1.1' },
    ],
    // RFC 6265 §3: "Origin servers SHOULD NOT fold multiple Set-Cookie header fields into a
    // single header field." The balancer originates its own cookie, so the sentence binds
    // it for that cookie (catalog LB-21: WARN if P's Set-Cookie is folded or is not a valid
    // §4.1.1 set-cookie-string). A first answer with no cookie at all breaks the declared
    // insert mode: a Contract FAIL. Attributes (Path, HttpOnly, SameSite, Max-Age) are INFO.
    requirement:
      "The balancer's cookie is set in a Set-Cookie line of its own that is a valid set-cookie-string",
    level: 'SHOULD',
    roles: ['balancer'],
    balancer: { primaries: 3, profile: STICKY_PROFILE, needs: needsSticky },
    async run(ctx): Promise<Outcome> {
      const backends = backendsOf(ctx)
      setOriginCookies(backends.primaries)
      const name = cookieOf(ctx)
      const clients = Array.from({ length: LINE_CLIENTS }, () => new StickyClient(ctx))
      await runClients(ctx, clients, 'c', LINE_REQUESTS)
      await Promise.all(clients.map((c) => c.close()))
      // The first answer of each client: its GET carried no cookie of the balancer's.
      const firsts = clients
        .map((c) => c.answers[0])
        .filter((a): a is StickyAnswer => a !== undefined && served(a))
      if (firsts.length === 0) return observed('no GET was answered by a backend: nothing to judge')
      const missing: string[] = []
      const folded: string[] = []
      const invalid: string[] = []
      const attributes = new Set<string>()
      for (const answer of firsts) {
        const lines = setCookieLines(answer.fields)
        const own = lines.filter((line) => parseSetCookie(line)?.name === name)
        const shown = `${answer.id}: ${JSON.stringify(lines)}`
        if (own.length === 0) {
          if (lines.some((line) => new RegExp(`(^|[,;]\\s*)${name}=`).test(line)))
            folded.push(`folded into another line (${shown})`)
          else missing.push(shown)
          continue
        }
        for (const line of own) {
          if (/,\s*origin_[az]=/.test(line))
            folded.push(`the origin's cookie folded into it (${shown})`)
          const problem = setCookieSyntaxProblem(line)
          if (problem !== undefined) invalid.push(`${JSON.stringify(line)}: ${problem}`)
          for (const [attr] of parseSetCookie(line)?.attributes ?? []) attributes.add(attr)
        }
      }
      ctx.note(
        `${firsts.length} first answers; the ${name} cookie's attributes (INFO): ${[...attributes].join(', ') || 'none'}`,
      )
      if (missing.length > 0)
        return violates(
          `a Set-Cookie for ${name} on the first answer (declared insert mode)`,
          `none on ${missing.length} of ${firsts.length}: ${missing.slice(0, 2).join('; ')}`,
          'CONTRACT',
        )
      if (folded.length > 0 || invalid.length > 0)
        return violates(
          `the ${name} cookie in a Set-Cookie line of its own, a valid set-cookie-string`,
          [...folded, ...invalid].slice(0, 3).join('; '),
        )
      return conforms(`${firsts.length} first answers each set ${name} in a line of its own`)
    },
  }),
  defineCase({
    id: 'sticky-cookie-pins-backend',
    title:
      'Every request carrying the persistence cookie reaches the backend it names; in indirect mode the cookie never reaches the backend',
    requirements: ['LB-21'],
    spec: [{ rfc: 6265, section: '5.4' }],
    // Catalog §12.4 LB-21 (contract part): with a persistence cookie declared, every later
    // request that carries the cookie goes to the same backend, whatever the policy (FAIL if
    // it reaches another while its backend is healthy); in indirect mode P removes its cookie
    // before forwarding (Contract FAIL if it reaches the origin), and the client's other
    // cookies go on byte for byte, in order.
    requirement:
      'Declared persistence: requests carrying the cookie stay on the backend it names; indirect mode strips only that cookie',
    level: 'CONTRACT',
    roles: ['balancer'],
    timeoutMs: 8000,
    balancer: { primaries: 3, profile: STICKY_PROFILE, needs: needsSticky },
    async run(ctx): Promise<Outcome> {
      const backends = backendsOf(ctx)
      setOriginCookies(backends.primaries)
      const name = cookieOf(ctx)
      const indirect = ctx.profile?.sticky?.indirect === true
      const clients = Array.from({ length: PIN_CLIENTS }, () => new StickyClient(ctx))
      // The client's own cookies: one set before the balancer's, one after (so P's sits in the middle).
      await runClients(ctx, clients, 'c', PIN_REQUESTS, (client, i, k) => {
        if (k === 0) client.jar.set('pref', `c${i}`)
        if (k === 1) client.jar.set('late', `c${i}`)
      })
      await Promise.all(clients.map((c) => c.close()))
      const owner = new Map<string, string>()
      const problems: string[] = []
      const stripped: string[] = []
      let carrying = 0
      const pinnedTo = backends.primaries.map(() => 0)
      for (const [i, client] of clients.entries()) {
        const first = client.answers[0]
        if (first === undefined || !served(first)) {
          problems.push(`client ${i}: no answer to its first GET`)
          continue
        }
        const token = ownCookie(first, name)
        if (token === undefined) {
          problems.push(
            `client ${i}: the first answer (from ${first.backend}) set no ${name} cookie`,
          )
          continue
        }
        const known = owner.get(token)
        if (known !== undefined && known !== first.backend)
          problems.push(`${name}=${token} was set by ${known} and by ${first.backend}`)
        owner.set(token, first.backend!)
        const at = backends.primaries.findIndex((b) => b.name === first.backend)
        if (at >= 0) pinnedTo[at]! += 1
        for (const answer of client.answers.slice(1)) {
          const sent = sentCookie(answer.cookie, name)
          if (sent === undefined) continue
          carrying += 1
          const pinned = owner.get(sent) ?? first.backend
          if (!served(answer))
            problems.push(
              `${answer.id}: ${answer.error ?? answer.status} (pinned to ${pinned}, which is up)`,
            )
          else if (answer.backend !== pinned)
            problems.push(
              `${answer.id} carried ${name}=${sent} (${pinned}) and reached ${answer.backend}`,
            )
          const reset = ownCookie(answer, name)
          if (reset !== undefined && reset !== sent)
            problems.push(`${answer.id}: re-pinned to ${name}=${reset} while ${pinned} is up`)
          if (!indirect) continue
          const expected = (answer.cookie ?? '')
            .split('; ')
            .filter((pair) => !pair.startsWith(`${name}=`))
            .join('; ')
          for (const { backend, request } of deliveries(backends, answer.id)) {
            const got = request.headers
              .filter((f) => f.name.toLowerCase() === 'cookie')
              .map((f) => f.value)
              .join('; ')
            if (sentCookie(got, name) !== undefined)
              stripped.push(
                `${answer.id} reached ${backend.name} with ${name}: ${JSON.stringify(got)}`,
              )
            else if (got !== expected)
              stripped.push(
                `${answer.id} reached ${backend.name} with Cookie ${JSON.stringify(got)}, not ${JSON.stringify(expected)}`,
              )
          }
        }
      }
      ctx.report.distribution({
        title: `${PIN_CLIENTS} clients pinned by the ${name} cookie`,
        backends: backends.primaries.map((b, i) => ({
          name: b.name,
          observed: pinnedTo[i]!,
          expected: PIN_CLIENTS / backends.primaries.length,
        })),
        test: { name: 'band', detail: `${carrying} requests carried the cookie` },
      })
      ctx.note(
        `${PIN_CLIENTS} clients × ${PIN_REQUESTS} GETs; ${carrying} carried ${name}; tokens ${JSON.stringify(Object.fromEntries(owner))}; indirect ${indirect ? 'declared' : 'not declared'}`,
      )
      if (problems.length > 0 || stripped.length > 0)
        return violates(
          `every GET carrying ${name} on the backend it names${indirect ? `, and ${name} removed (only it) before forwarding` : ''}`,
          `${problems.length + stripped.length} problems: ${[...problems, ...stripped].slice(0, 4).join('; ')}`,
        )
      if (carrying === 0) return observed('no GET carried the cookie: nothing to judge')
      return conforms(
        `${carrying} GETs carrying ${name} all reached their pinned backend${indirect ? ', none with the cookie' : ''}`,
      )
    },
  }),
  defineCase({
    id: 'sticky-cookie-dead-backend-repins',
    title:
      'A persistence cookie naming a dead or unknown backend: the balancer serves from a live backend and re-pins the client',
    requirements: ['LB-22'],
    spec: [{ rfc: 6265, section: '5.3' }],
    // Catalog §12.4 LB-22 (contract row): 20 clients pinned to O2; after O2 is killed each
    // sends 5 more GETs with its old cookie; 5 clients send a cookie naming an unknown
    // backend. PASS if every request succeeds on a live backend and the cookie is rewritten
    // on the first answer after failover (and the client then stays there). FAIL if a client
    // still gets 5xx after the removal bound (§12.2.5; stuck to a dead backend); a 5xx
    // before the bound warns.
    requirement:
      'Without nofailover, a cookie naming a dead or unknown backend is served by a live backend and re-pinned',
    level: 'CONTRACT',
    roles: ['balancer'],
    timeoutMs: 9000,
    balancer: {
      primaries: 3,
      profile: STICKY_PROFILE,
      needs: (declared) =>
        needsSticky(declared) ??
        (declared.sticky?.nofailover === true ? 'the profile declares nofailover' : undefined),
    },
    async run(ctx): Promise<Outcome> {
      const backends = backendsOf(ctx)
      const name = cookieOf(ctx)
      const pinned = await pinToO2(ctx, DEAD_CLIENTS)
      if (!('clients' in pinned)) return pinned
      const { clients, token } = pinned
      await backends.byName('O2')!.kill()
      const killedAt = performance.now()
      const bound = boundMs(ctx.profile)
      await runClients(ctx, clients, 'after', DEAD_REQUESTS, (client, _i, k) => {
        if (k === 0) client.answers.length = 0
      })
      const unknown = await unknownTokenClients(ctx)
      await Promise.all([...clients, ...unknown].map((c) => c.close()))
      timeline(ctx, `${DEAD_CLIENTS} clients pinned to O2, O2 killed`, clients, killedAt)
      const stuck: string[] = []
      const early: string[] = []
      const problems: string[] = []
      for (const [i, client] of clients.entries()) {
        for (const answer of client.answers) {
          if (served(answer) && answer.backend === 'O2')
            problems.push(`${answer.id} answered by O2 after its kill`)
          if (served(answer)) continue
          const what = `${answer.id}: ${answer.error ?? answer.status} at +${Math.round(answer.sentAt - killedAt)} ms`
          if (answer.sentAt - killedAt > bound + ctx.lagSince(killedAt)) stuck.push(what)
          else early.push(what)
        }
        problems.push(...repinProblems(client, i, name, token))
      }
      for (const [i, client] of unknown.entries()) {
        const failedOnes = client.answers.filter((a) => !served(a))
        if (failedOnes.length > 0)
          problems.push(
            `unknown-token client ${i}: ${failedOnes.map((a) => `${a.id} ${a.error ?? a.status}`).join(', ')}`,
          )
        problems.push(
          ...repinProblems(client, i, name, UNKNOWN_TOKEN).map((p) => `unknown-token ${p}`),
        )
      }
      const total = clients.reduce((n, c) => n + c.answers.length, 0)
      ctx.note(
        `${total} GETs after the kill (removal bound ${Math.round(bound)} ms): ${stuck.length} failed after the bound, ${early.length} before; ${UNKNOWN_CLIENTS} unknown-token clients`,
      )
      if (stuck.length > 0 || problems.length > 0)
        return violates(
          'every GET after the removal bound served by a live backend, the client re-pinned by its first answer',
          [...stuck, ...problems].slice(0, 4).join('; '),
        )
      if (early.length > 0)
        return violates(
          'every GET with a dead backend’s cookie served by a live backend',
          `${early.length} failed within the removal bound: ${early.slice(0, 3).join('; ')}`,
          'SHOULD',
        )
      return conforms(`${total} GETs with O2's cookie served by live backends and re-pinned`)
    },
  }),
  defineCase({
    id: 'sticky-cookie-nofailover-503',
    title:
      'With nofailover declared, a persistence cookie naming a dead backend gets a framed 503, never another backend',
    requirements: ['LB-22'],
    spec: [{ rfc: 9110, section: '15.6.4' }],
    // Catalog §12.4 LB-22 with `nofailover` declared: P answers 503 instead of moving the
    // session (PASS on a framed 5xx; which 5xx is INFO). FAIL if a GET carrying the dead
    // backend's cookie reaches another backend, or if after the removal bound it is not
    // answered by a framed 5xx. A cookie naming an unknown backend may be refused the same
    // way or served and re-pinned (the row names a removed backend; one that never existed
    // is a new session to Apache's sticky_force only by accident of its lookup).
    requirement:
      'Declared nofailover: a cookie naming a dead backend is answered with a framed 503, not moved to another backend',
    level: 'CONTRACT',
    roles: ['balancer'],
    timeoutMs: 9000,
    balancer: {
      primaries: 3,
      profile: { ...STICKY_PROFILE, sticky: { ...STICKY_PROFILE.sticky!, nofailover: true } },
      needs: (declared) =>
        needsSticky(declared) ??
        (declared.sticky?.nofailover === true ? undefined : 'the profile declares no nofailover'),
    },
    async run(ctx): Promise<Outcome> {
      const backends = backendsOf(ctx)
      const name = cookieOf(ctx)
      const pinned = await pinToO2(ctx, DEAD_CLIENTS)
      if (!('clients' in pinned)) return pinned
      const { clients } = pinned
      await backends.byName('O2')!.kill()
      const killedAt = performance.now()
      const bound = boundMs(ctx.profile)
      await runClients(ctx, clients, 'after', 2, (client, _i, k) => {
        if (k === 0) client.answers.length = 0
      })
      const unknown = await unknownTokenClients(ctx)
      await Promise.all([...clients, ...unknown].map((c) => c.close()))
      timeline(
        ctx,
        `${DEAD_CLIENTS} clients pinned to O2 (nofailover), O2 killed`,
        clients,
        killedAt,
      )
      const moved: string[] = []
      const unframed: string[] = []
      const statuses = new Map<string, number>()
      for (const client of clients) {
        for (const answer of client.answers) {
          if (served(answer)) {
            moved.push(`${answer.id} answered by ${answer.backend}`)
            continue
          }
          const key = answer.error ?? String(answer.status)
          statuses.set(key, (statuses.get(key) ?? 0) + 1)
          const framed = answer.error === undefined && answer.complete
          if (!framed && answer.sentAt - killedAt > bound + ctx.lagSince(killedAt))
            unframed.push(`${answer.id}: ${answer.error ?? `${answer.status}, incomplete`}`)
        }
      }
      const unknownOutcomes = unknown.map((c) =>
        c.answers.map((a) => (served(a) ? a.backend : (a.error ?? a.status))).join('/'),
      )
      ctx.note(
        `after the kill: ${JSON.stringify(Object.fromEntries(statuses))} (which 5xx: INFO); unknown-token clients: ${unknownOutcomes.join(', ')}`,
      )
      if (moved.length > 0 || unframed.length > 0)
        return violates(
          `every GET carrying ${name} for the dead O2 answered with a framed 5xx (nofailover)`,
          [...moved, ...unframed].slice(0, 4).join('; '),
        )
      return conforms(`every GET pinned to the dead O2 got a framed 5xx`)
    },
  }),
]
