// The image the peer tests ask for is the one .ci/setup-peers.sh builds: the
// script names it in IMAGE=, the harness in LOCAL_PEER_IMAGE. When the image's
// package list changes, both change their tag together, or a machine holding
// the older image would run the container tests without the new peers.
import { readFileSync } from 'node:fs'
import { expect, it } from 'vitest'
import { LOCAL_PEER_IMAGE } from './images.js'

const script = readFileSync(new URL('../../.ci/setup-peers.sh', import.meta.url), 'utf8')

it('LOCAL_PEER_IMAGE is the image .ci/setup-peers.sh builds', () => {
  expect(script).toMatch(new RegExp(`^IMAGE=${LOCAL_PEER_IMAGE.replace(/[.]/g, '\\.')}$`, 'm'))
})

it('the image holds every peer that has a container role', () => {
  const include = /--include=(\S+)/.exec(script)?.[1]?.split(',') ?? []
  for (const pkg of [
    'nginx-light',
    'squid',
    'haproxy',
    'tinyproxy',
    'apache2',
    'varnish',
    'caddy',
    'nghttp2-proxy',
  ])
    expect(include).toContain(pkg)
})
