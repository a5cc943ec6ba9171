import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './harness.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const nonceOf = (csp: string) => /script-src 'self' 'nonce-([0-9a-f]{32})'/.exec(csp)?.[1];

describe('Content-Security-Policy', () => {
  it('gives each page its own nonce in an otherwise constant policy', async () => {
    const [a, b] = [await (await t.browser()).get('/sign-in'), await (await t.browser()).get('/sign-in')];
    const [cspA, cspB] = [String(a.headers['content-security-policy']), String(b.headers['content-security-policy'])];
    const [nA, nB] = [nonceOf(cspA), nonceOf(cspB)];
    expect(nA).toBeTruthy();
    expect(nB).toBeTruthy();
    expect(nA).not.toBe(nB);
    expect(a.body).toContain(`<script nonce="${nA}">`);
    expect(cspA.replace(/'nonce-[0-9a-f]+'/g, 'N')).toBe(cspB.replace(/'nonce-[0-9a-f]+'/g, 'N'));
    expect(cspA).toContain("default-src 'self'");
    expect(cspA).toContain("frame-ancestors 'none'");
    expect(cspA).toContain("object-src 'none'");
    expect(cspA).not.toContain('unsafe-inline');
  });

  it('gives JSON answers a policy that allows nothing', async () => {
    const u = await t.user(['requester']);
    for (const res of [
      await t.app.inject({ method: 'GET', url: '/api/v1/platforms', headers: await t.bearer(u) }),
      await t.app.inject({ method: 'GET', url: '/api/v1/platforms' }),
    ]) {
      expect(String(res.headers['content-type'])).toMatch(/^application\/json/);
      expect(res.headers['content-security-policy']).toBe("default-src 'none'; frame-ancestors 'none'");
    }
  });

  it('still sends helmet’s other headers', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/health' });
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
  });
});
