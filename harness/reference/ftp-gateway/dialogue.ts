/**
 * The effectful steps of the FTP dialogue: logging in, and leaving (QUIT,
 * ABOR, closing every socket).
 */
import type { Socket } from 'node:net'
import { closeGracefully } from '../proxy/socket-io.js'
import { FtpError, type FtpControl } from './control.js'
import type { Login } from './types.js'

/**
 * The login (RFC 959 §5.4, §4.1.1; RFC 1738 §3.2.1): wait for 220 (a 120
 * first is allowed), USER, then PASS on 331; 230 (or 202) right after USER is
 * a login. A user named without a password who meets 331 is asked for one
 * (FtpError 'credentials-needed', then 401), never guessed. Anything else is
 * the failure (530 → 401/403 by replyStatus).
 */
export async function loginSequence(control: FtpControl, login: Login): Promise<void> {
  let greeting = await control.reply('greeting')
  if (greeting.code === 120) greeting = await control.reply('greeting')
  if (greeting.code !== 220)
    throw new FtpError({ kind: 'reply', command: 'greeting', reply: greeting })
  const user = await control.final('USER', login.user)
  if (user.code === 230 || user.code === 202) return
  if (user.code !== 331) throw new FtpError({ kind: 'reply', command: 'USER', reply: user })
  if (login.password === undefined) throw new FtpError({ kind: 'credentials-needed' })
  const pass = await control.final('PASS', login.password)
  if (pass.code === 230 || pass.code === 202) return
  throw new FtpError({ kind: 'reply', command: 'PASS', reply: pass })
}

/** How a transaction ends for quit: done, failed, or abandoned mid-transfer (client gone, HEAD, surplus). */
export type QuitReason = 'done' | 'failed' | 'abandoned'

/**
 * Leaving the server (RFC 959 §4.1.1): every data socket is closed; an
 * abandoned transfer gets ABOR; then QUIT and a graceful close of the control
 * connection (read until the server's FIN, at most `lingerMs`), also after
 * errors (FTP-26). Does not wait for the server.
 */
export function quit(
  control: FtpControl | undefined,
  data: readonly Socket[],
  reason: QuitReason,
  lingerMs: number,
): void {
  for (const socket of data) socket.destroy()
  if (control === undefined) return
  try {
    if (control.usable) {
      if (reason === 'abandoned') control.send('ABOR')
      control.send('QUIT')
    }
  } catch {
    // A socket that failed under the write: closing it below is all that is left.
  }
  closeGracefully(control.socket, lingerMs)
}
