import { describe, expect, it } from 'vitest'
import { ftpRequestTarget } from './ftp-target.js'
import { isFtpMode, isRole } from './roles.js'

describe('ftpRequestTarget (catalog §13.1.1: FG/f paths become /files/<path> in FG/r)', () => {
  it('is absolute-form ftp:// in forward mode, whatever the path', () => {
    expect(ftpRequestTarget('forward', '127.0.0.1:40021', '/pub/f.bin')).toBe(
      'ftp://127.0.0.1:40021/pub/f.bin',
    )
    expect(ftpRequestTarget('forward', '127.0.0.1:40021', '/etc/passwd')).toBe(
      'ftp://127.0.0.1:40021/etc/passwd',
    )
  })

  it('is the path under /files/ in reverse mode, and nothing outside {ftp_base}', () => {
    expect(ftpRequestTarget('reverse', '127.0.0.1:40021', '/pub/f.bin')).toBe('/files/f.bin')
    expect(ftpRequestTarget('reverse', '127.0.0.1:40021', '/pub/t.txt;type=a')).toBe(
      '/files/t.txt;type=a',
    )
    expect(ftpRequestTarget('reverse', '127.0.0.1:40021', '/home/secret.txt')).toBeUndefined()
  })

  it('knows the role and the two modes', () => {
    expect(isRole('ftp-gateway')).toBe(true)
    expect(isFtpMode('forward') && isFtpMode('reverse')).toBe(true)
    expect(isFtpMode('passive')).toBe(false)
  })
})
