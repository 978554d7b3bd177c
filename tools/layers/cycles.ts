/**
 * Folder cycles: the strongly connected components of the unit graph that
 * hold more than one unit (Tarjan's algorithm). Two folders that import each
 * other, directly or round a ring, are one job split in two, or two jobs
 * tangled: either way the layer table cannot order them.
 */
export function folderCycles(edges: readonly (readonly [string, string])[]): string[][] {
  const next = new Map<string, string[]>()
  for (const [from, to] of edges) {
    if (from === to) continue
    next.set(from, [...(next.get(from) ?? []), to])
    if (!next.has(to)) next.set(to, [])
  }
  const index = new Map<string, number>()
  const low = new Map<string, number>()
  const stack: string[] = []
  const onStack = new Set<string>()
  const cycles: string[][] = []
  const visit = (unit: string): void => {
    index.set(unit, index.size)
    low.set(unit, index.get(unit)!)
    stack.push(unit)
    onStack.add(unit)
    for (const to of next.get(unit) ?? []) {
      if (!index.has(to)) {
        visit(to)
        low.set(unit, Math.min(low.get(unit)!, low.get(to)!))
      } else if (onStack.has(to)) low.set(unit, Math.min(low.get(unit)!, index.get(to)!))
    }
    if (low.get(unit) !== index.get(unit)) return
    const component: string[] = []
    let top: string | undefined
    do {
      top = stack.pop()!
      onStack.delete(top)
      component.push(top)
    } while (top !== unit)
    if (component.length > 1) cycles.push(component.sort())
  }
  for (const unit of next.keys()) if (!index.has(unit)) visit(unit)
  return cycles
}
