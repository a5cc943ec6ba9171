import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SESSION_COOKIE } from '../src/plugins/auth.js';
import { createTestApp, PASSWORD, type TestApp, type TestUser } from './harness.js';
import { ROLES } from '../src/domain/vocabulary.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const NEW_PASSWORD = 'a brand new passphrase here';
const idFromLocation = (loc: unknown) => /\/admin\/users\/([0-9a-f-]{36})/.exec(String(loc))?.[1];

/**
 * A browser already signed in. Sessions are started directly: signing in through the form for
 * every user would trip the per-address sign-in rate limit, which is not under test here.
 */
async function signedIn(u: TestUser) {
  const b = await t.browser();
  b.cookies.set(SESSION_COOKIE, await t.services.auth.startSession(u.id));
  return b;
}

async function admin() {
  const a = await t.user(['admin']);
  return { a, b: await signedIn(a) };
}

describe('adding a user', () => {
  it('adds a user with a temporary password who must change it at first sign-in, then can sign in', async () => {
    const { b } = await admin();
    expect((await b.get('/admin/users/new')).statusCode).toBe(200);
    const res = await b.post('/admin/users/new', {
      username: 'new.operative',
      displayName: 'Nia Operative',
      ocu: 'Central West',
      unit: 'Gangs Unit',
      roles: ['operative', 'requester'],
      password: 'temporary password 1',
    });
    expect(res.statusCode).toBe(302);
    const id = idFromLocation(res.headers.location)!;
    expect((await b.get(String(res.headers.location))).body).toContain('The user has been added');

    const stored = await t.services.users.byId(id);
    expect(stored).toMatchObject({ username: 'new.operative', roles: ['operative', 'requester'], mustChangePassword: true, active: true });

    const person = await t.browser();
    const signIn = await person.signIn('new.operative', 'temporary password 1');
    expect(signIn.headers.location).toBe('/account/password');
    // Nothing else is reachable until the password is changed.
    expect((await person.get('/')).headers.location).toBe('/account/password');
    await person.get('/account/password');
    const changed = await person.post('/account/password', {
      currentPassword: 'temporary password 1',
      newPassword: NEW_PASSWORD,
      confirmPassword: NEW_PASSWORD,
    });
    expect(changed.statusCode).toBe(302);
    expect((await person.get('/')).statusCode).toBe(200);

    const again = await t.browser();
    expect((await again.signIn('new.operative', NEW_PASSWORD)).headers.location).toBe('/');
  });

  it('generates a one-time password when none is given and shows it once', async () => {
    const { b } = await admin();
    await b.get('/admin/users/new');
    const res = await b.post('/admin/users/new', { username: 'generated.pw', displayName: 'Gen Erated', roles: 'requester', password: '' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    const password = /data-qa="generated-password">([^<]+)</.exec(res.body)?.[1];
    expect(password && password.length).toBeGreaterThanOrEqual(12);
    const person = await t.browser();
    expect((await person.signIn('generated.pw', password!)).headers.location).toBe('/account/password');
    expect((await t.services.users.byUsername('generated.pw'))!.mustChangePassword).toBe(true);
  });

  it('names each bad field in the error summary and keeps what was typed', async () => {
    const { b } = await admin();
    await b.get('/admin/users/new');
    const res = await b.post('/admin/users/new', { username: 'Bad Name!', displayName: '', ocu: 'Keep this OCU', password: 'short' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('There is a problem');
    expect(res.body).toContain('href="#username"');
    expect(res.body).toContain('Username may contain only lower-case letters');
    expect(res.body).toContain('href="#displayName"');
    expect(res.body).toContain('Enter the person’s name');
    expect(res.body).toContain('href="#roles"');
    expect(res.body).toContain('Select at least one role');
    expect(res.body).toContain('href="#password"');
    expect(res.body).toContain('Password must be at least 12 characters');
    expect(res.body).toContain('value="Keep this OCU"');
    expect(await t.services.users.byUsername('Bad Name!')).toBeUndefined();
  });

  it('refuses a role that is not one of the seven', async () => {
    const { b } = await admin();
    await b.get('/admin/users/new');
    const res = await b.post('/admin/users/new', { username: 'x.role', displayName: 'X', roles: ['superuser'], password: PASSWORD });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('Choose a role from the list');
  });

  it('refuses a username that is already taken', async () => {
    const { b } = await admin();
    const existing = await t.user(['requester']);
    await b.get('/admin/users/new');
    const res = await b.post('/admin/users/new', {
      username: existing.username,
      displayName: 'Someone Else',
      roles: 'requester',
      password: PASSWORD,
    });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('href="#username"');
    expect(res.body).toContain('That username is already taken');
  });

  it('offers every DESIGN.md role as a checkbox', async () => {
    const { b } = await admin();
    const body = (await b.get('/admin/users/new')).body;
    for (const r of ROLES) expect(body).toContain(`value="${r}"`);
  });
});

describe('the user list', () => {
  it('pages the users with govukPagination and shows roles, status and lock', async () => {
    const { b } = await admin();
    for (let i = 0; i < 26; i++) await t.user(['requester'], { username: `zz.page.${String(i).padStart(2, '0')}` });
    const locked = await t.user(['operative'], { username: 'aa.locked' });
    await t.db.execute(sql`update users set locked_until = now() + interval '10 minutes' where id = ${locked.id}`);

    const first = await b.get('/admin/users');
    expect(first.statusCode).toBe(200);
    expect(first.body).toContain('govuk-pagination');
    expect(first.body).toContain('href="/admin/users?page=2"');
    expect(first.body).toMatch(/data-qa="status-aa\.locked"[^>]*>[\s\S]*?Active[\s\S]*?Locked/);
    expect(first.body).toContain('Operative');
    const total = await t.services.users.count();
    const last = Math.ceil(total / 25);
    const lastPage = await b.get(`/admin/users?page=${last}`);
    expect(lastPage.body).toContain('zz.page.25');
    expect(lastPage.body).toContain(`of ${total} users`);
    // A nonsense page number is the first page, not an error.
    expect((await b.get('/admin/users?page=abc')).statusCode).toBe(200);
  });
});

describe('editing a user', () => {
  it('records a role change as an alter audit entry with the roles before and after', async () => {
    const { a, b } = await admin();
    const u = await t.user(['requester']);
    await b.get(`/admin/users/${u.id}`);
    const res = await b.post(`/admin/users/${u.id}`, {
      displayName: 'Renamed Officer',
      ocu: 'North',
      unit: 'Unit 7',
      roles: ['operative', 'sergeant'],
    });
    expect(res.statusCode).toBe(302);
    expect(await t.services.users.byId(u.id)).toMatchObject({
      displayName: 'Renamed Officer',
      ocu: 'North',
      roles: ['operative', 'sergeant'],
    });
    const { items } = await t.services.audit.list({ entity: 'user', entityId: u.id, operation: 'alter' }, 1, 10);
    expect(items[0]).toMatchObject({ actorUsername: a.username, operation: 'alter' });
    expect(items[0]!.detail).toMatchObject({ rolesBefore: ['requester'], rolesAfter: ['operative', 'sergeant'] });
  });

  it('will not let an admin remove their own admin role (nor change their roles at all: test/accounts.security.test.ts)', async () => {
    const { a, b } = await admin();
    await b.get(`/admin/users/${a.id}`);
    const res = await b.post(`/admin/users/${a.id}`, { displayName: 'Me', roles: ['auditor'] });
    expect(res.statusCode).toBe(403);
    expect(res.body).toContain('You cannot change your own roles');
    expect((await t.services.users.byId(a.id))!.roles).toEqual(['admin']);
  });

  it('answers 404 for an unknown or malformed id', async () => {
    const { b } = await admin();
    for (const id of ['00000000-0000-4000-8000-000000000000', 'not-a-uuid', "1' or '1'='1"]) {
      const res = await b.get(`/admin/users/${encodeURIComponent(id)}`);
      expect(res.statusCode).toBe(404);
      expect(res.body).toContain('Page not found');
    }
    await b.get('/admin/users');
    expect((await b.post('/admin/users/not-a-uuid/deactivate')).statusCode).toBe(404);
  });

  it('unlocks a locked account', async () => {
    const { b } = await admin();
    const u = await t.user(['requester']);
    await t.db.execute(sql`update users set locked_until = now() + interval '10 minutes', failed_sign_ins = 0 where id = ${u.id}`);
    expect((await (await t.browser()).signIn(u.username, PASSWORD)).statusCode).toBe(400);
    const page = await b.get(`/admin/users/${u.id}`);
    expect(page.body).toContain('data-qa="unlock"');
    const res = await b.post(`/admin/users/${u.id}/unlock`);
    expect(res.statusCode).toBe(302);
    expect((await b.get(String(res.headers.location))).body).toContain('The account has been unlocked');
    expect((await (await t.browser()).signIn(u.username, PASSWORD)).headers.location).toBe('/');
  });
});

describe('deactivating a user', () => {
  it('asks "Are you sure" first, then ends their session and API token at once', async () => {
    const { a, b } = await admin();
    const u = await t.user(['operative']);
    const theirBrowser = await signedIn(u);
    const theirToken = await t.bearer(u);
    expect((await theirBrowser.get('/')).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/platforms', headers: theirToken })).statusCode).toBe(200);

    const confirm = await b.get(`/admin/users/${u.id}/deactivate`);
    expect(confirm.statusCode).toBe(200);
    expect(confirm.body).toContain('Are you sure you want to deactivate');
    expect(confirm.body).toContain('govuk-warning-text');
    expect(confirm.body).toContain('name="_csrf"');
    // Viewing the confirmation changes nothing.
    expect((await t.services.users.byId(u.id))!.active).toBe(true);

    const res = await b.post(`/admin/users/${u.id}/deactivate`);
    expect(res.statusCode).toBe(302);
    expect((await b.get(String(res.headers.location))).body).toContain('has been deactivated');

    const next = await theirBrowser.get('/');
    expect(next.statusCode).toBe(302);
    expect(next.headers.location).toMatch(/^\/sign-in/);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/platforms', headers: theirToken })).statusCode).toBe(401);
    expect((await (await t.browser()).signIn(u.username, PASSWORD)).statusCode).toBe(400);

    const { items } = await t.services.audit.list({ entity: 'user', entityId: u.id, operation: 'alter' }, 1, 10);
    expect(items[0]).toMatchObject({ actorUsername: a.username, detail: { active: false } });
  });

  it('refuses a deactivation without the CSRF token', async () => {
    const { b } = await admin();
    const u = await t.user(['operative']);
    await b.get(`/admin/users/${u.id}/deactivate`);
    expect((await b.post(`/admin/users/${u.id}/deactivate`, { _csrf: 'forged' })).statusCode).toBe(403);
    expect((await t.services.users.byId(u.id))!.active).toBe(true);
  });

  it('reactivates a deactivated user, who can sign in again', async () => {
    const { b } = await admin();
    const u = await t.user(['operative']);
    await b.get(`/admin/users/${u.id}/deactivate`);
    await b.post(`/admin/users/${u.id}/deactivate`);
    const page = await b.get(`/admin/users/${u.id}`);
    expect(page.body).toContain('data-qa="reactivate"');
    const res = await b.post(`/admin/users/${u.id}/reactivate`);
    expect(res.statusCode).toBe(302);
    expect((await b.get(String(res.headers.location))).body).toContain('has been reactivated');
    expect((await (await t.browser()).signIn(u.username, PASSWORD)).headers.location).toBe('/');
  });

  it('will not let an admin deactivate themselves', async () => {
    const { a, b } = await admin();
    const own = await b.get(`/admin/users/${a.id}?done=constructor`);
    expect(own.statusCode).toBe(200);
    expect(own.body).toContain('data-qa="cannot-deactivate-self"');
    expect(own.body).not.toContain(`href="/admin/users/${a.id}/deactivate"`);
    expect(own.body).not.toContain('govuk-notification-banner');
    const confirm = await b.get(`/admin/users/${a.id}/deactivate`);
    expect(confirm.statusCode).toBe(400);
    expect(confirm.body).toContain('You cannot deactivate your own account');
    const res = await b.post(`/admin/users/${a.id}/deactivate`);
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('You cannot deactivate your own account');
    expect(res.body).toContain('href="#deactivate"');
    expect((await t.services.users.byId(a.id))!.active).toBe(true);
    expect((await b.get('/admin/users')).statusCode).toBe(200);
  });
});

describe('who may manage users', () => {
  const pages = (id: string) => ['/admin/users', '/admin/users/new', `/admin/users/${id}`, `/admin/users/${id}/deactivate`];

  it('gives every other role 403 on the admin pages and forms', async () => {
    const target = await t.user(['requester']);
    for (const role of ROLES.filter((r) => r !== 'admin')) {
      const b = await signedIn(await t.user([role]));
      for (const url of pages(target.id)) expect((await b.get(url)).statusCode, `${role} GET ${url}`).toBe(403);
      await b.get('/');
      for (const url of [
        '/admin/users/new',
        `/admin/users/${target.id}`,
        `/admin/users/${target.id}/deactivate`,
        `/admin/users/${target.id}/unlock`,
      ])
        expect((await b.post(url, { username: 'nope', displayName: 'x', roles: 'admin' })).statusCode, `${role} POST ${url}`).toBe(403);
    }
    expect((await t.services.users.byId(target.id))!.active).toBe(true);
    expect(await t.services.users.byUsername('nope')).toBeUndefined();
  });

  it('sends anonymous visitors to sign in', async () => {
    const target = await t.user(['requester']);
    const b = await t.browser();
    for (const url of pages(target.id)) {
      const res = await b.get(url);
      expect(res.statusCode).toBe(302);
      expect(res.headers.location).toBe(`/sign-in?returnTo=${encodeURIComponent(url)}`);
    }
  });

  it('declares the admin role on every admin route', () => {
    const adminRoutes = t.app.registeredRoutes.filter((r) => r.url.startsWith('/admin/'));
    expect(adminRoutes.length).toBeGreaterThanOrEqual(8);
    for (const r of adminRoutes) expect(r.roles, `${r.method} ${r.url}`).toEqual(['admin']);
  });
});

describe('the first admin', () => {
  it('is created once when several processes start together on a new database, the others starting as a later start would', async () => {
    const fresh = await createTestApp();
    try {
      // On PostgreSQL these race on the pool's connections; on PGlite they run one after the other.
      const passwords = await Promise.all([1, 2, 3, 4].map(() => fresh.services.users.createFirstAdmin()));
      expect(passwords.filter((p) => p !== null)).toHaveLength(1);
      const admins = await fresh.db.execute<{ n: number }>(sql`select count(*)::int as n from users where username = 'admin'`);
      expect(Number(admins.rows[0]!.n)).toBe(1);
      expect(await fresh.services.users.createFirstAdmin()).toBeNull();
    } finally {
      await fresh.close();
    }
  });
});
