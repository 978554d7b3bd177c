// harness/ftp: the scripted FTP origin (FO), the third-party listener (X) and a raw FTP client.
export { startFtpOrigin, DEFAULT_USERS } from './server.js'
export type * from './types.js'
export type * from './script-types.js'
export {
  buildTree,
  defaultTree,
  fBinBytes,
  memoryFile,
  generatedFile,
  directory,
  seededBytes,
  F_BIN_TAIL,
  FIXTURE_MTIME,
  T_TXT,
  BIG_BIN_SIZE,
  type FtpFile,
  type FtpDirectory,
  type FtpNode,
  type FtpTree,
  type FtpTreeEntry,
} from './fixtures.js'
export {
  unixLine,
  dosLine,
  eplfLine,
  listingBytes,
  HOSTILE_LINES,
  type ListingFormat,
} from './listing.js'
export { toAscii } from './transfer.js'
export { pasvReply, epsvReply } from './addresses.js'
export { escapeBytes } from './transcript.js'
