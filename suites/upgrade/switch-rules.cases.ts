// When the connection switches (RFC 9110 §7.8, §15.2.2): only on a valid 101
// from the upstream, never before it, and never on any other answer.
// Otherwise the connection stays HTTP, which is what stops WebSocket
// smuggling (later client bytes parsed and checked as requests).
import type { RawClient } from '../../harness/client/types.js'
import { defineCase } from '../../harness/engine/model/case.js'
import type { CaseContext } from '../../harness/engine/model/case-context.js'
import {
  conforms,
  endCase,
  outcomeOf,
  timedOut,
  violates,
  type Outcome,
} from '../../harness/engine/model/outcome.js'
import {
  refusalBytes,
  refusingEndpoint,
  websocketEndpoint,
} from '../../harness/origin/upgrade-endpoints.js'
import { fieldValues, listTokens } from '../../harness/wire/fields.js'
import { responseBytes } from '../../harness/wire/serialize.js'
import { isRefusal, originRequest, statusLine } from '../support/request.js'
import {
  connectClient,
  expectAtOrigin,
  expectFromTarget,
  frameBytes,
  handshakeBytes,
  openWebSocket,
} from '../support/websocket.js'
import {
  allVariants,
  opened,
  UPGRADE_ROLES as ROLES,
  type VariantResult,
} from './handshake-checks.js'
import { provenance } from '../support/provenance.js'
import type { OriginRequest } from '../../harness/origin/types.js'

/**
 * How long the origin holds its 101 waiting for bytes that must not come yet
 * (UPG-06). A proxy that pipes at once delivers them within a loopback round
 * trip; the catalog's 1 s would make every conformant run wait.
 */
const HOLD_101_MS = 50

/**
 * After a refused upgrade the connection must still be HTTP: a second request
 * is sent whose raw form no HTTP parser keeps (a field value padded with
 * trailing whitespace, which RFC 9112 §5 has a recipient strip as OWS). A
 * proxy that parses it re-frames it, whatever it does with the fields
 * (removing Connection-listed ones is HOP-01, judged by the hop-by-hop suite);
 * a tunnel delivers the client's bytes unchanged. A response or a close is
 * fine; the client's exact bytes at the origin are not (the case ends: endCase).
 */
async function staysHttp(
  ctx: CaseContext,
  client: RawClient,
  suffix: string,
  timeoutMs?: number,
): Promise<void> {
  const sent = originRequest(ctx, {
    suffix,
    headers: [
      ['Connection', 'X-Smuggle'],
      ['X-Smuggle', '1   '],
    ],
  })
  await client.write(sent)
  const read = await client.readResponse(timeoutMs === undefined ? {} : { timeoutMs })
  // What reached the origin is the verdict, whether or not an answer came back.
  const raw = ctx.origin
    .requests()
    .filter((r) => r.message.head.target.endsWith(`/${suffix}`))
    .filter((r) => r.message.head.raw.equals(sent))
  if (raw.length === 0) {
    if (read.kind === 'timeout')
      endCase(timedOut(`an answer to the request after the refused upgrade`, read.afterMs))
    return
  }
  endCase(
    violates(
      'the next request parsed as HTTP (re-framed by the target) or the connection closed',
      `the origin received the client's bytes unchanged on ${raw[0]?.conn ?? '?'}: ${raw[0]?.message.head.raw.toString('latin1').split('\r\n').slice(0, 1).join('') ?? ''} with its padded X-Smuggle value (a tunnel without a 101)`,
    ),
  )
}

/** This case's requests at the origin for one variant (its path suffix). */
function sentTo(ctx: CaseContext, suffix: string): OriginRequest[] {
  return ctx.origin.requests().filter((r) => r.message.head.target.endsWith(`/${suffix}`))
}

/** UPG-04, one status: the origin refuses the upgrade with `status`; the connection must stay HTTP. */
async function refusedUpgrade(
  ctx: CaseContext,
  status: number,
  budgetMs: number,
): Promise<Outcome> {
  const started = performance.now()
  const left = (): number => Math.max(1, budgetMs - (performance.now() - started))
  const lines =
    status === 426
      ? ([
          ['Upgrade', 'websocket'],
          ['Connection', 'Upgrade'],
        ] as const)
      : []
  ctx.origin.behave(refusingEndpoint(refusalBytes(status, [...lines])).behaviour)
  const client = await connectClient(ctx)
  await client.write(handshakeBytes(ctx, { suffix: `refused-${status}` }))
  const read = await client.readResponse({ timeoutMs: left() })
  if (read.kind === 'timeout')
    return timedOut(`the origin's ${status} to the upgrade`, read.afterMs)
  if (read.kind !== 'response' || read.message.head.status !== status) {
    await client.close()
    return violates(
      `the origin's ${status} relayed by the target`,
      provenance(read, sentTo(ctx, `refused-${status}`)),
    )
  }
  try {
    await staysHttp(ctx, client, `after-${status}`, left())
  } finally {
    await client.close()
  }
  return conforms()
}

