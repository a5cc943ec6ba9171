import argon2 from 'argon2';
import { eq, sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { users } from '../src/db/schema/index.js';
import { createTestApp, PASSWORD, type TestApp, type TestUser } from './harness.js';

/**
 * Issue 10, point 5: the account defects found in testing — the lockout raced by parallel
 * guesses, a locked account answering faster than a wrong password, sessions surviving a password
 * change, common passwords, and an admin granting themselves a case role.
 */

let now = new Date('2026-05-04T09:00:00Z').getTime();
const clock = () => new Date(now);

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ clock });
});
afterAll(() => t.close());
afterEach(() => vi.restoreAllMocks());

const failures = async (u: TestUser) => (await t.db.select().from(users).where(eq(users.id, u.id)))[0]!;

describe('the lockout counts every wrong password, even in parallel', () => {
  it('20 wrong passwords at once lock the account: the right one is then refused', async () => {
    const u = await t.user(['requester']);
    const burst = await Promise.all(
      Array.from({ length: 20 }, () => t.services.users.signIn(u.username, 'not the password at all', '192.0.2.7')),
    );
    expect(burst.every((r) => !r.ok)).toBe(true);
    const row = await failures(u);
    expect(row.failedSignIns).toBe(20);
    expect(row.lockedUntil!.getTime()).toBe(now + t.config.signIn.lockoutMinutes * 60_000);
    expect((await t.services.users.signIn(u.username, PASSWORD, '192.0.2.7')).ok).toBe(false);
    const page = await (await t.browser()).signIn(u.username, PASSWORD);
    expect(page.statusCode).toBe(400);
  });

  it('parallel wrong passwords through the sign-in form are each counted', async () => {
    const u = await t.user(['requester']);
    const b = await t.browser();
    await b.get('/sign-in');
    const n = t.config.signIn.maxFailures;
    await Promise.all(Array.from({ length: n }, () => b.post('/sign-in', { username: u.username, password: 'not the password at all' })));
    expect((await failures(u)).failedSignIns).toBe(n);
    expect((await b.post('/sign-in', { username: u.username, password: PASSWORD })).statusCode).toBe(400);
  });

  it('when the lock runs out the person has their full number of tries again', async () => {
    const u = await t.user(['requester']);
    for (let i = 0; i < t.config.signIn.maxFailures; i++) await t.services.users.signIn(u.username, 'not the password at all', '192.0.2.7');
    expect((await t.services.users.signIn(u.username, PASSWORD, '192.0.2.7')).ok).toBe(false);
    now += (t.config.signIn.lockoutMinutes + 1) * 60_000;
    // One more wrong password after the lock ran out starts a new count; it does not lock again.
    expect(await t.services.users.signIn(u.username, 'not the password at all', '192.0.2.7')).toEqual({
      ok: false,
      reason: 'bad_credentials',
    });
    expect((await failures(u)).failedSignIns).toBe(1);
    expect((await t.services.users.signIn(u.username, PASSWORD, '192.0.2.7')).ok).toBe(true);
    expect((await failures(u)).failedSignIns).toBe(0);
  });
});

