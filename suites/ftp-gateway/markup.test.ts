import { describe, expect, it } from 'vitest'
import { declaredCharset, liveMarkers, rendersAsMarkup } from './markup.js'

const M = ['m1_pxs', 'm5_pxs', 'm6_pxs']

describe('liveMarkers', () => {
  it('finds raw markup from the server: a script, a tag, a quote that breaks an attribute', () => {
    expect(liveMarkers('<li><script>m1_pxs</script></li>', M)[0]?.where).toBe('in a script')
    expect(liveMarkers('<li><img src=x onerror=m1_pxs></li>', M)[0]?.where).toBe('in a tag')
    const broken =
      '<a href="/pub/"><script>m5_pxs</script>/">x</a><a href="/""><svg onload=m6_pxs>">'
    expect(liveMarkers(broken, M).map((m) => m.marker)).toEqual(['m5_pxs', 'm6_pxs'])
  })

  it('leaves escaped text, quoted values, comments and titles alone', () => {
    const safe = [
      '<title><script>m1_pxs</script></title>',
      '<p>&lt;script&gt;m1_pxs&lt;/script&gt;</p>',
      '<a href="/pub/%22%3E%3Cscript%3Em5_pxs%3C/script%3E/">&quot;&gt;m5_pxs</a>',
      '<a title="<svg onload=m6_pxs>">x</a>',
      '<!-- <script>m1_pxs</script> -->',
    ].join('\n')
    expect(liveMarkers(safe, M)).toEqual([])
  })

  it('counts the value of an event handler attribute as live', () => {
    expect(liveMarkers('<a onclick="m1_pxs">x</a>', M)).toHaveLength(1)
  })
})

describe('charset and type', () => {
  it('reads the parameter or a meta element', () => {
    expect(declaredCharset('text/html; charset=UTF-8', Buffer.alloc(0))).toContain('UTF-8')
    expect(declaredCharset('text/html', Buffer.from('<meta charset="utf-8">'))).toContain('utf-8')
    expect(declaredCharset('text/html', Buffer.from('<p>x'))).toBeUndefined()
  })

  it('treats plain text as inert and a missing type as sniffed', () => {
    expect(rendersAsMarkup('text/plain; charset=utf-8')).toBe(false)
    expect(rendersAsMarkup(undefined)).toBe(true)
    expect(rendersAsMarkup('text/html')).toBe(true)
  })
})
