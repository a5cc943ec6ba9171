import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './harness.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

describe('OpenAPI document', () => {
  it('describes the API from the same zod schemas that validate it', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toMatch(/^3\./);
    const platforms = doc.paths['/api/v1/platforms'].get;
    expect(platforms.responses['200'].content['application/json'].schema.items.properties).toHaveProperty('clauses');
    expect(platforms.responses['200'].content['application/json'].schema.items.properties.channel.enum).toEqual([
      'trusted_flagger',
      'mailbox',
      'individual',
    ]);
  });
});

describe('platform directory (SOP 4.1.4)', () => {
  it('lists the nine platforms with their channels and clauses', async () => {
    const u = await t.user(['requester']);
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/platforms', headers: await t.bearer(u) });
    expect(res.statusCode).toBe(200);
    const list = res.json() as { key: string; channel: string; clauses: { key: string; title: string }[] }[];
    expect(list.map((p) => p.key).sort()).toEqual([
      'facebook',
      'instagram',
      'reddit',
      'snapchat',
      'telegram',
      'tiktok',
      'whatsapp',
      'x',
      'youtube',
    ]);
    // SOP 10.5.1-10.5.2: YouTube through Trusted Flagger, Instagram and TikTok through a mailbox.
    expect(list.find((p) => p.key === 'youtube')!.channel).toBe('trusted_flagger');
    expect(list.find((p) => p.key === 'tiktok')!.channel).toBe('mailbox');
    expect(list.every((p) => p.clauses.length >= 3)).toBe(true);
  });

  it('needs a signed-in caller', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/platforms' })).statusCode).toBe(401);
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/platforms', headers: { authorization: 'Bearer rd_not-a-token' } });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toEqual({ error: 'Sign in first' });
  });
});

describe('health', () => {
  it('answers 200 while the database answers, and 503 when it cannot', async () => {
    const own = await createTestApp();
    expect((await own.app.inject({ method: 'GET', url: '/health' })).json()).toEqual({ status: 'ok', database: 'ok' });
    await own.database.close();
    const res = await own.app.inject({ method: 'GET', url: '/health' });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ status: 'unavailable' });
    await own.app.close();
  });
});