describe('the sign-in page does not tell who exists or who is locked', () => {
  it('answers an unknown user, a wrong password and a locked account alike', async () => {
    const known = await t.user(['requester']);
    const locked = await t.user(['requester']);
    await t.db.execute(sql`update users set locked_until = ${new Date(now + 600_000).toISOString()}::timestamptz where id = ${locked.id}`);
    const answers = [];
    for (const [username, password] of [
      ['nobody.here', PASSWORD],
      [known.username, 'not the password at all'],
      [locked.username, PASSWORD],
    ]) {
      const b = await t.browser();
      const res = await b.signIn(username!, password!);
      answers.push({ status: res.statusCode, summary: /govuk-error-summary__list">([\s\S]*?)<\/ul>/.exec(res.body)?.[1]?.trim() });
    }
    expect(answers[0]!.summary).toBeTruthy();
    expect(answers[1]).toEqual(answers[0]);
    expect(answers[2]).toEqual(answers[0]);
  });

  it('a locked account still verifies the password, so it answers in a wrong password’s time', async () => {
    const u = await t.user(['requester']);
    const hash = (await failures(u)).passwordHash;
    await t.db.execute(sql`update users set locked_until = ${new Date(now + 600_000).toISOString()}::timestamptz where id = ${u.id}`);
    const verify = vi.spyOn(argon2, 'verify');
    expect((await t.services.users.signIn(u.username, PASSWORD, '192.0.2.7')).ok).toBe(false);
    expect(verify).toHaveBeenCalledTimes(1);
    expect(verify.mock.calls[0]![0]).toBe(hash);
  });
});

describe('a password change ends the other ways in', () => {
  it('signs out every other session and keeps this one', async () => {
    const u = await t.user(['requester']);
    const here = await t.browser(u);
    const elsewhere = await t.browser(u);
    expect((await elsewhere.get('/')).statusCode).toBe(200);
    await here.get('/account/password');
    const res = await here.post('/account/password', {
      currentPassword: PASSWORD,
      newPassword: 'a brand new pass phrase',
      confirmPassword: 'a brand new pass phrase',
    });
    expect(res.statusCode).toBe(302);
    expect((await here.get('/')).statusCode).toBe(200);
    expect((await elsewhere.get('/')).statusCode).toBe(302);
  });

  it('revokes the API tokens when asked to, and only then', async () => {
    for (const revoke of [false, true]) {
      const u = await t.user(['requester']);
      const token = await t.bearer(u);
      const b = await t.browser(u);
      const page = await b.get('/account/password');
      expect(page.body).toContain('name="revokeTokens"');
      await b.post('/account/password', {
        currentPassword: PASSWORD,
        newPassword: 'a brand new pass phrase',
        confirmPassword: 'a brand new pass phrase',
        ...(revoke ? { revokeTokens: 'yes' } : {}),
      });
      const api = await t.app.inject({ method: 'GET', url: '/api/v1/platforms', headers: token });
      expect(api.statusCode).toBe(revoke ? 401 : 200);
    }
  });
});

describe('common passwords are refused (NCSC password guidance: block the most common)', () => {
  it.each(['password1234', 'Password1234', 'qwertyuiop12', '123456789012', 'Password2024!', 'iloveyou!!!!!!'])(
    'refuses %s as a new password, saying why',
    async (pw) => {
      const u = await t.user(['requester']);
      const b = await t.browser(u);
      await b.get('/account/password');
      const res = await b.post('/account/password', { currentPassword: PASSWORD, newPassword: pw, confirmPassword: pw });
      expect(res.statusCode).toBe(400);
      expect(res.body).toContain('one of the most commonly used passwords');
    },
  );

  it('refuses one when an admin adds a user', async () => {
    const admin = await t.user(['admin']);
    const b = await t.browser(admin);
    await b.get('/admin/users/new');
    const res = await b.post('/admin/users/new', {
      username: 'kai.oduya',
      displayName: 'Kai Oduya',
      roles: 'requester',
      password: 'Password1234',
    });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('one of the most commonly used passwords');
  });

  it('accepts a long pass phrase', async () => {
    const u = await t.user(['requester']);
    const b = await t.browser(u);
    await b.get('/account/password');
    const res = await b.post('/account/password', {
      currentPassword: PASSWORD,
      newPassword: 'Zoë’s kettle hums at dawn',
      confirmPassword: 'Zoë’s kettle hums at dawn',
    });
    expect(res.statusCode).toBe(302);
  });
});

describe('separation of duties: an admin cannot give themselves a case role', () => {
  it('refuses an admin changing their own roles, and the page does not offer it', async () => {
    const admin = await t.user(['admin']);
    const b = await t.browser(admin);
    const page = await b.get(`/admin/users/${admin.id}`);
    expect(page.body).not.toContain('name="roles"');
    expect(page.body).toContain('You cannot change your own roles');
    const res = await b.post(`/admin/users/${admin.id}`, { displayName: 'Me', roles: ['admin', 'operative'] });
    expect(res.statusCode).toBe(403);
    expect(res.body).toContain('You cannot change your own roles');
    expect((await t.services.users.byId(admin.id))!.roles).toEqual(['admin']);
  });

  it('still lets an admin correct their own name', async () => {
    const admin = await t.user(['admin']);
    const b = await t.browser(admin);
    await b.get(`/admin/users/${admin.id}`);
    const res = await b.post(`/admin/users/${admin.id}`, { displayName: 'Priya Shah-Evans' });
    expect(res.statusCode).toBe(302);
    expect(await t.services.users.byId(admin.id)).toMatchObject({ displayName: 'Priya Shah-Evans', roles: ['admin'] });
  });

  it('audits a case role granted by another admin, naming who granted what', async () => {
    const admin = await t.user(['admin']);
    const u = await t.user(['requester']);
    const b = await t.browser(admin);
    await b.get(`/admin/users/${u.id}`);
    await b.post(`/admin/users/${u.id}`, { displayName: 'Officer', roles: ['requester', 'operative'] });
    const { items } = await t.services.audit.list({ entity: 'user', entityId: u.id, operation: 'alter' }, 1, 10);
    expect(items[0]).toMatchObject({ actorUsername: admin.username });
    expect(items[0]!.detail).toMatchObject({
      rolesBefore: ['requester'],
      rolesAfter: ['requester', 'operative'],
      rolesGranted: ['operative'],
      rolesRemoved: [],
    });
  });
});
