/**
 * `proxyspec list | head -1`: once the reader goes away, a write to stdout
 * fails with EPIPE, which Node raises as an 'error' event and, unhandled, as a
 * stack trace. The CLI treats a closed stdout (or stderr) like a closed
 * terminal: what is still written is dropped, the command ends quietly, and a
 * run in progress stops as it does on Ctrl-C (everything it started is
 * stopped).
 */
type Closable = Pick<NodeJS.WriteStream, 'on'>

const listeners = new Set<() => void>()
let closed = false

const CLOSED_PIPE_CODES = new Set(['EPIPE', 'ERR_STREAM_DESTROYED', 'ERR_STREAM_WRITE_AFTER_END'])

/** Whether an error from a write is the reader having gone away. */
export function isClosedPipe(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code
  return typeof code === 'string' && CLOSED_PIPE_CODES.has(code)
}

/** Installs the handler on the streams (default: stdout and stderr); call once, first thing. */
export function handleClosedPipes(
  streams: readonly Closable[] = [process.stdout, process.stderr],
): void {
  for (const stream of streams) {
    stream.on('error', (error: unknown) => {
      if (!isClosedPipe(error)) throw error
      if (closed) return
      closed = true
      for (const listener of [...listeners]) listener()
    })
  }
}

/** Calls `listener` once an output stream's reader has gone away; returns the unsubscribe. */
export function onOutputClosed(listener: () => void): () => void {
  if (closed) {
    listener()
    return () => undefined
  }
  listeners.add(listener)
  return () => {
    listeners.delete(listener)
  }
}
