import { describe, expect, it } from 'vitest'
import {
  isValidHostValue,
  loopbackAddress,
  parseAbsoluteForm,
  parseAuthorityForm,
} from './request-target.js'

describe('parseAbsoluteForm', () => {
  it('keeps path and query byte for byte and fills in the default port', () => {
    expect(parseAbsoluteForm('http://o.test:8080/p?q=1', 'GET')).toEqual({
      kind: 'ok',
      target: { host: 'o.test', port: 8080, text: 'o.test:8080', originForm: '/p?q=1' },
    })
    expect(parseAbsoluteForm('HTTP://o.test/a/%2e%2e//b;x?y=%20', 'GET')).toMatchObject({
      target: { port: 80, originForm: '/a/%2e%2e//b;x?y=%20' },
    })
  })

  it('turns an empty path into "/" ("*" for OPTIONS) and a bare query into "/?q"', () => {
    expect(parseAbsoluteForm('http://o.test', 'GET')).toMatchObject({ target: { originForm: '/' } })
    expect(parseAbsoluteForm('http://o.test:8001', 'OPTIONS')).toMatchObject({
      target: { originForm: '*', text: 'o.test:8001' },
    })
    expect(parseAbsoluteForm('http://o.test?q', 'GET')).toMatchObject({
      target: { originForm: '/?q' },
    })
  })

  it('parses IPv6 literals and refuses userinfo, bad ports and fragments', () => {
    expect(parseAbsoluteForm('http://[::1]:81/', 'GET')).toMatchObject({
      target: { host: '::1', port: 81, text: '[::1]:81' },
    })
    expect(parseAbsoluteForm('http://u@o.test/', 'GET').kind).toBe('invalid')
    expect(parseAbsoluteForm('http://o.test:0/', 'GET').kind).toBe('invalid')
    expect(parseAbsoluteForm('http://o.test:65536/', 'GET').kind).toBe('invalid')
    expect(parseAbsoluteForm('http://o.test/#f', 'GET').kind).toBe('invalid')
    expect(parseAbsoluteForm('https://o.test/', 'GET')).toEqual({
      kind: 'unsupported-scheme',
      scheme: 'https',
    })
    expect(parseAbsoluteForm('/p', 'GET').kind).toBe('not-absolute')
  })
})

describe('parseAuthorityForm', () => {
  it('accepts host:port with a port 1..65535 only', () => {
    expect(parseAuthorityForm('o.test:443')).toEqual({
      host: 'o.test',
      port: 443,
      text: 'o.test:443',
    })
    expect(parseAuthorityForm('[::1]:8443')).toEqual({
      host: '::1',
      port: 8443,
      text: '[::1]:8443',
    })
    for (const bad of [
      'o.test',
      'o.test:',
      'o.test:99999',
      'o.test:ab',
      'o.test:0',
      'http://o.test:443/',
      ':443',
      'a@b:443',
      '::1:443',
    ]) {
      expect(parseAuthorityForm(bad), bad).toBeUndefined()
    }
  })
})

describe('isValidHostValue', () => {
  it('accepts uri-host [":" port] and refuses lists, userinfo and bad ports', () => {
    for (const good of ['a.test', 'a.test:8080', '127.0.0.1:1', '[::1]:80', 'a.test:'])
      expect(isValidHostValue(good), good).toBe(true)
    for (const bad of ['a.test, b.test', 'a.test@b.test', 'a.test:80x', 'a b', '[zz]'])
      expect(isValidHostValue(bad), bad).toBe(false)
  })
})

describe('loopbackAddress', () => {
  it('allows 127/8, ::1 and localhost, and names mapped to them; nothing else', () => {
    expect(loopbackAddress('127.0.0.2')).toBe('127.0.0.2')
    expect(loopbackAddress('LOCALHOST')).toBe('127.0.0.1')
    expect(loopbackAddress('0:0:0:0:0:0:0:1')).toBe('::1')
    expect(loopbackAddress('o.test', { 'o.test': '127.0.0.3' })).toBe('127.0.0.3')
    expect(loopbackAddress('evil.test', { 'evil.test': '10.0.0.1' })).toBeUndefined()
    for (const outside of ['10.0.0.1', '128.0.0.1', 'example.com', '::2', '::ffff:10.0.0.1']) {
      expect(loopbackAddress(outside), outside).toBeUndefined()
    }
  })
})
