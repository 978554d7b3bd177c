/**
 * Splits control bytes into command lines at LF. In Telnet-aware mode
 * (RFC 959 §4.1, RFC 854) IAC IAC is one 0xFF data byte, IAC WILL/WONT/DO/DONT
 * x is dropped, and IAC + any other byte is a Telnet command, noted and dropped.
 * Each line keeps the raw bytes it came from.
 */
export interface ParsedLine {
  /** The bytes as received, through the LF. */
  readonly raw: Buffer
  /** The line's data bytes without the LF and a CR right before it. */
  readonly text: Buffer
  readonly crlf: boolean
  readonly telnet: readonly number[]
}

const IAC = 0xff

export class ControlParser {
  readonly #telnet: () => boolean
  #raw: number[] = []
  #text: number[] = []
  #commands: number[] = []
  /** 0: data; 1: after IAC; 2: after IAC WILL/WONT/DO/DONT. */
  #state = 0

  constructor(telnet: () => boolean) {
    this.#telnet = telnet
  }

  push(chunk: Buffer): ParsedLine[] {
    const lines: ParsedLine[] = []
    for (const byte of chunk) {
      this.#raw.push(byte)
      if (this.#state === 1) {
        this.#state = 0
        if (byte === IAC) this.#text.push(IAC)
        else if (byte >= 251 && byte <= 254) this.#state = 2
        else this.#commands.push(byte)
        continue
      }
      if (this.#state === 2) {
        this.#state = 0
        continue
      }
      if (byte === IAC && this.#telnet()) {
        this.#state = 1
        continue
      }
      if (byte === 0x0a) {
        const crlf = this.#text[this.#text.length - 1] === 0x0d
        if (crlf) this.#text.pop()
        lines.push({
          raw: Buffer.from(this.#raw),
          text: Buffer.from(this.#text),
          crlf,
          telnet: this.#commands,
        })
        this.#raw = []
        this.#text = []
        this.#commands = []
        continue
      }
      this.#text.push(byte)
    }
    return lines
  }

  /** Bytes received after the last LF. */
  rest(): Buffer {
    return Buffer.from(this.#raw)
  }
}
