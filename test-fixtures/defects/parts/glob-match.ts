import { normaliseName } from '../../../harness/reference/gateway/index.js'

/**
 * A glob matcher for a presented DNS-ID: "*" is any run of non-dots, anywhere
 * in any label (what RFC 9525 §6.3 forbids: a wildcard is only the whole
 * left-most label).
 */
export function globMatches(reference: string, presented: string): boolean {
  const pattern = presented
    .toLowerCase()
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('[^.]*')
  return new RegExp(`^${pattern}$`).test(normaliseName(reference))
}
