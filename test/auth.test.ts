import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, PASSWORD, type TestApp } from './harness.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

describe('sign in', () => {
  it('signs in with the right password, rotating the session id, and out again', async () => {
    const u = await t.user(['requester']);
    const b = await t.browser();
    await b.get('/sign-in');
    const res = await b.post('/sign-in', { username: u.username, password: PASSWORD });
    expect(res.statusCode).toBe(302);
    expect(res.headers.location).toBe('/');
    const cookie = res.cookies.find((c) => c.name === 'rd_session')!;
    expect(cookie.httpOnly).toBe(true);
    expect(cookie.sameSite).toBe('Lax');
    const home = await b.get('/');
    expect(home.statusCode).toBe(200);
    expect(home.body).toContain('My referrals');
    const first = b.cookies.get('rd_session');
    await b.post('/sign-in', { username: u.username, password: PASSWORD });
    expect(b.cookies.get('rd_session')).not.toBe(first);
    await b.get('/');
    expect((await b.post('/sign-out')).headers.location).toBe('/sign-in');
    expect((await b.get('/')).statusCode).toBe(302);
  });

  it('refuses a wrong password with an error summary', async () => {
    const u = await t.user(['requester']);
    const b = await t.browser();
    await b.get('/sign-in');
    const res = await b.post('/sign-in', { username: u.username, password: 'wrong password here' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('There is a problem');
    expect(res.body).toContain('The username or password is not right');
  });

  it('locks the account after repeated failures, even for the right password', async () => {
    const u = await t.user(['requester']);
    const b = await t.browser();
    await b.get('/sign-in');
    for (let i = 0; i < t.config.signIn.maxFailures; i++) await b.post('/sign-in', { username: u.username, password: 'nope nope nope' });
    const res = await b.post('/sign-in', { username: u.username, password: PASSWORD });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('locked');
  });

  it('refuses a form without its CSRF token', async () => {
    const u = await t.user(['requester']);
    const b = await t.browser(u);
    const res = await b.post('/sign-out', { _csrf: 'forged' });
    expect(res.statusCode).toBe(403);
    expect((await b.get('/')).statusCode).toBe(200);
  });

  it('sends a CSP without unsafe-inline, with a nonce on the template script', async () => {
    const res = await (await t.browser()).get('/sign-in');
    const csp = String(res.headers['content-security-policy']);
    expect(csp).not.toContain('unsafe-inline');
    const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
    expect(nonce).toBeTruthy();
    expect(res.body).toContain(`<script nonce="${nonce}">`);
  });
});
