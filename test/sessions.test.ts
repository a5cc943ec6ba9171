import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, PASSWORD, type TestApp } from './harness.js';

// A clock the tests move forward, to reach the idle and absolute session time-outs.
let now = new Date('2026-11-02T09:00:00Z').getTime();
const clock = () => new Date(now);
const minutes = (n: number) => n * 60_000;

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ clock, config: { session: { idleMinutes: 30, absoluteHours: 2 }, trustTls: true } });
});
afterAll(() => t.close());

describe('sessions (decision 003)', () => {
  it('ends a session left idle longer than the idle time-out', async () => {
    const b = await t.browser(await t.user(['requester']));
    now += minutes(29);
    expect((await b.get('/')).statusCode).toBe(200);
    now += minutes(31);
    const res = await b.get('/');
    expect(res.statusCode).toBe(302);
    expect(res.headers.location).toBe('/sign-in?returnTo=%2F');
  });

  it('ends an active session at the absolute time-out', async () => {
    const b = await t.browser(await t.user(['requester']));
    for (let i = 0; i < 4; i++) {
      now += minutes(25);
      expect((await b.get('/')).statusCode).toBe(200);
    }
    now += minutes(25);
    expect((await b.get('/')).statusCode).toBe(302);
  });

  it('behind TLS marks the cookie Secure and sends HSTS', async () => {
    const b = await t.browser();
    await b.get('/sign-in');
    const u = await t.user(['requester']);
    const res = await b.post('/sign-in', { username: u.username, password: PASSWORD });
    expect(res.cookies.find((c) => c.name === 'rd_session')?.secure).toBe(true);
    expect(res.headers['strict-transport-security']).toContain('max-age=');
  });
});
