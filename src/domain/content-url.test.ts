import { describe, expect, it } from 'vitest';
import { contentKey, hostBelongsTo, isHttpUrl, urlMatchesPlatforms } from './content-url.js';

describe('isHttpUrl (SOP 8.3.5)', () => {
  it('accepts http and https links', () => {
    expect(isHttpUrl('https://www.youtube.com/watch?v=abc123def45')).toBe(true);
    expect(isHttpUrl('http://example.org/a')).toBe(true);
  });
  it('refuses other schemes and text that is not a URL', () => {
    for (const v of ['ftp://example.org/file', 'javascript:alert(1)', 'data:text/html,hi', 'www.example.org', '', 'https://'])
      expect(isHttpUrl(v)).toBe(false);
  });
});

describe('contentKey (deconfliction, SOP 8.1)', () => {
  it('makes every form of one YouTube video the same key', () => {
    const keys = [
      'https://youtu.be/dQw4w9WgXcQ',
      'https://youtu.be/dQw4w9WgXcQ?si=Tracking123',
      'https://www.youtube.com/watch?v=dQw4w9WgXcQ',
      'https://m.youtube.com/watch?v=dQw4w9WgXcQ&feature=share',
      'https://youtube.com/shorts/dQw4w9WgXcQ',
      'http://WWW.YOUTUBE.COM/watch?v=dQw4w9WgXcQ#t=30',
    ].map(contentKey);
    expect(new Set(keys)).toEqual(new Set(['youtube.com/watch?v=dQw4w9WgXcQ']));
  });

  it('keeps distinct YouTube videos apart (ids are case-sensitive)', () => {
    expect(contentKey('https://youtu.be/dQw4w9WgXcQ')).not.toBe(contentKey('https://youtu.be/dqw4w9wgxcq'));
  });

  it('drops scheme, www./m., fragment, trailing slash and tracking parameters', () => {
    const a = contentKey('https://www.Instagram.com/p/Cabc123/?utm_source=ig_web&igshid=xyz#comments');
    const b = contentKey('http://instagram.com/p/Cabc123');
    const c = contentKey('https://m.instagram.com/p/Cabc123/?fbclid=IwAR0');
    expect(a).toBe('instagram.com/p/Cabc123');
    expect(b).toBe(a);
    expect(c).toBe(a);
  });

  it('keeps parameters that name the content, in a stable order', () => {
    expect(contentKey('https://example.org/view?b=2&a=1&utm_medium=x')).toBe('example.org/view?a=1&b=2');
    expect(contentKey('https://example.org/view?id=1')).not.toBe(contentKey('https://example.org/view?id=2'));
  });

  it('keeps path case, which platforms treat as meaningful', () => {
    expect(contentKey('https://t.me/SomeChannel/12')).not.toBe(contentKey('https://t.me/somechannel/12'));
  });
});

describe('host check (SOP 8.3.6)', () => {
  it('counts sub-domains and ignores www.', () => {
    expect(hostBelongsTo('www.tiktok.com', ['tiktok.com'])).toBe(true);
    expect(hostBelongsTo('vm.tiktok.com', ['tiktok.com'])).toBe(true);
    expect(hostBelongsTo('TikTok.com', ['www.tiktok.com'])).toBe(true);
  });
  it('does not match a host that merely ends with the same letters', () => {
    expect(hostBelongsTo('nottiktok.com', ['tiktok.com'])).toBe(false);
    expect(hostBelongsTo('tiktok.com.evil.example', ['tiktok.com'])).toBe(false);
  });
  it('reads the host from a URL', () => {
    expect(urlMatchesPlatforms('https://youtu.be/abc123def45', ['youtube.com', 'youtu.be'])).toBe(true);
    expect(urlMatchesPlatforms('https://example.org/video', ['youtube.com', 'youtu.be'])).toBe(false);
    expect(urlMatchesPlatforms('not a url', ['youtube.com'])).toBe(false);
  });
});
