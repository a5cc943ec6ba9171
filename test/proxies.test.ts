import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, type Config } from '../src/config.js';
import { createTestApp, type TestApp } from './harness.js';

/**
 * Issue 10: with TRUST_TLS=true any client's X-Forwarded-For was believed, so one address could
 * pose as many (past the sign-in rate limit, into the audit log as someone else's address).
 * X-Forwarded-For is believed only from TRUSTED_PROXIES: addresses or networks, or a hop count.
 */

const apps: TestApp[] = [];
afterAll(() => Promise.all(apps.map((a) => a.close())));

/** The address the app records for a failed sign-in sent with this X-Forwarded-For. */
async function recordedAddress(config: Partial<Config>, forwardedFor: string) {
  const t = await createTestApp({ config });
  apps.push(t);
  const b = await t.browser();
  await b.get('/sign-in');
  await t.app.inject({
    method: 'POST',
    url: '/sign-in',
    headers: { cookie: b.cookieHeader, 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': forwardedFor },
    payload: new URLSearchParams({ _csrf: b.csrf, username: 'nobody.here', password: 'not the password at all' }).toString(),
  });
  const { items } = await t.services.audit.list({ operation: 'sign_in_failed' }, 1, 1);
  return (items[0]!.detail as { ip: string }).ip;
}

describe('X-Forwarded-For is believed only from a trusted proxy', () => {
  it('is ignored by default, even behind TLS', async () => {
    expect(await recordedAddress({ trustTls: true }, '203.0.113.9')).toBe('127.0.0.1');
  });

  it('is believed from a listed proxy address', async () => {
    const { trustedProxies } = loadConfig({ TRUSTED_PROXIES: '127.0.0.1, 10.0.0.0/8' });
    expect(await recordedAddress({ trustTls: true, trustedProxies }, '203.0.113.9')).toBe('203.0.113.9');
  });

  it('with a hop count, takes the address that many hops back', async () => {
    const { trustedProxies } = loadConfig({ TRUSTED_PROXIES: '1' });
    expect(await recordedAddress({ trustedProxies }, '198.51.100.1, 203.0.113.9')).toBe('203.0.113.9');
  });

  it.each(['everyone', '300.1.1.1', '10.0.0.0/40', '-1'])('refuses TRUSTED_PROXIES=%s at start, naming the variable', (v) => {
    expect(() => loadConfig({ TRUSTED_PROXIES: v })).toThrow(ConfigError);
    expect(() => loadConfig({ TRUSTED_PROXIES: v })).toThrow(/TRUSTED_PROXIES/);
  });
});
