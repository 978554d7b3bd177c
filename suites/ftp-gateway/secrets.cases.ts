/**
 * FTP-06: the password a client gives for the FTP login (in the URL's
 * userinfo, or in Authorization: Basic) never comes back in anything the
 * gateway generates. RFC 3986 §3.2.1: the text after the first ":" in
 * userinfo is not to be rendered in clear ("Applications should not render as
 * clear text any data after the first colon"); RFC 959 §4.1.1 puts hiding the
 * password on the user-FTP side, which the gateway is. squid prints ftp URLs
 * with their userinfo in error and listing pages (catalog [F11]). The catalog
 * grades the row "Semantic (treat as MUST; security)".
 */
import { defineCase } from '../../harness/engine/model/case.js'
import { conforms, observed, violates } from '../../harness/engine/model/outcome.js'
import {
  basic,
  fetchThrough,
  fieldOf,
  forwardUrl,
  messageOf,
  summary,
  type Exchange,
} from './exchange.js'
import { ftpOf } from './ftp.js'

const USER = 'alice'
/** The fixture's password for alice (harness/ftp DEFAULT_USERS). */
const PASSWORD = 'S3cretPW'

/**
 * The forms the password can take in bytes the client reads: as is, percent-
 * or entity-encoded (decoded before the search), and inside base64 (of
 * "alice:S3cretPW" or of anything holding the password at any byte offset:
 * the base64 characters that depend on the password's bytes alone).
 */
export function secretForms(secret: string, user: string): string[] {
  const forms = new Set<string>([secret])
  const bytes = Buffer.from(secret, 'latin1')
  for (let shift = 0; shift < 3; shift += 1) {
    const b64 = Buffer.concat([Buffer.alloc(shift), bytes]).toString('base64')
    const core = b64.slice(Math.ceil((8 * shift) / 6), Math.floor((8 * (shift + bytes.length)) / 6))
    forms.add(core)
    forms.add(core.replace(/\+/g, '-').replace(/\//g, '_'))
  }
  forms.add(Buffer.from(`${user}:${secret}`).toString('base64').replace(/=+$/, ''))
  return [...forms]
}

/** `text` with %XX and &#…; references decoded, so an encoded password reads as itself. */
function decoded(text: string): string {
  return text
    .replace(/%([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)))
    .replace(/&#x([0-9A-Fa-f]+);?/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)))
    .replace(/&#(\d+);?/g, (_, dec: string) => String.fromCharCode(Number(dec)))
}

/** Where in `bytes` a form of the password shows, or undefined. */
function leak(bytes: Buffer, forms: readonly string[]): string | undefined {
  const raw = bytes.toString('latin1')
  for (const text of [raw, decoded(raw)]) {
    for (const form of forms) {
      const i = text.indexOf(form)
      if (i === -1) continue
      const line = text.slice(Math.max(0, text.lastIndexOf('\n', i) + 1), i + form.length + 40)
      return `"${form}" in: ${line.split('\n')[0]?.trim() ?? ''}`
    }
  }
  return undefined
}

export const secretCases = [
  // Grades catalog row FTP-06 (RFC 3986 §3.2.1: the password part of
  // userinfo is not shown in clear; RFC 9110 §11.6.1: credentials are the
  // client's, a realm names a protection space): error pages (550, 530),
  // listing pages (title, links, base), a redirect's Location, the 401
  // realm and every other header carry no form of the password.
  defineCase({
    id: 'password-never-in-generated-responses',
    title: 'The FTP password from the URL or from Basic credentials never comes back',
    requirements: ['FTP-06'],
    spec: [
      { rfc: 3986, section: '3.2.1' },
      { rfc: 959, section: '4.1.1' },
      { rfc: 9110, section: '11.6.1' },
    ],
    requirement:
      "the URL's or Basic password (also percent-encoded or base64) appears in no error page, listing page, realm, Location or other header the gateway writes",
    level: 'MUST',
    roles: ['ftp-gateway'],
    async run(ctx) {
      const ftp = ftpOf(ctx)
      const credentials = `${USER}:${PASSWORD}`
      const withBasic = basic(USER, PASSWORD)
      const refusePass = { PASS: '530 Login incorrect.' }
      // URL userinfo exists in forward mode only; the Basic rows run in both.
      const plan: {
        label: string
        target: string | undefined
        script: Parameters<typeof ftp.origin.script>[0]
        basic?: boolean
      }[] = [
        {
          label: 'userinfo, FO 550',
          target: forwardUrl(ctx, credentials, '/pub/missing.bin'),
          script: {},
        },
        { label: 'userinfo, listing', target: forwardUrl(ctx, credentials, '/pub/'), script: {} },
        {
          label: 'userinfo, directory without "/"',
          target: forwardUrl(ctx, credentials, '/pub/d'),
          script: {},
        },
        {
          label: 'userinfo, FO 530',
          target: forwardUrl(ctx, credentials, '/pub/f.bin'),
          script: refusePass,
        },
        {
          label: 'user in URL + Basic, listing',
          target: forwardUrl(ctx, USER, '/pub/'),
          script: {},
          basic: true,
        },
        { label: 'Basic, listing', target: ftp.requestTarget('/pub/'), script: {}, basic: true },
        {
          label: 'Basic, FO 550',
          target: ftp.requestTarget('/pub/missing.bin'),
          script: {},
          basic: true,
        },
        {
          label: 'Basic, FO 530',
          target: ftp.requestTarget('/pub/k.bin'),
          script: refusePass,
          basic: true,
        },
      ]
      const forms = secretForms(PASSWORD, USER)
      const exchanges: Exchange[] = []
      for (const step of plan) {
        if (step.target === undefined) continue
        ftp.origin.script(step.script)
        exchanges.push(
          await fetchThrough(ctx, `${step.label}: GET ${step.target}`, step.target, {
            headers: step.basic === true ? [withBasic] : [],
          }),
        )
      }
      ctx.note(ftp.origin.transcript())
      const statuses: string[] = []
      for (const exchange of exchanges) {
        const message = messageOf(exchange)
        const location = message === undefined ? undefined : fieldOf(message, 'location')
        ctx.note(
          `${exchange.label} → ${summary(exchange)}${location === undefined ? '' : ` Location: ${location}`}`,
        )
        statuses.push(`${exchange.label.split(':')[0] ?? ''}: ${summary(exchange)}`)
        const found = leak(exchange.bytes, forms)
        if (found !== undefined)
          return violates(`no form of the password in the response to ${exchange.label}`, found)
      }
      // INFO (catalog): whether the gateway refuses URL userinfo outright.
      if (exchanges.every((e) => messageOf(e) === undefined))
        return observed(`no response carried a page to judge: ${statuses.join('; ')}`)
      return conforms(statuses.join('; '))
    },
  }),
]
