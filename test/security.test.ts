import { Writable } from 'node:stream';
import { sql } from 'drizzle-orm';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import errorHandler from '../src/plugins/error-handler.js';
import { startRuntime } from '../src/runtime.js';
import { plainReferralInput } from './factories.js';
import { createTestApp, createTestDatabase, testConfig, type TestApp, type TestUser } from './harness.js';

/**
 * Issue 10, point 5: the security defects found in testing, as an attacker would probe them.
 * Hostile text, huge arrays, what a 5xx logs, and what unknown paths and static icons answer.
 */

const NOW = new Date('2026-03-10T10:00:00Z');

let t: TestApp;
let requester: TestUser;
let admin: TestUser;
let operative: TestUser;
const h: Record<string, Record<string, string>> = {};

beforeAll(async () => {
  t = await createTestApp({ clock: () => NOW });
  requester = await t.user(['requester'], { displayName: 'PC Amy Jones' });
  admin = await t.user(['admin']);
  operative = await t.user(['operative']);
  h.requester = await t.bearer(requester);
  h.operative = await t.bearer(operative);
});
afterAll(() => t.close());

const referral = plainReferralInput;

const postJson = (who: string, url: string, payload: unknown) =>
  t.app.inject({ method: 'POST', url, headers: { ...h[who], 'content-type': 'application/json' }, payload: JSON.stringify(payload) });

const paths = (body: string) => (JSON.parse(body) as { fields?: { path: string }[] }).fields?.map((f) => f.path) ?? [];

// A NUL is refused by PostgreSQL's text type; a lone surrogate is not valid Unicode at all.
const HOSTILE = { nul: 'Jayden\u0000Doe', 'lone high surrogate': 'Jayden \uD83D Doe', 'lone low surrogate': '\uDE00 Doe' };

