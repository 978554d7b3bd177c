// FTP-02: the Content-Length a gateway announces (usually from SIZE) frames
// exactly the body octets it writes, whatever the FTP server sends.
//
// RFC 9110 §8.6 and RFC 9112 §6.3: Content-Length is the body's length and
// delimits the message on a persistent connection, so octets written past it
// are read by the client as the start of the next response (here a whole fake
// response the FTP server planted on the data channel); a body cut short must
// end the connection, or the next response is read as its remainder. RFC 3659
// §4: SIZE depends on the current TYPE (and servers do not agree on it under
// TYPE A), so a SIZE is never the length of an ASCII transfer. Each case sends
// its FTP GET and a second GET pipelined in the same write, as the row's Send.
import type { CaseContext } from '../../harness/engine/model/case-context.js'
import { defineCase } from '../../harness/engine/model/case.js'
import { conforms, violates, type Outcome } from '../../harness/engine/model/outcome.js'
import { T_TXT, toAscii } from '../../harness/ftp/index.js'
import { firstFieldValue } from '../../harness/wire/fields.js'
import type { HttpMessage, ResponseHead } from '../../harness/wire/types.js'
import { exchangeUntilClose, ftpGet, responsesIn } from './gateway-exchange.js'
import { ftpOf } from './ftp.js'

const CRLF2 = Buffer.from('\r\n\r\n')
const INJECTED = Buffer.from(
  'HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-Injected: 1\r\n\r\nEVIL!',
  'latin1',
)

function announcedLength(message: HttpMessage<ResponseHead> | undefined): number | undefined {
  if (message === undefined) return undefined
  const value = firstFieldValue(message.head.headers, 'content-length')?.trim()
  return value !== undefined && /^\d{1,15}$/.test(value) ? Number(value) : undefined
}

/** GET pub/f.bin (persistent) and GET pub/t.txt (Connection: close) in one write; bytes until close. */
async function pipelinedPair(
  ctx: CaseContext,
): Promise<{ data: Buffer; how: 'eof' | 'reset' | 'timeout' }> {
  const ftp = ftpOf(ctx)
  const first = ftp.requestTarget('/pub/f.bin') ?? ''
  const second = ftp.requestTarget('/pub/t.txt') ?? ''
  ctx.note(`sent in one write: GET ${first} (persistent) and GET ${second} (Connection: close)`)
  return exchangeUntilClose(ctx, Buffer.concat([ftpGet(ctx, first, []), ftpGet(ctx, second)]), 3000)
}

const SPEC = [
  { rfc: 9110, section: '8.6' },
  { rfc: 9112, section: '6.3' },
  { rfc: 3659, section: '4' },
] as const

