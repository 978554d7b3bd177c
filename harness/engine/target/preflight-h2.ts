/**
 * Whether the target speaks HTTP/2 where the h2 cases will look for it
 * (DESIGN.md, "Front protocol"): ALPN h2 behind TLS (RFC 9113 §3.2), the
 * client preface by prior knowledge on a cleartext listener (§3.3). Asked
 * once per role before any case, so a target that does not costs one line,
 * not a deadline per case.
 */
import { openH2RawClient } from '../../h2/index.js'
import type { RawClientTlsOptions } from '../../client/connect-socket.js'
import { isTimeout } from '../../net/deadline.js'

const PROBE_MS = 2000

/** Non-printable bytes shown as \xNN, for a one-line reason. */
function printable(bytes: Buffer): string {
  return JSON.stringify(bytes.toString('latin1')).slice(1, -1)
}

/**
 * Undefined when the target answered the preface with SETTINGS (and, over
 * TLS, chose h2 in ALPN); otherwise why not, in one line.
 */
export async function probeH2Front(
  target: { readonly host: string; readonly port: number },
  tls: RawClientTlsOptions | undefined,
  timeoutMs = PROBE_MS,
): Promise<string | undefined> {
  const how = tls === undefined ? 'by prior knowledge (cleartext)' : 'over TLS with ALPN h2'
  let client
  try {
    client = await openH2RawClient({
      host: target.host,
      port: target.port,
      id: 'h2-preflight',
      timeoutMs,
      ...(tls === undefined ? {} : { tls }),
    })
  } catch (error) {
    return `it does not speak HTTP/2 ${how}: ${error instanceof Error ? error.message.replace(/^\[proxyspec\] /, '') : String(error)}`
  }
  // What it sent, kept for the reason line (an HTTP/1.1 error page to the preface, typically).
  let head = Buffer.alloc(0)
  client.connection.socket.on('data', (chunk: Buffer) => {
    if (head.length < 40) head = Buffer.concat([head, chunk]).subarray(0, 40)
  })
  try {
    if (tls !== undefined && client.alpnProtocol !== 'h2') {
      return `it does not speak HTTP/2 ${how}: ALPN chose ${client.alpnProtocol === false ? 'no protocol' : `"${String(client.alpnProtocol)}"`}`
    }
    const settings = await client.waitForFrame(
      (r) => r.frame.kind === 'SETTINGS' && (r.frame.header.flags & 0x1) === 0,
      { timeoutMs, what: 'the server SETTINGS' },
    )
    if (isTimeout(settings)) {
      const raw = printable(head)
      return `it does not speak HTTP/2 ${how}: no SETTINGS within ${timeoutMs} ms${raw === '' ? '' : ` (it sent "${raw}")`}`
    }
    if ('kind' in settings && settings.kind === 'closed') {
      const raw = printable(head)
      return `it does not speak HTTP/2 ${how}: it closed the connection${raw === '' ? '' : ` after answering "${raw}"`}`
    }
    return undefined
  } finally {
    await client.close()
  }
}
