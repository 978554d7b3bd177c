// What the proxy-authentication cases share (CONNECT-10, HOP-10): the
// credentials the target declared (ctx.proxyAuth: --proxy-auth, or the
// reference's auth twin), Basic field lines made from them, and the judgement
// of a 407. No helper here writes the password into a note or an Outcome:
// only the transcript carries it, and that is redacted.
import type { RawClient, ReadResponseResult } from '../../harness/client/types.js'
import type { CaseContext, ProxyAuthView } from '../../harness/engine/model/case-context.js'
import {
  conforms,
  endCase,
  unsupported,
  violates,
  type Outcome,
} from '../../harness/engine/model/outcome.js'
import { HarnessError } from '../../harness/net/errors.js'
import { fieldValues } from '../../harness/wire/fields.js'
import type { HttpMessage, ResponseHead } from '../../harness/wire/types.js'
import { responseOf, statusLine } from './request.js'

/** The declared credentials; the runner only runs a case that needs 'proxy-auth' with them. */
export function proxyAuthOf(ctx: CaseContext): ProxyAuthView {
  if (ctx.proxyAuth === undefined)
    throw new HarnessError('HARNESS_INTERNAL', 'a proxy-auth case ran without ctx.proxyAuth')
  return ctx.proxyAuth
}

/** `Proxy-Authorization: Basic base64(user:pass)` (RFC 7617 §2, UTF-8). */
export function basicLine(user: string, pass: string): readonly [string, string] {
  return [
    'Proxy-Authorization',
    `Basic ${Buffer.from(`${user}:${pass}`, 'utf8').toString('base64')}`,
  ]
}

/** The valid credentials as a field line. */
export function validCredentials(auth: ProxyAuthView): readonly [string, string] {
  return basicLine(auth.user, auth.pass)
}

/** The right user with a wrong password. */
export function wrongCredentials(auth: ProxyAuthView): readonly [string, string] {
  return basicLine(auth.user, `${auth.pass}-not-it`)
}

/** A raw connection to the target that requires the credentials. */
export function authClient(ctx: CaseContext): Promise<RawClient> {
  const { target } = proxyAuthOf(ctx)
  return ctx.connect({ host: target.host, port: target.port })
}

// RFC 9110 §11.3: challenge = auth-scheme [ 1*SP ( token68 / #auth-param ) ]; auth-scheme = token.
const CHALLENGE = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+(?:[ ]+\S.*)?$/

/**
 * RFC 9110 §11.7.1 and §15.5.8: a 407 carries at least one Proxy-Authenticate
 * challenge, and (RFC 9112 §6.3) it is a complete message. The case ends
 * (endCase) when it does not.
 */
function expectChallenge(message: HttpMessage<ResponseHead>): void {
  if (!message.complete)
    endCase(violates('a complete 407 message', `${statusLine(message)} cut short`))
  const challenges = fieldValues(message.head.headers, 'proxy-authenticate')
  if (challenges.some((value) => CHALLENGE.test(value.trim()))) return
  endCase(
    violates(
      'at least one Proxy-Authenticate challenge (auth-scheme [params]) in the 407',
      challenges.length === 0
        ? 'no Proxy-Authenticate field'
        : `Proxy-Authenticate values ${challenges.map((v) => `"${v}"`).join(', ')}, none a challenge`,
    ),
  )
}

/** "Proxy-Authenticate: Basic realm=…" lines of a response, for a conforming note. */
function challenges(message: HttpMessage<ResponseHead>): string {
  return fieldValues(message.head.headers, 'proxy-authenticate').join(' | ')
}

/**
 * The grade of the answer to `what` sent without credentials (e.g. "a CONNECT
 * without credentials"): a complete 407 with a challenge conforms; another
 * status is unsupported here, since whether a 407 was due is the
 * auth-refuses-missing-or-wrong-credentials cases' question.
 */
export function grade407Challenge(read: ReadResponseResult, what: string): Outcome {
  const answer = responseOf(read, `a complete 407 to ${what}`)
  if (answer.head.status !== 407) {
    return unsupported(`the target answered ${statusLine(answer)} to ${what}, no 407 to grade`)
  }
  expectChallenge(answer)
  return conforms(`407 with ${challenges(answer)}`)
}
