/**
 * The FTP origin's file tree (requirements §13.1.2): the default fixture, and
 * the seeded byte generator behind pub/f.bin (the same bytes every run). Files
 * are read by range, so a 100 MiB file costs nothing until someone reads it.
 */
export interface FtpFile {
  readonly kind: 'file'
  readonly size: number
  /** Bytes [start, end) of the file (end clamped to size). */
  read(start: number, end: number): Buffer
  /** Modification time, UTC. */
  readonly mtime: Date
  /** Only this user may read it (anonymous and others get 550). */
  readonly owner?: string
}

export interface FtpDirectory {
  readonly kind: 'dir'
  readonly mtime: Date
  readonly owner?: string
}

export type FtpNode = FtpFile | FtpDirectory

/** Absolute paths without a trailing slash ("/pub/f.bin", "/" for the root) → node. */
export type FtpTree = ReadonlyMap<string, FtpNode>

/** What a tree option may give per path: bytes, text (latin1), a directory, or a removal. */
export type FtpTreeEntry = Buffer | string | FtpNode | null

/** The 10 bytes after f.bin's random MiB: NUL, 0xFF, CRLF, a lone CR, LF, 0xFF 0xFF, ^Z. */
export const F_BIN_TAIL = Buffer.from([0x00, 0xff, 0x0d, 0x0a, 0x0d, 0x00, 0x0a, 0xff, 0xff, 0x1a])

/** Every fixture's modification time unless a case says otherwise: 2020-01-02 03:04:05 UTC. */
export const FIXTURE_MTIME = new Date(Date.UTC(2020, 0, 2, 3, 4, 5))

const BLOCK = 64 * 1024
const blockCache = new Map<string, Buffer>()

/** 64 KiB of deterministic pseudo-random bytes (mulberry32 seeded by seed and block). */
function block(seed: number, index: number): Buffer {
  const key = `${seed}:${index}`
  const cached = blockCache.get(key)
  if (cached !== undefined) return cached
  const out = Buffer.allocUnsafe(BLOCK)
  let state = (Math.imul(seed, 0x9e3779b1) ^ Math.imul(index + 1, 0x85ebca77)) >>> 0
  for (let i = 0; i < BLOCK; i += 4) {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    out.writeUInt32LE((t ^ (t >>> 14)) >>> 0, i)
  }
  // Only the MiB of f.bin is worth keeping; a long download streams past its blocks.
  if (blockCache.size < 32) blockCache.set(key, out)
  return out
}

/** Bytes [start, end) of an endless seeded stream. */
export function seededBytes(seed: number, start: number, end: number): Buffer {
  const parts: Buffer[] = []
  for (let at = start; at < end;) {
    const index = Math.floor(at / BLOCK)
    const from = at - index * BLOCK
    const to = Math.min(BLOCK, end - index * BLOCK)
    parts.push(block(seed, index).subarray(from, to))
    at = index * BLOCK + to
  }
  return Buffer.concat(parts)
}

/** A file held in memory. */
export function memoryFile(content: Buffer | string, extra: Partial<FtpFile> = {}): FtpFile {
  const bytes = typeof content === 'string' ? Buffer.from(content, 'latin1') : content
  return {
    kind: 'file',
    size: bytes.length,
    read: (start, end) => bytes.subarray(start, Math.min(end, bytes.length)),
    mtime: FIXTURE_MTIME,
    ...extra,
  }
}

/** A file of `size` seeded pseudo-random bytes, produced as it is read. */
export function generatedFile(size: number, seed: number, extra: Partial<FtpFile> = {}): FtpFile {
  return {
    kind: 'file',
    size,
    read: (start, end) => seededBytes(seed, start, Math.min(end, size)),
    mtime: FIXTURE_MTIME,
    ...extra,
  }
}

export function directory(extra: Partial<FtpDirectory> = {}): FtpDirectory {
  return { kind: 'dir', mtime: FIXTURE_MTIME, ...extra }
}

