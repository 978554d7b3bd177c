/**
 * Path arithmetic of the origin. Names are byte strings: every character is one
 * byte (latin1), so a UTF-8 name on the wire is its bytes here, and 0xFF stays 0xFF.
 */
import type { FtpNode, FtpTree } from './fixtures.js'

/** Resolves `arg` against `cwd` ("/pub"), folding "." and ".." (never above "/"). */
export function resolvePath(cwd: string, arg: string): string {
  const start = arg.startsWith('/') ? [] : cwd.split('/').filter((s) => s !== '')
  for (const segment of arg.split('/')) {
    if (segment === '' || segment === '.') continue
    if (segment === '..') start.pop()
    else start.push(segment)
  }
  return '/' + start.join('/')
}

export function parentOf(path: string): string {
  const at = path.lastIndexOf('/')
  return at <= 0 ? '/' : path.slice(0, at)
}

export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1)
}

/** The direct children of directory `dir`, sorted by name. */
export function childrenOf(tree: FtpTree, dir: string): [string, FtpNode][] {
  const prefix = dir === '/' ? '/' : dir + '/'
  const out: [string, FtpNode][] = []
  for (const [path, node] of tree) {
    if (path === dir || !path.startsWith(prefix)) continue
    const name = path.slice(prefix.length)
    if (!name.includes('/')) out.push([name, node])
  }
  return out.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
}

/** True when `user` may see `path`: nothing on the way down is owned by someone else. */
export function mayAccess(tree: FtpTree, path: string, user: string | undefined): boolean {
  for (let at = path; ; at = parentOf(at)) {
    const owner = tree.get(at)?.owner
    if (owner !== undefined && owner !== user) return false
    if (at === '/') return true
  }
}
