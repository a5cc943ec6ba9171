import { describe, expect, it } from 'vitest';
import { blockedAddressKind, checkUrl } from './address-guard.js';
import { CaptureFailed } from './capture-error.js';

describe('blockedAddressKind', () => {
  it.each([
    ['127.0.0.1', 'a loopback address'],
    ['127.255.255.254', 'a loopback address'],
    ['10.0.0.8', 'a private network address'],
    ['172.16.0.1', 'a private network address'],
    ['172.31.255.255', 'a private network address'],
    ['192.168.1.1', 'a private network address'],
    ['169.254.169.254', 'a link-local address'],
    ['100.64.0.1', 'a carrier-grade NAT address'],
    ['100.127.255.255', 'a carrier-grade NAT address'],
    ['0.0.0.0', 'an unspecified address'],
    ['0.1.2.3', 'an unspecified address'],
    ['255.255.255.255', 'the broadcast address'],
    ['224.0.0.1', 'a multicast address'],
    ['239.255.255.250', 'a multicast address'],
    ['192.0.2.1', 'a reserved address'],
    ['198.18.0.1', 'a reserved address'],
    ['240.0.0.1', 'a reserved address'],
    ['::1', 'a loopback address'],
    ['::', 'an unspecified address'],
    ['fe80::1', 'a link-local address'],
    ['fe80::1%eth0', 'a link-local address'],
    ['fc00::1', 'a private network address'],
    ['fd12:3456::1', 'a private network address'],
    ['fec0::1', 'a private network address'],
    ['ff02::1', 'a multicast address'],
    ['::ffff:127.0.0.1', 'a loopback address'],
    ['::ffff:7f00:1', 'a loopback address'],
    ['::ffff:10.0.0.1', 'a private network address'],
    ['::ffff:169.254.169.254', 'a link-local address'],
    ['::127.0.0.1', 'a loopback address'],
    ['::ffff:0:a00:1', 'a private network address'],
    ['64:ff9b::7f00:1', 'a loopback address'],
    ['64:ff9b::a9fe:a9fe', 'a link-local address'],
    ['64:ff9b:1::a00:1', 'a reserved address'],
    ['2002:7f00:1::1', 'a reserved address'],
    ['2001:0:4136:e378::1', 'a reserved address'],
    ['2001:db8::1', 'a reserved address'],
    ['100::1', 'a reserved address'],
    ['[::1]', 'a loopback address'],
    ['localhost', 'not an address'],
    ['', 'not an address'],
  ])('blocks %s as %s', (address, kind) => {
    expect(blockedAddressKind(address)).toBe(kind);
  });

  it.each([
    '8.8.8.8',
    '1.1.1.1',
    '93.184.216.34',
    '172.32.0.1',
    '100.128.0.1',
    '2a00:1450:4009:81f::200e',
    '::ffff:8.8.8.8',
    '64:ff9b::808:808',
  ])('lets the public address %s through', (address) => {
    expect(blockedAddressKind(address)).toBeNull();
  });
});

describe('checkUrl', () => {
  const reason = (url: string, allowed: string[] = []) => {
    try {
      checkUrl(url, allowed);
      return null;
    } catch (error) {
      expect(error).toBeInstanceOf(CaptureFailed);
      return (error as CaptureFailed).reason;
    }
  };

  it('lets an allowed host through as written, and nothing else that reaches the same machine', () => {
    expect(reason('http://127.0.0.1:8080/a.mp4', ['127.0.0.1'])).toBeNull();
    expect(reason('http://127.0.0.2:8080/a.mp4', ['127.0.0.1'])).toMatch(/loopback/);
    expect(reason('http://[::ffff:127.0.0.1]/', ['127.0.0.1'])).toMatch(/loopback/);
    expect(reason('http://2130706433/', ['127.0.0.1'])).toBeNull(); // the URL parser writes it 127.0.0.1: the same host
    expect(reason('http://[::1]/', ['::1'])).toBeNull();
  });

  it('leaves a name to the lookup at connect time', () => {
    expect(reason('https://www.youtube.com/watch?v=x')).toBeNull();
    expect(reason('http://LOCALHOST/')).toBeNull();
  });

  it.each([
    ['ftp://example.com/a', 'Only http and https addresses can be captured'],
    ['file:///etc/passwd', 'Only http and https addresses can be captured'],
    ['javascript:alert(1)', 'Only http and https addresses can be captured'],
    ['gopher://127.0.0.1:6379/_FLUSHALL', 'Only http and https addresses can be captured'],
    ['https://user@example.com/', 'Addresses with a user name or password in them cannot be captured'],
    ['https://:pw@example.com/', 'Addresses with a user name or password in them cannot be captured'],
    ['not a url', 'The address is not a valid URL'],
    ['http://0177.0.0.1/', 'The address resolves to a loopback address (127.0.0.1), which captures may not reach'],
  ])('refuses %s', (url, why) => {
    expect(reason(url)).toBe(why);
  });
});
