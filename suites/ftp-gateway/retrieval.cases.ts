import { defineCase } from '../../harness/engine/model/case.js'
import { conforms, violates } from '../../harness/engine/model/outcome.js'
import { fBinBytes } from '../../harness/ftp/index.js'
import { requestBytes } from '../../harness/wire/serialize.js'
import { responseOf, statusLine } from '../support/request.js'
import { ftpOf } from './ftp.js'

/** Where two byte strings first differ, for the evidence. */
function firstDifference(got: Buffer, want: Buffer): string {
  const n = Math.min(got.length, want.length)
  for (let i = 0; i < n; i += 1) {
    if (got[i] !== want[i])
      return `byte ${i} is 0x${(got[i] ?? 0).toString(16).padStart(2, '0')}, not 0x${(want[i] ?? 0).toString(16).padStart(2, '0')}`
  }
  return `${got.length} bytes, not ${want.length}`
}

export const retrievalCases = [
  // Grades RFC 959 §3.1.1.3 (image type is for the transfer of binary data:
  // the bits are sent as they are) with §3.1 (data is transformed only where
  // the representation type says so), as catalog row FTP-11 derives a MUST for
  // an HTTP→FTP gateway: a file with no text type comes back byte for byte.
  // The positive path of that row: pub/f.bin (1 MiB random, then 00 FF 0D 0A
  // 0D 00 0A FF FF 1A), which the origin converts LF→CRLF under TYPE A, so a
  // gateway that leaves the server's default (ASCII) type in force fails here.
  defineCase({
    id: 'retrieves-a-binary-file-byte-exact',
    title: 'A binary file comes back through the gateway with exactly its bytes',
    requirements: ['FTP-11'],
    spec: [
      { rfc: 959, section: '3.1.1.3' },
      { rfc: 959, section: '3.1' },
    ],
    requirement:
      'the gateway retrieves a non-text file under TYPE I and relays it unchanged: no line-end translation, no dropped NUL or 0xFF',
    level: 'MUST',
    roles: ['ftp-gateway'],
    timeoutMs: 6000,
    async run(ctx) {
      const ftp = ftpOf(ctx)
      // Inside {ftp_base}: named in both modes.
      const target = ftp.requestTarget('/pub/f.bin') ?? ''
      const client = await ctx.connect()
      await client.write(
        requestBytes({
          method: 'GET',
          target,
          version: 'HTTP/1.1',
          headers: [
            ['Host', ftp.host],
            ['Connection', 'close'],
          ],
        }),
      )
      const response = responseOf(await client.readResponse(), `the response to GET ${target}`)
      const want = fBinBytes()
      const types = ftp.origin.commandsOf('TYPE').map((c) => c.arg)
      ctx.note(`FTP origin: TYPE ${types.join(', ') || '(none sent)'}`)
      if (response.head.status !== 200)
        return violates(`200 with the ${want.length} bytes of pub/f.bin`, statusLine(response))
      if (!response.complete)
        return violates(
          `a complete body of ${want.length} bytes`,
          `the connection closed after ${response.body.length} bytes of body`,
        )
      if (!response.body.equals(want))
        return violates(
          `the ${want.length} bytes of pub/f.bin, unchanged`,
          `a different body: ${firstDifference(response.body, want)}`,
        )
      return conforms()
    },
  }),
]
