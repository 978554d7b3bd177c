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

/**
 * The id of another request of this case that a response names (its
 * X-Proxyspec-Id or the first line of its body), or undefined when it names
 * only `own` or none: a response mix-up when defined. Only this case's ids
 * count, so an error page's first line is never taken for one.
 */
export function foreignId(
  ctx: CaseContext,
  own: string,
  response: { readonly id: string | undefined; readonly bodyId: string | undefined },
): string | undefined {
  for (const id of [response.id, response.bodyId]) {
    if (id !== undefined && id !== own && id.startsWith(`${ctx.token}-`)) return id
  }
  return undefined
}
