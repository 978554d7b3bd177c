// A translation cache in an h2 front: the h1→h2 field list memoised by the
// response's field names, as an "optimisation" that skips re-encoding
// identical-looking heads. Two responses with the same names (but their own
// values: a token, a set-cookie) then share the first one's values (B98).
import type { H2FrontSteps } from '../../../harness/reference/h2-front/index.js'

/** responseFields, memoised by the list of field names (the values of later responses are lost). */
export function cachedFieldTranslation(reference: H2FrontSteps): H2FrontSteps['responseFields'] {
  const cache = new Map<string, ReturnType<H2FrontSteps['responseFields']>>()
  return (headers) => {
    const key = headers.map((f) => f.name.toLowerCase()).join('\n')
    const hit = cache.get(key)
    if (hit !== undefined) return hit
    const fields = reference.responseFields(headers)
    if (cache.size < 1000) cache.set(key, fields)
    return fields
  }
}
