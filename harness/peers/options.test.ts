import { describe, expect, it } from 'vitest'
import { PEERS } from './catalog.js'
import { chooseProvider } from './choose-provider.js'
import { peerOptionsFrom } from './cli-options.js'
import { imageFor, parsePeerImages } from './images.js'
import { fillTemplate } from './template.js'

describe('peer images', () => {
  it('takes --peer-image, then PROXYSPEC_PEER_IMAGE_<NAME>, then the official default', () => {
    const images = parsePeerImages(['squid=local/squid:1'])
    expect(imageFor('squid', images, {})).toBe('local/squid:1')
    expect(imageFor('nginx', images, { PROXYSPEC_PEER_IMAGE_NGINX: 'mine/nginx' })).toBe(
      'mine/nginx',
    )
    expect(imageFor('haproxy', images, {})).toBe(PEERS.haproxy.defaultImage)
  })

  it('refuses malformed --peer-image and --peer-provider values with one line', () => {
    expect(() => parsePeerImages(['squid'])).toThrow(/NAME=IMAGE/)
    expect(() => parsePeerImages(['envoy=e:1'])).toThrow(/nginx, squid/)
    expect(() => peerOptionsFrom({ 'peer-provider': 'vm' })).toThrow(/container, native or auto/)
    expect(peerOptionsFrom({})).toEqual({ provider: 'auto', images: {} })
  })
})

describe('the auto provider', () => {
  it('says in one line why it can start neither a container nor a binary', async () => {
    const saved = process.env.DOCKER_HOST
    process.env.DOCKER_HOST = 'unix:///nonexistent/proxyspec-docker.sock'
    try {
      const absent = { ...PEERS.squid, binaries: ['proxyspec-no-such-squid'] }
      await expect(chooseProvider(absent)).rejects.toThrow(
        'cannot start peer squid: no Docker engine and no proxyspec-no-such-squid on PATH',
      )
      await expect(chooseProvider(absent, { provider: 'container' })).rejects.toThrow(
        /cannot start peer squid: no Docker engine answers/,
      )
    } finally {
      if (saved === undefined) delete process.env.DOCKER_HOST
      else process.env.DOCKER_HOST = saved
    }
  })
})

describe('fillTemplate', () => {
  it('fills double-brace names, leaves config braces alone, refuses unknown names', () => {
    expect(fillTemplate('server { listen {{port}}; }', { port: '8080' })).toBe(
      'server { listen 8080; }',
    )
    expect(() => fillTemplate('{{nope}}', {})).toThrow(/unknown \{\{nope\}\}/)
  })
})
