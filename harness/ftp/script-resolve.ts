/**
 * From a case's script to what the session does with one command: a scripted
 * reply, the default handler with a transfer or passive override, or the
 * default handler alone. A handler function is called here with the context.
 */
import type {
  FtpScript,
  PassiveScript,
  ReplySpec,
  TransferScript,
  VerbContext,
  VerbScript,
} from './script-types.js'

const TRANSFER_KEYS = [
  'data',
  'preliminary',
  'then',
  'cutAfter',
  'cut',
  'accept',
  'chunk',
  'rstDelayMs',
]
const PASSIVE_KEYS = ['announceHost', 'announcePort', 'listen']

function hasAnyKey(value: unknown, keys: readonly string[]): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    !Buffer.isBuffer(value) &&
    keys.some((k) => k in value)
  )
}

export function isTransferScript(value: unknown): value is TransferScript {
  return hasAnyKey(value, TRANSFER_KEYS)
}

export function isPassiveScript(value: unknown): value is PassiveScript {
  return hasAnyKey(value, PASSIVE_KEYS)
}

export type Resolved =
  | { readonly kind: 'reply'; readonly spec: ReplySpec }
  | { readonly kind: 'default'; readonly script?: TransferScript | PassiveScript }

export function resolveScript(script: FtpScript, context: VerbContext): Resolved {
  const { verb } = context
  // `in`, not ??: null is a script (no reply), undefined is not.
  const own = script as Readonly<Record<string, VerbScript | undefined>>
  let entry: VerbScript | undefined =
    /^[A-Z]+$/.test(verb) && verb in own ? own[verb] : script.other?.[verb]
  if (typeof entry === 'function') {
    entry = entry(context)
    if (typeof entry === 'function') entry = undefined
  }
  if (entry === undefined) return { kind: 'default' }
  if (isTransferScript(entry) || isPassiveScript(entry)) return { kind: 'default', script: entry }
  return { kind: 'reply', spec: entry }
}