export const framingCases = [
  // Grades RFC 9112 §6.3 (Content-Length delimits the message) with RFC 9110
  // §8.6, as the row derives a MUST for the gateway as origin of the
  // response: FO answers SIZE with 213 3 and then sends "abc" plus a complete
  // HTTP response on the data channel. FAIL if the client parses that planted
  // response (X-Injected) from the gateway's connection. squid 5.7 and Apache
  // 2.4.71 both fail it (both announce SIZE and relay the surplus, catalog
  // [F9]): shared, but still the violation, since RFC 9112 §6.3 makes the
  // announced length the end of the body and so the surplus the next
  // response, planted by whoever controls the FTP server.
  defineCase({
    id: 'content-length-never-exceeded-when-size-lies-low',
    title: 'Data past the announced Content-Length is dropped, never read as the next response',
    requirements: ['FTP-02'],
    spec: SPEC,
    requirement:
      'a gateway that announces a Content-Length writes exactly that many body octets; extra data from the FTP data channel is dropped (and the connection closed)',
    level: 'MUST',
    roles: ['ftp-gateway'],
    async run(ctx): Promise<Outcome> {
      const { origin } = ftpOf(ctx)
      origin.script({
        SIZE: (c) => (c.arg.endsWith('f.bin') ? '213 3' : undefined),
        RETR: (c) =>
          c.arg.endsWith('f.bin')
            ? { data: Buffer.concat([Buffer.from('abc'), INJECTED]) }
            : undefined,
      })
      const { data, how } = await pipelinedPair(ctx)
      const messages = responsesIn(data, how !== 'timeout')
      const first = messages[0]
      const length = announcedLength(first)
      const planted = messages.findIndex((m) =>
        m.head.headers.some((f) => f.name.toLowerCase() === 'x-injected'),
      )
      ctx.note(
        `client: ${messages.length} responses, first ${first === undefined ? 'none' : `${first.head.status} with ${length === undefined ? first.framing : `Content-Length ${length}`}`}, then ${how}`,
      )
      if (planted > 0)
        return violates(
          'the bytes after Content-Length: 3 dropped, never parsed as a response',
          `response ${planted + 1} on the connection is the one planted on the FTP data channel (X-Injected: 1)`,
        )
      if (length !== undefined && first?.body.length === length) {
        const after = data.subarray(data.indexOf(CRLF2) + 4 + length)
        if (after.includes(Buffer.from('X-Injected')))
          return violates(
            `no bytes of the FTP data past Content-Length: ${length}`,
            'the planted response follows the body on the connection',
          )
      }
      return conforms(
        first === undefined
          ? `no response parsed (${how})`
          : `${first.head.status}, ${length === undefined ? first.framing : `Content-Length ${length}`}, nothing planted reached the client`,
      )
    },
  }),

  // Grades RFC 9112 §6.3 for the shortfall: FO says 213 5000, sends 1000
  // bytes and 226. A gateway that announced 5000 cannot complete the message:
  // FAIL if any byte beyond the 1000 the FTP server sent follows on the
  // connection (the pipelined second response written inside the short body);
  // a connection left open without those bytes only warns (the row's "a
  // shortfall ends with a close" has no FAIL beside it).
  defineCase({
    id: 'short-body-then-close-when-size-lies-high',
    title:
      'A body shorter than the announced Content-Length ends in a close, with no response after it',
    requirements: ['FTP-02'],
    spec: SPEC,
    requirement:
      'when fewer octets arrive than the Content-Length announced, the gateway closes the connection and writes no further response on it',
    level: 'MUST',
    roles: ['ftp-gateway'],
    async run(ctx): Promise<Outcome> {
      const { origin } = ftpOf(ctx)
      const sent = 1000
      origin.script({
        SIZE: (c) => (c.arg.endsWith('f.bin') ? '213 5000' : undefined),
        RETR: (c) => (c.arg.endsWith('f.bin') ? { data: Buffer.alloc(sent, 0x61) } : undefined),
      })
      const { data, how } = await pipelinedPair(ctx)
      const first = responsesIn(data, how !== 'timeout')[0]
      const length = announcedLength(first)
      const head = data.indexOf(CRLF2)
      ctx.note(
        `client: ${first === undefined ? 'no response' : `${first.head.status}, ${length === undefined ? first.framing : `Content-Length ${length}`}`}, ${data.length - head - 4} octets after the head, then ${how}`,
      )
      if (first === undefined || head === -1 || length === undefined || length <= sent)
        return conforms(
          first === undefined
            ? `no response parsed (${how})`
            : `${first.head.status}, ${length === undefined ? first.framing : `Content-Length ${length}`}: no short body to frame`,
        )
      const onWire = data.length - head - 4
      if (onWire > sent)
        return violates(
          `at most the ${sent} octets the FTP server sent after the head, then a close`,
          `${onWire} octets: ${onWire - sent} more than the server sent, a further response inside the short body of Content-Length ${length}`,
        )
      if (how === 'timeout')
        return violates(
          `a close after the ${onWire} of ${length} octets`,
          'the connection stayed open with the body short',
          'SHOULD',
        )
      return conforms(`Content-Length ${length}, ${onWire} octets, then ${how}`)
    },
  }),

  // Grades RFC 3659 §4 (SIZE depends on the TYPE in force; a TYPE A length is
  // not the file's) with RFC 9112 §6.3, as rows FTP-02 and FTP-17 derive a
  // MUST: FO converts LF to CRLF under TYPE A but answers SIZE with the
  // on-disk length. FAIL if the response to ;type=a announces a
  // Content-Length other than the octets of the ASCII transfer.
  defineCase({
    id: 'no-content-length-from-size-for-an-ascii-transfer',
    title: 'An ASCII transfer is never framed by a SIZE the server gave as the on-disk length',
    requirements: ['FTP-02', 'FTP-17'],
    spec: SPEC,
    requirement:
      'a SIZE reply is never used as the Content-Length of a TYPE A transfer, whose octets differ from the stored file',
    level: 'MUST',
    roles: ['ftp-gateway'],
    async run(ctx): Promise<Outcome> {
      const ftp = ftpOf(ctx)
      ftp.origin.script({ sizeMode: 'on-disk' })
      const target = ftp.requestTarget('/pub/t.txt;type=a') ?? ''
      const { data, how } = await exchangeUntilClose(ctx, ftpGet(ctx, target), 3000)
      const first = responsesIn(data, how !== 'timeout')[0]
      const want = toAscii(Buffer.from(T_TXT, 'latin1'))
      const types = ftp.origin.commandsOf('TYPE').map((c) => c.arg)
      if (first === undefined) return violates(`a response to GET ${target}`, `none (${how})`)
      const length = announcedLength(first)
      ctx.note(
        `FTP: TYPE ${types.join(', ') || '(none)'}, SIZE answered with the on-disk ${T_TXT.length}; client: ${first.head.status}, ${length === undefined ? first.framing : `Content-Length ${length}`}, body ${first.body.length} octets`,
      )
      if (first.head.status !== 200 || length === undefined)
        return conforms(`${first.head.status}, ${first.framing}: no Content-Length from SIZE`)
      const transfer =
        types.at(-1)?.toUpperCase().startsWith('A') === true ? want.length : T_TXT.length
      if (length !== transfer)
        return violates(
          `no Content-Length, or ${transfer} (the octets of the TYPE ${types.at(-1) ?? '?'} transfer)`,
          `Content-Length: ${length}, the SIZE of the stored file`,
        )
      return conforms(`Content-Length ${length} equals the ${transfer} octets transferred`)
    },
  }),
]
