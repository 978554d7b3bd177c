import type { CaseContext, FtpView } from '../../harness/engine/model/case-context.js'
import { HarnessError } from '../../harness/net/errors.js'

/** ctx.ftp, which the runner gives every case in the ftp-gateway role. */
export function ftpOf(ctx: CaseContext): FtpView {
  if (ctx.ftp === undefined)
    throw new HarnessError('HARNESS_INTERNAL', 'an ftp-gateway case ran without ctx.ftp')
  return ctx.ftp
}
