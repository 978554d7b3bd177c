import { once } from 'node:events'
import { startReferenceProxy } from '../harness/reference/proxy/index.js'
import { HarnessError } from '../harness/net/errors.js'
import { parseCommandArgs, parsePort, splitList } from './args.js'
import { parseProxyAuth } from './command-run.js'
import { REFERENCE_USAGE } from './usage.js'

const OPTIONS = {
  mode: { type: 'string' },
  port: { type: 'string' },
  upstream: { type: 'string' },
  'connect-ports': { type: 'string', multiple: true },
  'proxy-auth': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const

function parseUpstream(text: string): { host: string; port: number } {
  const match = /^(127(?:\.\d{1,3}){3}|localhost):(\d{1,5})$/.exec(text)
  if (match === null)
    throw new HarnessError(
      'HARNESS_BAD_INPUT',
      `--upstream takes a loopback HOST:PORT, not "${text}"`,
    )
  return {
    host: match[1] === 'localhost' ? '127.0.0.1' : (match[1] ?? ''),
    port: parsePort(match[2] ?? '', '--upstream port'),
  }
}

/** `proxyspec reference`: the reference intermediary as a process of its own, until a signal. */
export async function commandReference(args: readonly string[]): Promise<number> {
  const { values } = parseCommandArgs(args, OPTIONS, 'proxyspec reference --help')
  if (values.help === true) {
    process.stdout.write(REFERENCE_USAGE)
    return 0
  }
  const mode = values.mode
  if (mode !== 'forward' && mode !== 'reverse') {
    throw new HarnessError(
      'HARNESS_BAD_INPUT',
      '--mode must be forward or reverse (see: proxyspec reference --help)',
    )
  }
  if (values.port === undefined)
    throw new HarnessError('HARNESS_BAD_INPUT', '--port is required (0 lets the OS pick)')
  if (mode === 'reverse' && values.upstream === undefined) {
    throw new HarnessError(
      'HARNESS_BAD_INPUT',
      '--upstream HOST:PORT is required with --mode reverse',
    )
  }
  const ports = splitList(values['connect-ports']).map((p) => parsePort(p, '--connect-ports'))
  const proxy = await startReferenceProxy({
    mode,
    port: parsePort(values.port, '--port'),
    ...(values.upstream === undefined ? {} : { upstream: parseUpstream(values.upstream) }),
    ...(ports.length === 0 ? {} : { connectPorts: ports }),
    ...(values['proxy-auth'] === undefined
      ? {}
      : { proxyAuth: parseProxyAuth(values['proxy-auth']) }),
  })
  process.stdout.write(`proxyspec reference (${mode}) listening on ${proxy.authority}\n`)
  await Promise.race([once(process, 'SIGINT'), once(process, 'SIGTERM')])
  await proxy.close()
  return 0
}
