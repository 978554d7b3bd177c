// harness/reference/ftp-gateway: the reference HTTP→FTP gateway (the reference forward proxy plus an FTP client pipeline).
export { startReferenceFtpGateway } from './gateway-server.js'
export {
  ftpReferenceSteps,
  ftpStepsWith,
  type FtpGatewaySteps,
  type FtpGatewayVariant,
} from './steps.js'
export { FtpControl, FtpError } from './control.js'
export type { QuitReason } from './dialogue.js'
export type {
  CommandPlan,
  DataAddress,
  FtpFailure,
  FtpReply,
  FtpUrl,
  FtpWait,
  GatewayAnswer,
  Login,
  PageContext,
  PassiveAttempt,
  PassiveCommand,
  PassiveOffer,
  ReferenceFtpGatewayOptions,
  ReplyRead,
  StartedFtpGateway,
  TransferEnd,
  Typecode,
} from './types.js'
