import { visibleText } from './bytes.js'

/**
 * Inline text that renders as itself on GitHub: control characters made
 * visible, line breaks folded, HTML and Markdown punctuation escaped (a
 * target-controlled "observed" value must not become a link or a tag).
 */
export function mdText(text: string): string {
  return visibleText(text)
    .replace(/[\r\n\t]+/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_[\]|~#!])/g, '\\$1')
}

/** A code span that survives backticks in its content. */
export function mdCode(text: string): string {
  const runs = text.match(/`+/g) ?? []
  const fence = '`'.repeat(Math.max(0, ...runs.map((r) => r.length)) + 1)
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : ''
  return `${fence}${pad}${visibleText(text).replace(/[\r\n]+/g, ' ')}${pad}${fence}`
}

/** A fenced block whose fence is longer than any backtick run inside. */
export function mdFence(text: string, info = 'text'): string {
  const runs = text.match(/`{3,}/g) ?? []
  const fence = '`'.repeat(Math.max(3, ...runs.map((r) => r.length + 1)))
  return `${fence}${info}\n${text}\n${fence}`
}

/** A Markdown link whose text is escaped and whose url cannot break out of the parentheses. */
export function mdLink(text: string, url: string): string {
  const safe = url.replace(
    /[\s()<>]/g,
    (c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0').toUpperCase()}`,
  )
  return `[${mdText(text)}](${safe})`
}

/** A GitHub table; cells are escaped by the caller. */
export function mdTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  align?: readonly ('l' | 'r')[],
): string {
  const rule = header.map((_, i) => (align?.[i] === 'r' ? '---:' : '---'))
  return [header, rule, ...rows].map((cells) => `| ${cells.join(' | ')} |`).join('\n')
}

/** A collapsed block; the blank lines let GitHub render Markdown inside it. */
export function mdDetails(summary: string, body: string): string {
  return `<details><summary>${summary}</summary>\n\n${body}\n\n</details>`
}