/** UPG-05, one bad 101 from the origin: a 502 or a close is expected, not the 101. */
async function invalidSwitch(
  ctx: CaseContext,
  upgrade: string | null,
  budgetMs: number,
): Promise<Outcome> {
  ctx.origin.behave(websocketEndpoint({ upgrade }).behaviour)
  const client = await connectClient(ctx)
  await client.write(handshakeBytes(ctx, { suffix: upgrade ?? 'none' }))
  const read = await client.readResponse({ timeoutMs: Math.max(1, budgetMs) })
  await client.close()
  if (read.kind === 'timeout') return timedOut('an answer to the upgrade', read.afterMs)
  if (read.kind === 'response' && read.message.head.status === 101)
    return violates(
      'a 502 or a close from the target',
      `${provenance(read, sentTo(ctx, upgrade ?? 'none'))} (${statusLine(read.message)})`,
    )
  return conforms(provenance(read, sentTo(ctx, upgrade ?? 'none')))
}

/** UPG-05, the valid 101 spelled `Upgrade: WebSocket`: tokens compare case-insensitively, so it is a switch. */
async function mixedCase(ctx: CaseContext): Promise<Outcome> {
  const endpoint = websocketEndpoint({ upgrade: 'WebSocket' })
  const handshake = await openWebSocket(
    ctx,
    endpoint,
    handshakeBytes(ctx, { suffix: 'mixed-case' }),
  )
  // No switch to a valid 101 is a violation here, not "does not relay WebSocket".
  if (handshake.kind === 'outcome' && handshake.outcome.kind === 'unsupported')
    return violates('a tunnel for the valid `Upgrade: WebSocket`', handshake.outcome.reason)
  if (handshake.kind === 'refused')
    return violates(
      'a tunnel for the valid `Upgrade: WebSocket`',
      `no 101 to a WebSocket upgrade: ${handshake.provenance}`,
    )
  const ws = opened(handshake)
  await ws.client.write(frameBytes({ opcode: 1, payload: 'case' }))
  try {
    await expectFromTarget(
      ws.client,
      frameBytes({ opcode: 1, payload: 'case', masked: false }),
      'the echo through the `Upgrade: WebSocket` tunnel',
    )
  } finally {
    await ws.client.close()
  }
  return conforms('a working tunnel')
}

