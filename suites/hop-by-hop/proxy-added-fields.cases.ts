// RFC 9110 §7.6.1, §7.6.3: a client cannot use Connection to remove a field
// the proxy must add. The proxy removes what the client nominated, then adds
// its own Via (MUST) and any configured X-Forwarded-For or Forwarded: the
// order Apache httpd got wrong in CVE-2022-31813 [B3].
// Not covered here: that a configured X-Forwarded-For is present and right;
// the case cannot know a target's configuration, so it only checks that the
// client's forged values do not get through.
import { defineCase } from '../../harness/engine/model/case.js'
import { conforms, violates } from '../../harness/engine/model/outcome.js'
import { fieldValues } from '../../harness/wire/fields.js'
import { requestAtOrigin, viaMembers } from './exchange.js'

const FORGED = '6.6.6.6'

export const proxyAddedFieldCases = [
  // Fails on nearly every real peer (nginx and HAProxy add no Via of their
  // own; squid and Apache keep what the client nominated). Still a violation:
  // RFC 9110 §7.6.3 "A proxy MUST send an appropriate Via header field ... in
  // each message that it forwards. An HTTP-to-HTTP gateway MUST send an
  // appropriate Via header field in each inbound request message", and §7.6.1
  // "Intermediaries MUST parse a received Connection header field before a
  // message is forwarded and, for each connection-option in this field, remove
  // any header or trailer field(s) from the message with the same name".
  defineCase({
    id: 'connection-cannot-strip-via',
    title:
      "Connection: Via, X-Forwarded-For, Forwarded removes the client's forged values, not the proxy's own Via",
    // HOP-01 too: the client's nominated Via, X-Forwarded-For and Forwarded must go.
    requirements: ['HOP-04', 'HOP-01'],
    spec: [
      { rfc: 9110, section: '7.6.1' },
      { rfc: 9110, section: '7.6.3' },
    ],
    requirement:
      'A proxy MUST send its own Via member in every forwarded message; fields the client nominates in Connection are removed before the proxy adds its own.',
    level: 'MUST',
    roles: ['forward', 'reverse'],
    async run(ctx) {
      const seen = await requestAtOrigin(ctx, {
        headers: [
          ['Connection', 'close, Via, X-Forwarded-For, Forwarded'],
          ['Via', `1.1 forged-${FORGED}`],
          ['X-Forwarded-For', FORGED],
          ['Forwarded', `for=${FORGED}`],
        ],
      })
      const { headers } = seen.message.head
      const members = viaMembers(headers)
      const own = members.filter((m) => !m.includes(FORGED))
      // The client spoke HTTP/1.1: the proxy's member is "1.1 <received-by>" (or "HTTP/1.1 …").
      if (!own.some((m) => /^(?:HTTP\/)?1\.1 \S+/i.test(m))) {
        return violates(
          "the proxy's own Via member (1.1 <received-by>) at the origin",
          members.length === 0 ? 'no Via at all' : `Via: ${members.join(', ')}`,
        )
      }
      const forged = ['via', 'x-forwarded-for', 'forwarded'].filter((name) =>
        fieldValues(headers, name).some((v) => v.includes(FORGED)),
      )
      return forged.length === 0
        ? conforms()
        : violates(
            'none of the nominated, forged values at the origin',
            `forged ${forged.join(', ')} forwarded`,
          )
    },
  }),
]
