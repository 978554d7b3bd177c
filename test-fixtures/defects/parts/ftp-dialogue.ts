// Broken FTP-client steps for the ftp-gateway seeded defects: logins and
// reply readers as real gateways and client libraries got them wrong. Each
// is a whole replacement for one step of the reference gateway.
import {
  FtpError,
  type FtpControl,
  type FtpGatewaySteps,
  type FtpReply,
  type Login,
  type ReplyRead,
} from '../../../harness/reference/ftp-gateway/index.js'

/** Takes the first reply as the greeting, so after a 120 it sends USER before the 220 (FTP-14). */
export async function loginWithoutWaitingFor220(control: FtpControl, login: Login): Promise<void> {
  const greeting = await control.reply('greeting')
  if (greeting.code !== 120 && greeting.code !== 220)
    throw new FtpError({ kind: 'reply', command: 'greeting', reply: greeting })
  const user = await control.final('USER', login.user)
  if (user.code !== 331 && user.code !== 230)
    throw new FtpError({ kind: 'reply', command: 'USER', reply: user })
  const pass = await control.final('PASS', login.password ?? Buffer.from('x@y'))
  if (pass.code !== 230) throw new FtpError({ kind: 'reply', command: 'PASS', reply: pass })
}

/** Always sends PASS after USER, even when USER was answered 230 (FTP-14). */
export async function loginAlwaysWithPass(control: FtpControl, login: Login): Promise<void> {
  let greeting = await control.reply('greeting')
  if (greeting.code === 120) greeting = await control.reply('greeting')
  if (greeting.code !== 220)
    throw new FtpError({ kind: 'reply', command: 'greeting', reply: greeting })
  const user = await control.final('USER', login.user)
  if (user.code !== 331 && user.code !== 230)
    throw new FtpError({ kind: 'reply', command: 'USER', reply: user })
  if (login.password === undefined) throw new FtpError({ kind: 'credentials-needed' })
  const pass = await control.final('PASS', login.password)
  if (pass.code !== 230 && pass.code !== 202)
    throw new FtpError({ kind: 'reply', command: 'PASS', reply: pass })
}

/** A 331 for a user without a password is a plain failure of USER (502), not a 401 challenge (FTP-14). */
export function loginFailingOn331(reference: FtpGatewaySteps): FtpGatewaySteps['loginSequence'] {
  return async (control, login) => {
    if (login.password !== undefined) return reference.loginSequence(control, login)
    try {
      await reference.loginSequence(control, login)
    } catch (error) {
      if (error instanceof FtpError && error.failure.kind === 'credentials-needed')
        throw new FtpError({
          kind: 'reply',
          command: 'USER',
          reply: { code: 331, lines: ['331 Please specify the password.'] },
        })
      throw error
    }
  }
}

/**
 * Ends a multi-line reply at the first line that looks like a reply, indented
 * or not, and takes that line's code (FTP-23): "220-Welcome / 230 not a reply"
 * reads as 230, a 550 with an inner "  226 done" as 226.
 */
export function readReplyAtInnerLine(buffered: Buffer): ReplyRead {
  const lines: string[] = []
  let start = 0
  for (;;) {
    const lf = buffered.indexOf(0x0a, start)
    if (lf === -1) return undefined
    const line = buffered.toString('latin1', start, buffered[lf - 1] === 0x0d ? lf - 1 : lf)
    start = lf + 1
    lines.push(line)
    const code = /^\s*(\d{3})( |$)/.exec(line)?.[1]
    if (code !== undefined) return { reply: { code: Number(code), lines }, consumed: start }
    if (lines.length === 1 && !/^\d{3}-/.test(line))
      return { problem: `a malformed FTP reply line "${line.slice(0, 80)}"` }
  }
}

/** Parses whatever bytes have arrived as a whole line, so a reply split across segments is garbage (FTP-23). */
export function readReplyPerSegment(reference: FtpGatewaySteps): FtpGatewaySteps['readReply'] {
  return (buffered) => {
    if (buffered.length > 0 && !buffered.includes(0x0a))
      return reference.readReply(Buffer.concat([buffered, Buffer.from('\r\n')]))
    return reference.readReply(buffered)
  }
}

/** A future MDTM passed through: the reference parse with no clamp (FTP-13). */
export function lastModifiedUnclamped(
  reference: FtpGatewaySteps,
): (reply: FtpReply | undefined, now: Date) => Date | undefined {
  return (reply) => reference.lastModifiedFrom(reply, new Date(8.64e15))
}