export const switchRuleCases = [
  defineCase({
    id: 'no-tunnel-without-101',
    title:
      'A refused upgrade (426, 200, 403) leaves the connection HTTP: later bytes are parsed as requests, never tunnelled',
    requirements: ['UPG-04'],
    spec: [
      { rfc: 9110, section: '7.8' },
      { rfc: 9110, section: '15.2.2' },
    ],
    requirement:
      'An intermediary switches to tunnelling only when the upstream answers the upgrade with 101; after any other status the connection stays HTTP (WebSocket smuggling otherwise).',
    level: 'MUST',
    roles: ROLES,
    async run(ctx) {
      const results: VariantResult[] = []
      const statuses = [426, 200, 403]
      for (const [i, status] of statuses.entries()) {
        // Each variant gets its share of what is left, so a hang in one still lets the others run.
        const budget = ctx.remainingMs() / (statuses.length - i) - 20
        // Its early end (endCase) is its own: the other statuses still run.
        results.push({
          name: `origin ${status}`,
          outcome: await outcomeOf(refusedUpgrade(ctx, status, budget)),
        })
      }
      return allVariants(results)
    },
  }),
  // Graded INFO, not MUST. The sentences about a 101's Upgrade bind the server
  // that sends it, here the origin: RFC 9110 §15.2.2 "The server MUST generate
  // an Upgrade header field in the response that indicates which protocol(s)
  // will be in effect after this response's final status code", and §7.8 "A
  // server MUST NOT switch to a protocol that was not indicated by the client
  // in the corresponding request's Upgrade header field". For the intermediary
  // §15.6.3 only defines 502 ("received an invalid response from an inbound
  // server"), with no requirement keyword, and §15.2 even says "A proxy MUST
  // forward 1xx responses unless the proxy itself requested the generation of
  // the 1xx response". No BCP 14 sentence obliges a proxy to refuse relaying
  // such a 101, so relaying it is reported (what the client then gets is a
  // connection whose protocol nobody agreed on), not failed.
  defineCase({
    id: 'invalid-101-is-not-a-switch',
    title:
      'A 101 without Upgrade, or to a protocol the client did not offer, is a bad upstream answer; `Upgrade: WebSocket` is valid',
    requirements: ['UPG-05'],
    spec: [
      { rfc: 9110, section: '15.2.2' },
      { rfc: 9110, section: '7.8' },
      { rfc: 9110, section: '15.6.3' },
    ],
    requirement:
      "A 101 must name in Upgrade the protocol switched to, one the client offered (the origin's MUST); whether the intermediary answers such a 101 with 502 rather than relaying it is reported, as no sentence binds it.",
    level: 'INFO',
    roles: ROLES,
    async run(ctx) {
      // First a valid handshake: a target that relays no upgrade at all (the
      // origin never sees one and answers 426) is unsupported here, as in the
      // other upgrade cases, not a target that mistakes a bad 101 for a switch.
      const probe = opened(
        await openWebSocket(ctx, websocketEndpoint(), handshakeBytes(ctx, { suffix: 'probe' })),
      )
      await probe.client.close()
      const results: VariantResult[] = []
      for (const [i, [name, upgrade]] of (
        [
          ['origin 101 without Upgrade', null],
          ['origin 101 with Upgrade: h2c', 'h2c'],
        ] as const
      ).entries()) {
        // Each variant gets its share of what is left (the valid one last), so a hang cannot hide the others.
        const budget = ctx.remainingMs() / (3 - i) - 20
        results.push({ name, outcome: await invalidSwitch(ctx, upgrade, budget) })
      }
      results.push({
        name: 'origin 101 with Upgrade: WebSocket',
        outcome: await outcomeOf(mixedCase(ctx)),
      })
      return allVariants(results)
    },
  }),
  defineCase({
    id: 'no-client-bytes-before-101',
    title: 'Frame bytes sent with the handshake reach the origin only after its 101',
    requirements: ['UPG-06'],
    spec: [
      { rfc: 9110, section: '7.8' },
      { rfc: 6455, section: '4.1' },
    ],
    requirement:
      'An intermediary delivers no client bytes that follow the handshake before the origin has answered 101; early bytes are held, or handled as HTTP if the upgrade fails (premature upgrade, CVE-2026-2833 class).',
    level: 'MUST',
    roles: ROLES,
    async run(ctx) {
      const frame = frameBytes({ opcode: 1, payload: 'too early' })
      const endpoint = websocketEndpoint({ mode: 'listen', holdMs: HOLD_101_MS })
      const result = opened(await openWebSocket(ctx, endpoint, handshakeBytes(ctx), frame))
      const { session } = result
      if (session.early.length > 0) {
        return violates(
          'no byte after the handshake at the origin before its 101',
          `${session.early.length} bytes arrived before the origin answered`,
        )
      }
      await expectAtOrigin(ctx, session, frame, 'the held frame at the origin after its 101')
      return conforms()
    },
  }),
  defineCase({
    id: 'version-refusal-relayed-intact',
    title:
      "The origin's 426 refusing the WebSocket version reaches the client with every Sec-WebSocket-Version line, and no tunnel opens",
    requirements: ['UPG-09'],
    spec: [
      { rfc: 6455, section: '4.2.2' },
      { rfc: 6455, section: '4.4' },
    ],
    requirement:
      'When the origin refuses the version (426 with the versions it supports), the intermediary relays that response intact and opens no tunnel.',
    level: 'MUST',
    roles: ROLES,
    async run(ctx) {
      const body = 'unsupported WebSocket version\n'
      ctx.origin.behave(
        refusingEndpoint(
          responseBytes({
            status: 426,
            headers: [
              ['Sec-WebSocket-Version', '13'],
              ['Sec-WebSocket-Version', '8, 7'],
              ['Content-Length', String(body.length)],
            ],
            body,
          }),
        ).behaviour,
      )
      const client = await connectClient(ctx)
      await client.write(handshakeBytes(ctx, { wsVersion: '25' }))
      const read = await client.readResponse()
      if (read.kind === 'timeout') return timedOut("the origin's 426", read.afterMs)
      // RFC 6455 §4.1: the client MUST send version 13, so version 25 is the
      // harness breaking a rule; a target that refuses it itself, with nothing
      // forwarded, is right too.
      const forwarded = ctx.origin.requests().length > 0
      if (!forwarded && isRefusal(read)) {
        await client.close()
        return conforms(`the version-25 handshake refused: ${provenance(read, [])}`)
      }
      if (read.kind !== 'response')
        return violates(
          "the origin's 426 relayed by the target",
          provenance(read, ctx.origin.requests()),
        )
      // RFC 9110 §5.3: a recipient MAY combine field lines of the same name
      // into one, comma-separated, in order (RFC 6455 §4.4 shows both forms),
      // so the list's elements are compared, not its lines.
      const versions = listTokens(read.message.head.headers, 'sec-websocket-version')
      if (read.message.head.status !== 426 || versions.join(', ') !== '13, 8, 7') {
        return violates(
          "the origin's 426 with the versions 13, 8, 7 in order (as two lines or combined)",
          `the target sent ${statusLine(read.message)} with ${
            fieldValues(read.message.head.headers, 'sec-websocket-version')
              .map((v) => `Sec-WebSocket-Version: ${v}`)
              .join(', ') || 'no Sec-WebSocket-Version'
          }`,
        )
      }
      await staysHttp(ctx, client, 'after-426')
      return conforms()
    },
  }),
]