const MIB = 1024 * 1024
let fBin: Buffer | undefined

/** pub/f.bin: 1 MiB of seeded random bytes then F_BIN_TAIL (built once per process). */
export function fBinBytes(): Buffer {
  fBin ??= Buffer.concat([seededBytes(1, 0, MIB), F_BIN_TAIL])
  return fBin
}

/** pub/t.txt: ASCII with LF line ends (TYPE A sends CRLF). */
export const T_TXT = 'line one\nline two\n\nlast line\n'

/** The 100 MiB file a client abandons (FTP-26). */
export const BIG_BIN_SIZE = 100 * MIB

/** The default tree of §13.1.2, plus the files other rows name. */
export function defaultTree(): Map<string, FtpNode> {
  const tree = new Map<string, FtpNode>()
  const file = (path: string, content: Buffer | string, extra: Partial<FtpFile> = {}): void => {
    tree.set(path, memoryFile(content, extra))
  }
  for (const dir of ['/', '/pub', '/pub/d', '/pub/sub', '/pub/a', '/pub/b', '/pub/d;x', '/etc'])
    tree.set(dir, directory())
  tree.set('/home', directory({ owner: 'alice' }))
  tree.set('/pub/f.bin', { ...memoryFile(fBinBytes()) })
  file('/pub/t.txt', T_TXT)
  file('/pub/a b.txt', 'a b\n')
  file('/pub/c#d.txt', 'c#d\n')
  file('/pub/e?f.txt', 'e?f\n')
  file('/pub/g%h.txt', 'g%h\n')
  file('/pub/i;type=d', 'i;type=d\n')
  file('/pub/p\xffq.bin', Buffer.from([0x70, 0xff, 0x71, 0x0a]))
  tree.set('/pub/\u00c3\u00bc.txt', memoryFile('u-umlaut (UTF-8 name)\n'))
  file('/pub/%41.bin', 'percent-41\n')
  file('/pub/d/inside.txt', 'inside d\n')
  file('/pub/d;x/f.bin', 'd;x/f.bin\n')
  file('/pub/a/f.bin', 'this is /pub/a/f.bin\n')
  file('/pub/b/f.bin', 'this is /pub/b/f.bin\n')
  file('/pub/k.bin', seededBytes(2, 0, 1024))
  file('/pub/a.html', '<!doctype html><title>a</title><p>a.html\n')
  file('/pub/noext', seededBytes(3, 0, 256))
  file(
    '/pub/a.tar.gz',
    Buffer.concat([Buffer.from([0x1f, 0x8b, 0x08, 0x00]), seededBytes(4, 0, 252)]),
  )
  file('/pub/s.svg', '<svg xmlns="http://www.w3.org/2000/svg"/>\n')
  tree.set('/pub/big.bin', generatedFile(BIG_BIN_SIZE, 5))
  file('/home/secret.txt', 'alice only: the secret\n', { owner: 'alice' })
  file('/etc/passwd', 'root:x:0:0:root:/root:/bin/sh\n')
  return tree
}

/** The default tree with a case's additions, replacements and removals ("/pub/x" or "pub/x"). */
export function buildTree(
  changes: Readonly<Record<string, FtpTreeEntry>> = {},
): Map<string, FtpNode> {
  const tree = defaultTree()
  for (const [name, entry] of Object.entries(changes)) {
    const path = '/' + name.replace(/^\/+/, '').replace(/\/+$/, '')
    if (entry === null) {
      for (const key of [...tree.keys()])
        if (key === path || key.startsWith(path + '/')) tree.delete(key)
      continue
    }
    const node = Buffer.isBuffer(entry) || typeof entry === 'string' ? memoryFile(entry) : entry
    tree.set(path, node)
    // Parents exist implicitly.
    for (let at = path.lastIndexOf('/'); at > 0; at = path.lastIndexOf('/', at - 1)) {
      const parent = path.slice(0, at)
      if (!tree.has(parent)) tree.set(parent, directory())
    }
  }
  return tree
}
