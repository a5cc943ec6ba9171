import { describe, expect, it } from 'vitest';
import { navigationFor } from './navigation.js';

describe('the service navigation', () => {
  it('offers only the pages this person may open, in a fixed order', () => {
    const open = new Set(['/', '/queue', '/referrals/mine']);
    expect(navigationFor('/', (href) => open.has(href)).map((l) => l.href)).toEqual(['/', '/referrals/mine', '/queue']);
  });

  it('offers nothing to someone who may open no page (signed out, or a one-time password to change)', () => {
    expect(navigationFor('/sign-in', () => false)).toEqual([]);
  });

  it('marks the link of the page, or of the section, being shown', () => {
    const active = (path: string) =>
      navigationFor(path, () => true)
        .filter((l) => l.active)
        .map((l) => l.text);
    expect(active('/')).toEqual(['Home']);
    expect(active('/referrals/new/content')).toEqual(['Make a referral']);
    expect(active('/referrals/mine')).toEqual(['My referrals']);
    expect(active('/queue')).toEqual(['Work queue']);
    expect(active('/admin/users/123')).toEqual(['Users']);
    expect(active('/admin/platforms/new')).toEqual(['Platforms']);
    expect(active('/audit')).toEqual(['Audit log']);
    expect(active('/referrals/123')).toEqual([]);
  });
});