describe('hostile text: NUL and lone surrogates are refused with 400 naming the field, never 500', () => {
  for (const [kind, bad] of Object.entries(HOSTILE)) {
    it.each([
      ['contentTitle', { contentTitle: bad }],
      ['rationale', { rationale: bad }],
      ['incidentReferences[0].reference', { incidentReferences: [{ system: 'CAD', reference: bad }] }],
      ['subjects[0].name', { subjects: [{ name: bad, category: 'suspect', ageBand: 'unknown' }] }],
      ['platforms[0]', { platforms: [bad] }],
    ])(`POST /api/v1/referrals with a ${kind} in %s`, async (path, over) => {
      const res = await postJson('requester', '/api/v1/referrals', referral(over));
      expect(res.statusCode).toBe(400);
      expect(paths(res.body)).toContain(path);
    });
  }

  it.each(['platform', 'assignee'])('GET /api/v1/referrals with a NUL in the query parameter %s', async (param) => {
    const res = await t.app.inject({ method: 'GET', url: `/api/v1/referrals?${param}=you%00tube`, headers: h.operative });
    expect(res.statusCode).toBe(400);
    expect(paths(res.body)).toEqual([param]);
  });

  it('a NUL in the sign-in username re-asks for the username', async () => {
    const b = await t.browser();
    const res = await b.signIn(`${requester.username}\u0000`, 'whatever it is');
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('href="#username"');
  });

  it('a NUL in an admin form names the field', async () => {
    const b = await t.browser(admin);
    await b.get('/admin/users/new');
    const res = await b.post('/admin/users/new', { username: 'sam.lee', displayName: 'Sam\u0000Lee', roles: 'requester', password: '' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('href="#displayName"');
  });

  it('a database error about the bytes answers 400, not 500 (the last line of defence)', async () => {
    const app = Fastify({ logger: false });
    await app.register(errorHandler);
    // What drizzle throws when PostgreSQL refuses a NUL (22021) or an untranslatable character (22P05).
    for (const code of ['22021', '22P05'])
      app.get(`/${code}`, { config: { roles: 'public' } }, async () => {
        throw Object.assign(new Error('Failed query: insert into subjects … params: Jayden'), { cause: { code } });
      });
    for (const code of ['22021', '22P05']) {
      const res = await app.inject({ method: 'GET', url: `/${code}`, headers: { accept: 'application/json' } });
      expect(res.statusCode).toBe(400);
      expect(res.body).not.toContain('Jayden');
    }
    await app.close();
  });
});

describe('arrays are bounded and duplicates found in linear time', () => {
  it('refuses 10,000 platforms at once with one error naming platforms', async () => {
    const started = performance.now();
    const res = await postJson(
      'requester',
      '/api/v1/referrals',
      referral({ platforms: Array.from({ length: 10_000 }, (_, i) => `p${i}`) }),
    );
    expect(res.statusCode).toBe(400);
    expect(paths(res.body)).toEqual(['platforms']);
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('refuses 10,000 copies of one platform with one error naming platforms', async () => {
    const res = await postJson('requester', '/api/v1/referrals', referral({ platforms: Array(10_000).fill('youtube') }));
    expect(res.statusCode).toBe(400);
    expect(paths(res.body)).toEqual(['platforms']);
  });

  it('still names a platform chosen twice', async () => {
    const res = await postJson('requester', '/api/v1/referrals', referral({ platforms: ['youtube', 'tiktok', 'youtube'] }));
    expect(res.statusCode).toBe(400);
    expect(paths(res.body)).toEqual(['platforms[2]']);
  });

  it('refuses 10,000 terms breached in a review with one error naming the field', async () => {
    const created = await postJson('requester', '/api/v1/referrals', referral());
    const id = (JSON.parse(created.body) as { id: string }).id;
    expect((await postJson('operative', `/api/v1/referrals/${id}/claim`, {})).statusCode).toBe(200);
    const res = await postJson('operative', `/api/v1/referrals/${id}/review`, {
      contentFormat: 'video',
      factors: [],
      researchSummary: 'Nothing on police indices.',
      reviewedOn: '2026-03-10',
      outcome: 'refer',
      rationale: 'Inflammatory.',
      platformReferrals: [
        { platform: 'youtube', termsBreached: Array.from({ length: 10_000 }, (_, i) => `c${i}`), draft: 'Please remove it.' },
      ],
    });
    expect(res.statusCode).toBe(400);
    expect(paths(res.body)).toEqual(['platformReferrals[0].termsBreached']);
  });

  it('refuses a query string repeating a filter 10,000 times', async () => {
    const url = `/api/v1/referrals?${Array(10_000).fill('status=submitted').join('&')}`;
    const res = await t.app.inject({ method: 'GET', url, headers: h.operative });
    expect(res.statusCode).toBe(400);
    expect(paths(res.body)).toEqual(['status']);
  });
});

/** The whole app with its log lines captured, as the server logs them. */
async function appWithLog() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  const runtime = await startRuntime(testConfig(), {
    holder: 'tests',
    database: await createTestDatabase(),
    clock: () => NOW,
    logger: { level: 'info', stream },
  });
  const database = { db: runtime.db, close: runtime.stop };
  return { app: runtime.app!, database, services: runtime.services, log: () => lines.join('') };
}

describe('the log holds nothing personal', () => {
  it('names a request by its path, never its query string (a filter or search may hold a name)', async () => {
    const { app, database, services, log } = await appWithLog();
    try {
      const u = await services.users.create(
        null,
        { username: 'op.one', displayName: 'Op One', roles: ['operative'], password: 'a long enough pass phrase' },
        false,
      );
      const { token } = await services.users.createToken(null, u.username);
      const res = await app.inject({
        method: 'GET',
        url: '/api/v1/referrals?assignee=Jayden%20Doe',
        headers: { authorization: `Bearer ${token}` },
      });
      expect(res.statusCode).toBe(200);
      expect(log()).toContain('"url":"/api/v1/referrals"');
      expect(log()).not.toContain('Jayden');
      expect(log()).not.toContain(token);
    } finally {
      await app.close();
      await database.close();
    }
  });

  it('logs no name or date of birth when an insert fails, only the error code', async () => {
    const { app, database, services, log: logged } = await appWithLog();
    try {
      // A constraint the app does not know of makes the insert fail inside the database.
      await database.db.execute(sql`alter table subjects add constraint no_jayden check (name <> 'Jayden Doe')`);
      const u = await services.users.create(
        null,
        { username: 'ria.patel', displayName: 'Ria Patel', roles: ['requester'], password: 'a long enough pass phrase' },
        false,
      );
      const { token } = await services.users.createToken(null, u.username);
      const res = await app.inject({
        method: 'POST',
        url: '/api/v1/referrals',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        payload: JSON.stringify(
          referral({ subjects: [{ name: 'Jayden Doe', category: 'suspect', ageBand: '18_24', dateOfBirth: '2005-03-03' }] }),
        ),
      });
      expect(res.statusCode).toBe(500);
      expect(res.body).not.toContain('Jayden');
      const log = logged();
      expect(log).toContain('23514');
      expect(log).not.toContain('Jayden Doe');
      expect(log).not.toContain('2005-03-03');
      expect(log).not.toContain('params');
    } finally {
      await app.close();
      await database.close();
    }
  });
});

describe('caching, unknown paths and icons', () => {
  it('signed-in pages and API answers are never cached', async () => {
    const b = await t.browser(requester);
    expect((await b.get('/')).headers['cache-control']).toBe('no-store');
    expect((await b.get('/referrals/mine')).headers['cache-control']).toBe('no-store');
    const api = await t.app.inject({ method: 'GET', url: '/api/v1/referrals', headers: h.requester });
    expect(api.headers['cache-control']).toBe('no-store');
  });

  it('static assets stay cacheable', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/assets/govuk/govuk-frontend.min.css' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toContain('max-age');
  });

  it.each([
    ['signed out', null],
    ['signed in', 'requester'],
    ['an admin', 'admin'],
  ])('an unknown path answers 404 %s', async (_who, who) => {
    const b = await t.browser(who === 'requester' ? requester : who === 'admin' ? admin : undefined);
    expect((await b.get('/no-such-page')).statusCode).toBe(404);
    const api = await t.app.inject({ method: 'GET', url: '/api/v1/no-such-thing', headers: who ? await t.bearer(requester) : {} });
    expect(api.statusCode).toBe(404);
    expect(JSON.parse(api.body)).toEqual({ error: 'Not found' });
  });

  it.each([
    '/favicon.ico',
    '/assets/images/icon-tag-remove-cross.svg',
    '/assets/images/icon-tag-remove-cross-white.svg',
    '/assets/images/icon-toggle-plus-minus.svg',
  ])('%s loads without signing in', async (url) => {
    const res = await t.app.inject({ method: 'GET', url });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^image\//);
  });
});

describe('every route, sent NUL and lone surrogates everywhere, answers without a 5xx', () => {
  // Field names the app's schemas read, each given hostile text; unknown ones are ignored.
  const FIELDS = [
    ...['q', 'page', 'status', 'platform', 'assignee', 'overdue', 'sort', 'actor', 'entity', 'entityId', 'operation', 'from', 'to'],
    ...['returnTo', 'done', 'username', 'password', 'displayName', 'ocu', 'unit', 'roles', 'comment', 'reason', 'decision'],
    ...['contentTitle', 'contentUrl', 'rationale', 'name', 'key', 'contact', 'hosts', 'clauses', 'template', 'summary'],
    ...['researchSummary', 'forceReference', 'externalReference', 'submittedAt', 'decidedOn', 'selfTaskedReason', 'draft'],
    // The persona register (issue 14).
    ...['website', 'userName', 'emailAddress', 'justification', 'purpose', 'currentPassword', 'necessity', 'proportionality', 'user'],
  ];
  for (const [kind, bad] of Object.entries(HOSTILE))
    it(`with a ${kind}`, async () => {
      const everyone = await t.user(['requester', 'operative', 'sergeant', 'inspector', 'authorising_officer', 'admin', 'auditor'], {
        username: `every.role.${kind.replace(/\W/g, '-')}`,
      });
      const b = await t.browser(everyone);
      const api = await t.bearer(everyone);
      const failures: string[] = [];
      await b.get('/account/password');
      for (const route of t.app.registeredRoutes.filter((r) => !r.url.startsWith('/assets/'))) {
        // A URL cannot carry a lone surrogate (it arrives as U+FFFD): paths and queries get the NUL.
        const url = route.url.replace(/:(\w+)/g, encodeURIComponent(HOSTILE.nul));
        const query = new URLSearchParams(FIELDS.map((f) => [f, HOSTILE.nul])).toString();
        let res;
        if (route.method === 'GET')
          res = await t.app.inject({ method: 'GET', url: `${url}?${query}`, headers: { cookie: b.cookieHeader } });
        else if (url.startsWith('/api/'))
          res = await t.app.inject({
            method: route.method as 'POST',
            url,
            headers: { ...api, 'content-type': 'application/json' },
            payload: JSON.stringify(Object.fromEntries(FIELDS.map((f) => [f, bad]))),
          });
        else res = await b.post(url, Object.fromEntries(FIELDS.map((f) => [f, bad])));
        if (res.statusCode >= 500) failures.push(`${route.method} ${route.url}: ${res.statusCode}`);
      }
      expect(failures).toEqual([]);
    });
});
