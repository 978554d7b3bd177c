/**
 * What the balancing cases share: the case's own backends, request ids made
 * from the case token, and who received an id.
 */
import type { Backend, BackendRequest, StartedBackends } from '../../harness/backends/types.js'
import type { CaseContext } from '../../harness/engine/model/case-context.js'

/** The case's own backends (a load-balancing case always has them: ConformanceCase.balancer). */
export function backendsOf(ctx: CaseContext): StartedBackends {
  if (ctx.backends === undefined) {
    throw new Error(
      '[proxyspec] a balancing case ran without its backends (ConformanceCase.balancer)',
    )
  }
  return ctx.backends
}

/** A request id of this case: `<token>-<suffix>` (one path segment, lbRequest's alphabet). */
export function requestId(ctx: CaseContext, suffix: string): string {
  return `${ctx.token}-${suffix}`
}

/** Every delivery of `id`, in arrival order, with the backend that read it. */
export function deliveries(
  backends: StartedBackends,
  id: string,
): readonly { readonly backend: Backend; readonly request: BackendRequest }[] {
  return backends.all
    .flatMap((backend) =>
      backend.requests.filter((r) => r.id === id).map((request) => ({ backend, request })),
    )
    .sort((a, b) => a.request.arrivedAt - b.request.arrivedAt)
}

/** "O1 (conn O1-1), O2 (conn O2-1)": where an id went. */
export function describeDeliveries(list: ReturnType<typeof deliveries>): string {
  return list.map((d) => `${d.backend.name} (conn ${d.request.conn})`).join(', ')
}
