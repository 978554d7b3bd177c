/**
 * The default handlers: what a plain, correct FTP server answers (RFC 959,
 * RFC 2428, RFC 3659). A case's script replaces them verb by verb.
 */
import type { FtpFile } from './fixtures.js'
import { isLoopback, parseEprt, parsePort, pasvReply, epsvReply } from './addresses.js'
import { baseName, childrenOf, mayAccess, resolvePath } from './paths.js'
import { listingBytes, listingLine } from './listing.js'
import type { PassiveScript, TransferScript } from './script-types.js'
import type { Session } from './session.js'
import { runRetrieve, runList, runStore } from './transfer-command.js'
import { asciiSize } from './transfer.js'

export type Handler = (
  session: Session,
  arg: string,
  script?: TransferScript | PassiveScript,
) => Promise<void>

export const NO_LOGIN_NEEDED = new Set([
  'USER',
  'PASS',
  'QUIT',
  'SYST',
  'FEAT',
  'NOOP',
  'HELP',
  'OPTS',
  'ABOR',
  'STAT',
])

const ANONYMOUS = new Set(['anonymous', 'ftp'])

function fileAt(session: Session, arg: string): { path: string; file: FtpFile } | undefined {
  const path = resolvePath(session.cwd, arg)
  const node = session.env.tree.get(path)
  if (node?.kind !== 'file' || !mayAccess(session.env.tree, path, session.user)) return undefined
  return { path, file: node }
}

function mdtmOf(date: Date): string {
  return date.toISOString().replace(/[-:T]/g, '').slice(0, 14)
}

async function passive(
  session: Session,
  kind: 'pasv' | 'epsv',
  script?: PassiveScript,
): Promise<void> {
  const listen = script?.listen ?? true
  const port = listen ? await session.data.listen(kind) : 0
  const announced = script?.announcePort ?? port
  if (kind === 'epsv') {
    await session.reply(epsvReply(announced))
    return
  }
  await session.reply(pasvReply(script?.announceHost ?? session.env.host, announced))
}

