/** Keeps the first `max` characters of a stream of text (a peer's stderr, for the report). */
export class BoundedText {
  #text = ''
  readonly #max: number

  constructor(max = 64 * 1024) {
    this.#max = max
  }

  append(chunk: string | Buffer): void {
    if (this.#text.length >= this.#max) return
    this.#text = (this.#text + chunk.toString()).slice(0, this.#max)
  }

  toString(): string {
    return this.#text
  }
}
