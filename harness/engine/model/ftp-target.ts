import { FTP_REVERSE_PREFIX, type FtpMode } from './roles.js'

/** The FTP directory an FG/r target's prefix is mapped onto ({ftp_base} is `ftp://{ftp_origin}/pub/`). */
export const FTP_BASE_PATH = '/pub/'

/**
 * The request-target that asks an ftp-gateway for `ftpPath` on the FTP origin
 * at `authority` (catalog §13.1.1: "paths in FG/f tests become /files/<path>
 * in FG/r"): `ftp://authority/pub/f.bin` in forward mode, `/files/f.bin` in
 * reverse mode, or undefined when reverse mode cannot name the path (it lies
 * outside {ftp_base}). The path is used as written: percent-encoding and
 * `;type=` are the case's.
 */
export function ftpRequestTarget(
  mode: FtpMode,
  authority: string,
  ftpPath: string,
): string | undefined {
  if (mode === 'forward') return `ftp://${authority}${ftpPath}`
  if (!ftpPath.startsWith(FTP_BASE_PATH)) return undefined
  return `${FTP_REVERSE_PREFIX}${ftpPath.slice(FTP_BASE_PATH.length)}`
}
