import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, libraryEntries, referralRestrictions, referrals } from '../src/db/schema/index.js';
import { ROLES, type Role } from '../src/domain/vocabulary.js';
import { referralIn, type Made } from './factories.js';
import { createTestApp, TEST_DB, type TestApp, type TestUser } from './harness.js';

/**
 * DPA 2018 s.47 (issue 15 points 2, 8; decision 023): an auditor restricts a referral with a reason
 * and releases it with a reason, each audited; a restricted referral disappears for everyone but
 * auditors: every list, search, count and route under it.
 */
let t: TestApp;
let auditor: TestUser;
let inspector: TestUser;
let others: Record<'authorising_officer' | 'admin', TestUser>;
let made: Made;
let visible: Made;
let entryId: string;

const REASON = 'Accuracy contested by the data subject (s.47(2)) – Zoë Ní Bhriain';
const unknownApi = JSON.stringify({ error: 'Not found' });

beforeAll(async () => {
  t = await createTestApp();
  auditor = await t.user(['auditor']);
  inspector = await t.user(['inspector']);
  others = { authorising_officer: await t.user(['authorising_officer']), admin: await t.user(['admin']) };
  made = await referralIn(t, 'referred');
  visible = await referralIn(t, 'in_review');
  // A library entry made from the referral (SOP 10.8), written directly: its routes must hide too.
  const [entry] = await t.db
    .insert(libraryEntries)
    .values({
      referralId: made.id,
      reference: made.reference,
      contentTitle: 'Drill',
      contentUrl: made.contentUrl,
      platforms: ['youtube'],
      rationale: 'r',
      summary: 's',
      termsBreached: [],
      removedOn: '2026-03-01',
      expiresOn: '2027-03-01',
      createdAt: new Date(),
    })
    .returning();
  entryId = entry!.id;
});
afterAll(() => t.close());

/** Who would see the referral if it were not restricted, by role. */
const personFor = (role: Exclude<Role, 'auditor'>): TestUser =>
  role === 'requester' || role === 'operative' || role === 'sergeant' ? made.people[role] : role === 'inspector' ? inspector : others[role];

describe('restricting through the API (auditor)', () => {
  it('refuses a missing reason, a NUL in it, and an unknown referral, naming the field', async () => {
    const api = await t.api(auditor);
    const missing = await api.post(`/api/v1/referrals/${made.id}/restriction`, {});
    expect(missing.status).toBe(400);
    expect(missing.json.fields[0].path).toBe('reason');
    const nul = await api.post(`/api/v1/referrals/${made.id}/restriction`, { reason: 'a\u0000b' });
    expect(nul.status).toBe(400);
    expect(nul.json.fields[0].path).toBe('reason');
    const long = await api.post(`/api/v1/referrals/${made.id}/restriction`, { reason: 'x'.repeat(2001) });
    expect(long.status).toBe(400);
    expect((await api.post('/api/v1/referrals/00000000-0000-4000-8000-000000000000/restriction', { reason: 'x' })).status).toBe(404);
  });

  it('restricts once, with the reason kept and an audit entry holding no free text; 409 the second time', async () => {
    const api = await t.api(auditor);
    const first = await api.post(`/api/v1/referrals/${made.id}/restriction`, { reason: REASON });
    expect(first.status).toBe(200);
    expect(first.json).toMatchObject({ referralId: made.id, reference: made.reference, restricted: true });
    expect((await api.post(`/api/v1/referrals/${made.id}/restriction`, { reason: REASON })).status).toBe(409);
    const [row] = await t.db.select().from(referrals).where(eq(referrals.id, made.id));
    expect(row!.restrictedAt).not.toBeNull();
    const rows = await t.db.select().from(referralRestrictions).where(eq(referralRestrictions.referralId, made.id));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ reason: REASON, restrictedBy: auditor.id, releasedAt: null });
    const entries = await t.db.select().from(auditLog).where(eq(auditLog.entityId, made.id));
    const placed = entries.filter((e) => (e.detail as { restriction?: string } | null)?.restriction === 'placed');
    expect(placed).toHaveLength(1);
    expect(placed[0]).toMatchObject({ operation: 'alter', actorId: auditor.id, purpose: 'DPA 2018 s.47: processing restricted' });
    expect(JSON.stringify(placed[0]!.detail)).not.toContain('Zoë');
    const state = await api.get(`/api/v1/referrals/${made.id}/restriction`);
    expect(state.json).toMatchObject({ restricted: true, history: [{ reason: REASON, releasedAt: null }] });
    const list = await api.get('/api/v1/restrictions');
    expect(list.json.items.map((i: { reference: string }) => i.reference)).toEqual([made.reference]);
  });
});

