// Origin traffic no case token names (RunResult.unattributedOrigin), as the
// renderers and the CLI say it: who sent the bytes, on which origin
// connection, and which case's connection it was.
import type { RunResult, UnattributedOriginEvent } from '../harness/engine/model/run-result.js'

/** One event in words: "o7 at 812 ms: the target sent a request without a case token: GET / HTTP/1.1". */
export function unattributedLine(event: UnattributedOriginEvent): string {
  const what =
    event.kind === 'request'
      ? `the target sent a request without a case token: ${event.detail}`
      : `the target sent bytes the origin could not parse: ${event.detail}`
  const owner =
    event.case === undefined
      ? 'no case used this connection before'
      : `attributed to ${event.case.id} [${event.case.role}], whose request this connection carried before`
  return `origin connection ${event.conn} at ${event.t} ms: ${what} (${owner})`
}

/** The CLI's one line, or undefined when the origin saw nothing unattributed. */
export function unattributedSummary(run: RunResult): string | undefined {
  const u = run.unattributedOrigin
  if (u === undefined || u.total === 0) return undefined
  const attributed = u.events.filter((e) => e.case !== undefined).length
  const requests = u.events.filter((e) => e.kind === 'request').length
  const errors = u.events.filter((e) => e.kind === 'parse-error').length
  const listed = u.events.length < u.total ? ` (${u.events.length} listed)` : ''
  return `origin: ${u.total} unattributed${listed}: ${requests} request${requests === 1 ? '' : 's'} without a case token, ${errors} parse error${errors === 1 ? '' : 's'}; ${attributed} attributed to a case by connection (see the report)`
}