export const DEFAULT_HANDLERS: Readonly<Record<string, Handler | undefined>> = {
  async USER(s, arg) {
    s.logout()
    s.pendingUser = arg
    s.record.user = arg
    await s.reply(
      ANONYMOUS.has(arg.toLowerCase())
        ? '331 Guest login ok, send your e-mail address as password.'
        : '331 Please specify the password.',
    )
  },
  async PASS(s, arg) {
    const user = s.pendingUser
    if (user === undefined) return s.reply('503 Login with USER first.')
    const known = s.env.users[user]
    if (ANONYMOUS.has(user.toLowerCase()) || (known !== undefined && known === arg)) {
      s.login(user)
      return s.reply('230 Login successful.')
    }
    return s.reply('530 Login incorrect.')
  },
  ACCT: (s) => s.reply('202 ACCT not needed.'),
  SYST: (s) => s.reply('215 UNIX Type: L8'),
  FEAT: (s) => s.reply('211-Features:\n EPSV\n MDTM\n PASV\n REST STREAM\n SIZE\n TVFS\n211 End'),
  OPTS: (s, arg) =>
    s.reply(/^UTF8 ON$/i.test(arg) ? '200 Always in UTF8 mode.' : '501 Option not understood.'),
  NOOP: (s) => s.reply('200 NOOP ok.'),
  HELP: (s) => s.reply('214 Help OK.'),
  STAT: (s) => s.reply('211 proxyspec FTP origin status.'),
  PWD: (s) => s.reply(`257 "${s.cwd.replace(/"/g, '""')}" is the current directory`),
  async CWD(s, arg) {
    const path = resolvePath(s.cwd, arg)
    const node = s.env.tree.get(path)
    if (node?.kind !== 'dir' || !mayAccess(s.env.tree, path, s.user))
      return s.reply('550 Failed to change directory.')
    s.cwd = path
    return s.reply('250 Directory successfully changed.')
  },
  async CDUP(s) {
    s.cwd = resolvePath(s.cwd, '..')
    return s.reply('250 Directory successfully changed.')
  },
  async TYPE(s, arg) {
    const type = arg.trim().toUpperCase()
    if (type === 'A' || type === 'A N') s.type = 'A'
    else if (type === 'I' || type === 'L 8') s.type = 'I'
    else return s.reply('504 Type not supported.')
    return s.reply(`200 Switching to ${s.type === 'A' ? 'ASCII' : 'Binary'} mode.`)
  },
  MODE: (s, arg) =>
    s.reply(arg.toUpperCase() === 'S' ? '200 Mode set to S.' : '504 Bad MODE command.'),
  STRU: (s, arg) =>
    s.reply(arg.toUpperCase() === 'F' ? '200 Structure set to F.' : '504 Bad STRU command.'),
  async SIZE(s, arg) {
    const found = fileAt(s, arg)
    if (found === undefined) return s.reply('550 Could not get file size.')
    const perType = s.env.script().sizeMode !== 'on-disk' && s.type === 'A'
    return s.reply(`213 ${perType ? asciiSize(found.file) : found.file.size}`)
  },
  async MDTM(s, arg) {
    const found = fileAt(s, arg)
    return s.reply(
      found === undefined
        ? '550 Could not get file modification time.'
        : `213 ${mdtmOf(found.file.mtime)}`,
    )
  },
  async REST(s, arg) {
    if (!/^\d+$/.test(arg)) return s.reply('501 REST needs a byte offset.')
    s.restOffset = Number(arg)
    return s.reply(`350 Restart position accepted (${arg}).`)
  },
  async PASV(s, _arg, script) {
    if (s.epsvAll) return s.reply('503 EPSV ALL in effect: only EPSV.')
    if (s.env.host.includes(':')) return s.reply('522 PASV is IPv4 only; use EPSV (2)')
    return passive(s, 'pasv', script as PassiveScript | undefined)
  },
  async EPSV(s, arg, script) {
    if (arg.toUpperCase() === 'ALL') {
      s.epsvAll = true
      return s.reply('200 EPSV ALL ok.')
    }
    const family = s.env.host.includes(':') ? '2' : '1'
    if (arg !== '' && arg !== family)
      return s.reply(`522 Network protocol not supported, use (${family})`)
    return passive(s, 'epsv', script as PassiveScript | undefined)
  },
  async PORT(s, arg) {
    if (s.epsvAll) return s.reply('503 EPSV ALL in effect: only EPSV.')
    const target = parsePort(arg)
    if (target === undefined) return s.reply('501 Illegal PORT command.')
    if (!isLoopback(target.host)) return s.reply('501 PORT to a non-loopback address refused.')
    s.data.setActive(target.host, target.port)
    return s.reply('200 PORT command successful.')
  },
  async EPRT(s, arg) {
    if (s.epsvAll) return s.reply('503 EPSV ALL in effect: only EPSV.')
    const target = parseEprt(arg)
    if (target === undefined) return s.reply('501 Illegal EPRT command.')
    if (!isLoopback(target.host)) return s.reply('501 EPRT to a non-loopback address refused.')
    s.data.setActive(target.host, target.port)
    return s.reply('200 EPRT command successful.')
  },
  async RETR(s, arg, script) {
    const found = fileAt(s, arg)
    const offset = s.restOffset
    s.restOffset = 0
    if (found === undefined && (script as TransferScript | undefined)?.data === undefined)
      return s.reply('550 Failed to open file.')
    return runRetrieve(s, found, offset, script as TransferScript | undefined)
  },
  async LIST(s, arg, script) {
    return list(s, arg, false, script as TransferScript | undefined)
  },
  async NLST(s, arg, script) {
    return list(s, arg, true, script as TransferScript | undefined)
  },
  async STOR(s, arg, script) {
    return runStore(s, resolvePath(s.cwd, arg), script as TransferScript | undefined)
  },
  async DELE(s, arg) {
    const found = fileAt(s, arg)
    if (found === undefined) return s.reply('550 Delete operation failed.')
    s.env.tree.delete(found.path)
    return s.reply('250 Delete operation successful.')
  },
  ABOR: async (s) => {
    const abort = s.abortTransfer
    if (abort === undefined) return s.reply('225 No transfer to ABOR.')
    abort()
    await s.transferEnded
    return s.reply('226 ABOR successful.')
  },
  async QUIT(s) {
    s.abortTransfer?.()
    await s.reply('221 Goodbye.')
    s.quit()
  },
}

async function list(
  s: Session,
  arg: string,
  namesOnly: boolean,
  script?: TransferScript,
): Promise<void> {
  const target = arg
    .split(' ')
    .filter((part) => !part.startsWith('-'))
    .join(' ')
  const path = resolvePath(s.cwd, target)
  const node = s.env.tree.get(path)
  if (node === undefined || !mayAccess(s.env.tree, path, s.user)) {
    if (script?.data === undefined) return s.reply('550 No such file or directory.')
  }
  const format = s.env.script().listFormat ?? 'unix'
  const entries =
    node?.kind === 'dir'
      ? childrenOf(s.env.tree, path)
      : node === undefined
        ? []
        : [[baseName(path), node] as const]
  const lines = entries.map(([name, entry]) =>
    namesOnly ? name : listingLine(format, name, entry),
  )
  return runList(s, listingBytes(lines), script)
}