describe('a restricted referral, to everyone but auditors', () => {
  it('answers the unknown path’s 404 on every route under it, to every role the route admits (the route list is the app’s)', async () => {
    const under = t.app.registeredRoutes.filter((r) => /\/referrals\/:id(\/|$)|\/library\/:entryId(\/|$)/.test(r.url));
    expect(under.length).toBeGreaterThan(40);
    const failures: string[] = [];
    for (const role of ROLES.filter((r): r is Exclude<Role, 'auditor'> => r !== 'auditor')) {
      const person = personFor(role);
      const browser = await t.browser(person);
      await browser.get('/account/password');
      const api = await t.api(person);
      for (const route of under) {
        const url = route.url
          .replace(':id', made.id)
          .replace(':entryId', entryId)
          .replace(':platform', 'youtube')
          .replace(/:\w+/g, '00000000-0000-4000-8000-000000000000');
        const isApi = url.startsWith('/api/');
        const res = isApi
          ? route.method === 'GET'
            ? await api.get(url)
            : await api.post(url, {})
          : route.method === 'GET'
            ? await browser.get(url)
            : await browser.post(url, {});
        const admitted = Array.isArray(route.roles) && route.roles.includes(role);
        const { body } = res;
        const status = 'status' in res ? res.status : res.statusCode;
        const unknown = status === 404 && (isApi ? body === unknownApi : body.includes('Page not found'));
        // A route the role may not use refuses as it would for any referral: nothing about this one.
        if (admitted ? !unknown : status !== 403) failures.push(`${route.method} ${route.url} as ${role}: ${status} ${body.slice(0, 80)}`);
      }
    }
    expect(failures).toEqual([]);
  }, 120_000);

  it('is in no list, search or count of the unit, and the totals agree with the list', async () => {
    const api = await t.api(inspector);
    const all = await api.get('/api/v1/referrals?pageSize=100');
    const refs = all.json.items.map((i: { reference: string }) => i.reference);
    expect(refs).toContain(visible.reference);
    expect(refs).not.toContain(made.reference);
    expect(all.json.total).toBe(all.json.items.length);
    expect((await api.get(`/api/v1/referrals?reference=${made.reference}`)).json.items).toEqual([]);
    const byPlatform = await api.get('/api/v1/referrals?platform=youtube&status=referred');
    expect(byPlatform.json).toMatchObject({ items: [], total: 0 });
    const counts = await api.get('/api/v1/referrals/counts');
    expect(counts.json.referred).toBe(0);
    expect(counts.json.in_review).toBe(1);
    const queue = await (await t.browser(inspector)).get(`/queue?reference=${made.reference}`);
    // The search box echoes what was typed; no row or link names the referral.
    expect(queue.body).not.toContain(made.id);
    const home = await (await t.browser(made.people.requester)).get('/referrals/mine');
    expect(home.body).not.toContain(made.id);
    expect(home.body).toContain(visible.reference);
    const library = await api.get(`/api/v1/library?q=${made.reference}`);
    expect(library.json).toMatchObject({ items: [], total: 0 });
    const mine = await (await t.api(made.people.requester)).get('/api/v1/referrals');
    expect(mine.json.items.map((i: { reference: string }) => i.reference)).not.toContain(made.reference);
  });

  it('is still the auditor’s to see on the restriction page, with the reason', async () => {
    const page = await (await t.browser(auditor)).get(`/referrals/${made.id}/restriction`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(made.reference);
    expect(page.body).toContain('Release the restriction');
    const list = await (await t.browser(auditor)).get('/restrictions');
    expect(list.body).toContain(made.reference);
  });
});

describe('releasing', () => {
  it('needs a reason and a confirmation on the page; then the referral is back for everyone, and a second release is refused', async () => {
    const b = await t.browser(auditor);
    await b.get(`/referrals/${made.id}/restriction`);
    const unconfirmed = await b.post(`/referrals/${made.id}/restriction/release`, { reason: 'Accuracy confirmed' });
    expect(unconfirmed.statusCode).toBe(400);
    expect(unconfirmed.body).toContain('Confirm that you have checked');
    const done = await b.post(`/referrals/${made.id}/restriction/release`, { reason: 'Accuracy confirmed', confirm: 'yes' });
    expect(done.statusCode).toBe(302);
    const again = await (await t.api(auditor)).post(`/api/v1/referrals/${made.id}/restriction/release`, { reason: 'x' });
    expect(again.status).toBe(409);
    const [row] = await t.db.select().from(referralRestrictions).where(eq(referralRestrictions.referralId, made.id));
    expect(row).toMatchObject({ releaseReason: 'Accuracy confirmed', releasedBy: auditor.id });
    expect((await (await t.api(made.people.operative)).get(`/api/v1/referrals/${made.id}`)).status).toBe(200);
    expect((await (await t.api(inspector)).get('/api/v1/referrals/counts')).json.referred).toBe(1);
    expect((await (await t.api(inspector)).get(`/api/v1/library/${entryId}`)).status).toBe(200);
  });

  it('restricts through the page form too, and the page finds a referral by its reference', async () => {
    const b = await t.browser(auditor);
    const found = await b.get(`/restrictions?find=1&reference=${visible.reference.toLowerCase()}`);
    expect(found.statusCode).toBe(302);
    expect(found.headers.location).toBe(`/referrals/${visible.id}/restriction`);
    await b.get(`/referrals/${visible.id}/restriction`);
    const done = await b.post(`/referrals/${visible.id}/restriction`, { reason: 'Kept only as evidence', confirm: 'yes' });
    expect(done.statusCode).toBe(302);
    expect((await (await t.api(visible.people.operative)).get(`/api/v1/referrals/${visible.id}`)).body).toBe(unknownApi);
    await t.services.restriction.release({ ...auditor, ocu: null, unit: null }, visible.id, 'Done');
  });

  it('is refused to every role but the auditor', async () => {
    for (const u of [made.people.sergeant, inspector, others.admin]) {
      expect((await (await t.api(u)).post(`/api/v1/referrals/${made.id}/restriction`, { reason: 'x' })).status).toBe(403);
      expect((await (await t.browser(u)).get('/restrictions')).statusCode).toBe(403);
    }
  });
});

describe.runIf(TEST_DB === 'postgres')('parallel restrictions on PostgreSQL', () => {
  it('leave one restriction row: one 200, the rest 409', async () => {
    const target = await referralIn(t, 'submitted');
    const api = await t.api(auditor);
    const answers = await Promise.all(
      Array.from({ length: 6 }, () => api.post(`/api/v1/referrals/${target.id}/restriction`, { reason: 'Parallel' })),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409, 409, 409, 409, 409]);
    const rows = await t.db.select().from(referralRestrictions).where(eq(referralRestrictions.referralId, target.id));
    expect(rows).toHaveLength(1);
  });
});
