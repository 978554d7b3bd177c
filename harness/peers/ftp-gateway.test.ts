// squid and Apache as HTTP→FTP gateways (catalog §13.4): the configs their
// ftp-gateway templates render, in both modes.
import { describe, expect, it } from 'vitest'
import { apache } from './apache.js'
import { squid } from './squid.js'
import type { PeerFtp, PeerLayout, PeerPorts } from './types.js'

const ftp = (mode: PeerFtp['mode']): PeerFtp => ({
  mode,
  host: '127.0.0.1',
  port: 40021,
  base: 'ftp://127.0.0.1:40021/pub/',
  user: 'proxyspec',
  pass: 'proxyspec-ftp',
  xIp: '127.0.0.3',
  timeoutS: 5,
})
const ports = (mode: PeerFtp['mode']): PeerPorts => ({
  port: 3128,
  originHost: '127.0.0.1',
  originPort: 8080,
  connectPorts: [443],
  ftp: ftp(mode),
})
const layout: PeerLayout = { dir: '/tmp/peer-x', root: true, provider: 'native' }

function config(definition: typeof squid, mode: PeerFtp['mode'], binary: string): string {
  return definition.launch('ftp-gateway', ports(mode), layout, binary).files[0]?.content ?? ''
}

describe('squid --role ftp-gateway', () => {
  const text = config(squid, 'forward', 'squid')

  it('gateways ftp:// on its port, passive with EPSV, the FTP origin port allowed, X denied', () => {
    expect(text).toContain('http_port 127.0.0.1:3128')
    expect(text).toMatch(/^acl Safe_ports port 21 40021 1025-65535$/m)
    expect(text).toMatch(/^ftp_passive on$/m)
    expect(text).toMatch(/^ftp_epsv allow all$/m)
    expect(text).toMatch(/^ftp_sanitycheck on$/m)
    expect(text).toMatch(/^ftp_user \S+@\S+$/m)
    expect(text).toMatch(/^acl third_party dst 127\.0\.0\.3$/m)
    expect(text).toMatch(/^http_access deny third_party$/m)
  })

  it('times out at {ftp_timeout}, caches nothing, and is told no HTTP origin', () => {
    expect(text).toMatch(/^read_timeout 5 seconds$/m)
    expect(text).toMatch(/^negative_ttl 0 seconds$/m)
    expect(text).toMatch(/^cache deny all$/m)
    expect(text).not.toContain('cache_peer')
    expect(text).not.toContain('{{')
  })

  it('offers the forward mode only', () => {
    expect(squid.roles).toContain('ftp-gateway')
    expect(squid.ftpModes).toEqual(['forward'])
    expect(squid.templates('ftp-gateway')).toEqual(['squid/ftp-gateway.conf', 'squid/common.conf'])
  })
})

describe('apache --role ftp-gateway', () => {
  it('forward mode: ProxyRequests On with mod_proxy_ftp, and the /files/ mapping', () => {
    const text = config(apache, 'forward', 'apache2')
    expect(text).toMatch(/^LoadModule proxy_ftp_module \S+\/mod_proxy_ftp\.so$/m)
    expect(text).toMatch(/^ProxyRequests On$/m)
    expect(text).toContain('ProxyPass "/files/" "ftp://127.0.0.1:40021/pub/"')
    expect(text).toMatch(/^ProxyTimeout 5$/m)
    expect(text).toMatch(/^ProxyBlock 127\.0\.0\.3$/m)
    expect(text).toMatch(/^ProxyFtpDirCharset UTF-8$/m)
    expect(text).toContain('Listen 127.0.0.1:3128')
    expect(text).not.toContain('{{')
  })

  it('reverse mode: the mapping only, no open forward proxy', () => {
    const text = config(apache, 'reverse', 'apache2')
    expect(text).toMatch(/^ProxyRequests Off$/m)
    expect(text).toContain('ProxyPass "/files/" "ftp://127.0.0.1:40021/pub/"')
    expect(apache.ftpModes).toEqual(['forward', 'reverse'])
  })

  it('reads the MIME table of the image it runs in', () => {
    const container = apache.launch(
      'ftp-gateway',
      ports('forward'),
      { ...layout, provider: 'container' },
      'httpd',
    ).files[0]?.content
    expect(container).toMatch(/^TypesConfig \/usr\/local\/apache2\/conf\/mime\.types$/m)
    expect(config(apache, 'forward', 'apache2')).toMatch(/^TypesConfig \/etc\/mime\.types$/m)
  })
})
