import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './harness.js';
import type { Role } from '../src/domain/vocabulary.js';

/**
 * The header offers each person the pages their roles open, and the home page their own pages
 * (DESIGN.md "Roles"). Spelled out here, independently of the policies, like test/route-roles.
 */
const EXPECTED: Record<Role, string[]> = {
  requester: ['/', '/referrals/new', '/referrals/mine'],
  operative: ['/', '/queue', '/library', '/personas'],
  sergeant: ['/', '/queue', '/library', '/personas', '/retention'],
  inspector: ['/', '/queue', '/library', '/personas', '/retention', '/reports'],
  authorising_officer: ['/', '/personas'],
  admin: ['/', '/admin/users', '/admin/platforms'],
  auditor: ['/', '/retention', '/reports', '/audit', '/subject-access', '/restrictions'],
};

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const navigationOf = (html: string) => [...html.matchAll(/<a class="govuk-service-navigation__link" href="([^"]+)"/g)].map((m) => m[1]);

describe('the navigation and the home page', () => {
  it.each(Object.entries(EXPECTED))('offer a %s the pages their role opens', async (role, links) => {
    const b = await t.browser(await t.user([role as Role]));
    const home = await b.get('/');
    expect(home.statusCode).toBe(200);
    expect(navigationOf(home.body)).toEqual(links);
    expect(home.body.includes('data-qa="admin-pages"')).toBe(role === 'admin');
    expect(home.body.includes('data-qa="auditor-pages"')).toBe(role === 'auditor');
    for (const href of links) expect((await b.get(href)).statusCode, href).toBe(200);
  });

  it('offer a person with several roles the pages of each, once', async () => {
    const b = await t.browser(await t.user(['requester', 'sergeant']));
    expect(navigationOf((await b.get('/queue')).body)).toEqual([
      '/',
      '/referrals/new',
      '/referrals/mine',
      '/queue',
      '/library',
      '/personas',
      '/retention',
    ]);
  });

  it('mark the page being shown', async () => {
    const b = await t.browser(await t.user(['operative']));
    const page = (await b.get('/queue')).body;
    expect(page).toMatch(/<a class="govuk-service-navigation__link" href="\/queue" aria-current="true">/);
    expect(page.match(/aria-current="true"/g)).toHaveLength(1);
  });

  it('offer nothing before sign-in, nor while a one-time password must be changed', async () => {
    const signIn = await (await t.browser()).get('/sign-in');
    expect(navigationOf(signIn.body)).toEqual([]);
    const fresh = await t.services.users.create(
      null,
      { username: 'fresh.admin', displayName: 'Fresh Admin', roles: ['admin'], password: 'correct horse battery staple' },
      true,
    );
    const b = await t.browser({ id: fresh.id, username: fresh.username, displayName: fresh.displayName, roles: fresh.roles });
    const page = await b.get('/account/password');
    expect(page.statusCode).toBe(200);
    expect(navigationOf(page.body)).toEqual([]);
  });
});
