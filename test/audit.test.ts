import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../src/modules/audit/audit.service.js';
import { chainHash } from '../src/domain/audit-chain.js';
import { SESSION_COOKIE } from '../src/plugins/auth.js';
import { createTestApp, PASSWORD, type TestApp, type TestUser } from './harness.js';
import { ROLES } from '../src/domain/vocabulary.js';

/** A clock the tests move, so that entries can be dated on either side of a day's edge. */
let now = new Date('2026-04-20T10:00:00Z');
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ clock: () => now });
});
afterAll(() => t.close());

/**
 * A browser already signed in. Sessions are started directly: signing in through the form for
 * every user would trip the per-address sign-in rate limit, which is not under test here.
 */
async function signedIn(app: TestApp, u: TestUser) {
  const b = await app.browser();
  b.cookies.set(SESSION_COOKIE, await app.services.auth.startSession(u.id));
  return b;
}

async function record(app: TestApp, e: Partial<AuditEntry> & { entity: string }) {
  await app.db.transaction((tx) => app.services.audit.record(tx, { actor: null, operation: 'consult', ...e }));
}

/** The text of every cell marked data-qa=name, in page order. */
const cells = (html: string, name: string) =>
  [...html.matchAll(new RegExp(`data-qa="${name}"[^>]*>([^<]*)<`, 'g'))].map((m) => m[1]!.trim());

describe('the audit log page', () => {
  it('filters by actor username', async () => {
    const auditor = await signedIn(t, await t.user(['auditor']));
    for (const username of ['alice.filter', 'bob.filter', 'alice.filter'])
      await record(t, { actor: { id: '00000000-0000-4000-8000-000000000001', username }, entity: 'actor_test' });
    const res = await auditor.get('/audit?actor=alice.filter');
    expect(res.statusCode).toBe(200);
    expect(cells(res.body, 'actor')).toEqual(['alice.filter', 'alice.filter']);
    expect(res.body).toContain('value="alice.filter"');
    expect(cells((await auditor.get('/audit?actor=%20Alice.Filter%20')).body, 'actor')).toEqual(['alice.filter', 'alice.filter']);
  });

  it('filters by operation, entity and entity id', async () => {
    const auditor = await signedIn(t, await t.user(['auditor']));
    await record(t, { operation: 'erase', entity: 'op_test', entityId: 'e-1' });
    await record(t, { operation: 'disclose', entity: 'op_test', entityId: 'e-2', recipient: 'Platform X', purpose: 'takedown request' });
    await record(t, { operation: 'erase', entity: 'op_test', entityId: 'e-3' });
    const erased = await auditor.get('/audit?operation=erase&entity=op_test');
    expect(cells(erased.body, 'operation')).toEqual(['Erase', 'Erase']);
    expect(cells(erased.body, 'entity-id')).toEqual(['e-3', 'e-1']);
    const one = await auditor.get('/audit?entity=op_test&entityId=e-2');
    expect(cells(one.body, 'entity-id')).toEqual(['e-2']);
    expect(one.body).toContain('Platform X');
    expect(one.body).toContain('takedown request');
    expect(one.body).toMatch(/<option value="erase"\s*>/);
  });

  it('filters by London dates, the to date including its whole day', async () => {
    const auditor = await signedIn(t, await t.user(['auditor']));
    const at = async (iso: string, entityId: string) => {
      const saved = now;
      now = new Date(iso);
      await record(t, { entity: 'date_test', entityId });
      now = saved;
    };
    // British Summer Time starts at 01:00 UTC on 29 March 2026.
    await at('2026-03-29T22:59:00Z', 'before'); // 29 March 23:59 in London
    await at('2026-03-29T23:30:00Z', 'first'); // 30 March 00:30 in London
    await at('2026-03-30T22:59:00Z', 'last'); // 30 March 23:59 in London
    await at('2026-03-30T23:00:00Z', 'after'); // 31 March 00:00 in London
    const day = await auditor.get('/audit?entity=date_test&from=30/3/2026&to=2026-03-30');
    expect(day.statusCode).toBe(200);
    expect(cells(day.body, 'entity-id')).toEqual(['last', 'first']);
    expect(cells((await auditor.get('/audit?entity=date_test&from=31/3/2026')).body, 'entity-id')).toEqual(['after']);
    expect(cells((await auditor.get('/audit?entity=date_test&to=29/3/2026')).body, 'entity-id')).toEqual(['before']);
    // Times are shown in London time.
    expect(day.body).toContain('30 March 2026 at 23:59');
  });

  it('pages 50 entries at a time, newest first, keeping the filters in the page links', async () => {
    const auditor = await signedIn(t, await t.user(['auditor']));
    for (let i = 1; i <= 120; i++) await record(t, { entity: 'bulk_test', entityId: `bulk-${i}` });
    const first = await auditor.get('/audit?entity=bulk_test&operation=consult');
    const ids = cells(first.body, 'entity-id');
    expect(ids).toHaveLength(50);
    expect(ids[0]).toBe('bulk-120');
    expect(ids[49]).toBe('bulk-71');
    const seqs = cells(first.body, 'seq').map(Number);
    expect(seqs).toEqual([...seqs].sort((a, b) => b - a));
    expect(first.body).toContain('govuk-pagination');
    expect(first.body).toContain('href="/audit?entity=bulk_test&amp;operation=consult&amp;page=2"');
    expect(first.body).toContain('Showing 1 to 50 of 120 entries');
    const third = await auditor.get('/audit?entity=bulk_test&operation=consult&page=3');
    expect(cells(third.body, 'entity-id')).toEqual(Array.from({ length: 20 }, (_, i) => `bulk-${20 - i}`));
    expect(third.body).toContain('href="/audit?entity=bulk_test&amp;operation=consult&amp;page=2"');
  });

  it('names a referral by its reference, linked to its entries, and a referral since gone by its id; the table scrolls in its pane', async () => {
    const auditor = await signedIn(t, await t.user(['auditor']));
    const u = await t.user(['requester'], { displayName: 'PC Rhiannon Ap-Gwilym' });
    const submitted = await t.services.referrals.submit(
      { id: u.id, username: u.username, displayName: 'PC Rhiannon Ap-Gwilym', ocu: null, unit: null, roles: u.roles },
      {
        contentTitle: 'Clip',
        contentUrl: 'https://www.tiktok.com/@drill_zone/video/7340000000000000001',
        platforms: ['tiktok'],
        contentUploadedOn: '2026-04-01',
        incidentReferences: [],
        rationale: 'Threatens a rival group.',
        subjects: [],
      },
    );
    const { id, reference } = submitted.referral;
    const gone = '7f3c1a52-0d4e-4b8a-9c61-2e5f80a1b2c3';
    await record(t, { entity: 'referral', entityId: gone, operation: 'erase' });
    await record(t, { entity: 'referral', entityId: 'not-a-uuid' });
    const res = await auditor.get('/audit?entity=referral');
    expect(res.statusCode).toBe(200);
    // Newest first: the malformed id, the gone one, then the collection of the live one.
    expect(cells(res.body, 'entity-id')).toEqual(['not-a-uuid', gone, '']);
    expect(res.body).toContain(
      `<a class="govuk-link" href="/audit?entity=referral&amp;entityId=${id}" data-qa="referral-link">${reference}</a>`,
    );
    // On a phone the table scrolls in a labelled region that takes focus (WCAG 1.4.10, 2.1.1), not the page.
    expect(res.body).toMatch(/<div class="[\w-]+" role="region" aria-label="Audit entries" tabindex="0"[^>]*>\s*<table/);
  });

  it('re-renders bad filters with an error summary naming each field, not a 500', async () => {
    const auditor = await signedIn(t, await t.user(['auditor']));
    const res = await auditor.get('/audit?from=31/2/2026&to=yesterday&operation=delete_everything');
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('There is a problem');
    expect(res.body).toContain('href="#from"');
    expect(res.body).toContain('The from date must be a real date');
    expect(res.body).toContain('href="#to"');
    expect(res.body).toContain('href="#operation"');
    expect(res.body).toContain('Choose an operation from the list');
    expect(res.body).toContain('value="yesterday"');
    const backwards = await auditor.get('/audit?from=2/4/2026&to=1/4/2026');
    expect(backwards.statusCode).toBe(400);
    expect(backwards.body).toContain('The to date must be the same as or after the from date');
  });

  it('logs sign-in successes and failures', async () => {
    const u = await t.user(['requester']);
    const person = await t.browser();
    await person.signIn(u.username, 'not the password at all');
    await person.signIn(u.username, PASSWORD);
    const auditor = await signedIn(t, await t.user(['auditor']));
    const ok = await auditor.get(`/audit?operation=sign_in&actor=${u.username}`);
    expect(cells(ok.body, 'operation')).toEqual(['Sign in']);
    const failed = await auditor.get(`/audit?operation=sign_in_failed&entityId=${u.id}`);
    expect(cells(failed.body, 'operation')).toEqual(['Sign in failed']);
    expect(failed.body).toContain(u.username);
    expect(failed.body).toContain('wrong password');
  });
});

describe('who may read the audit log', () => {
  it('gives every other role 403 on the log and the verify action', async () => {
    for (const role of ROLES.filter((r) => r !== 'auditor')) {
      const b = await signedIn(t, await t.user([role]));
      expect((await b.get('/audit')).statusCode, `${role} GET /audit`).toBe(403);
      await b.get('/');
      expect((await b.post('/audit/verify')).statusCode, `${role} POST /audit/verify`).toBe(403);
    }
  });

  it('sends anonymous visitors to sign in and refuses their verify', async () => {
    const b = await t.browser();
    const res = await b.get('/audit?operation=erase');
    expect(res.statusCode).toBe(302);
    expect(res.headers.location).toBe(`/sign-in?returnTo=${encodeURIComponent('/audit?operation=erase')}`);
    await b.get('/sign-in');
    expect((await b.post('/audit/verify')).statusCode).toBe(401);
  });

  it('declares the auditor role on every audit route', () => {
    const routes = t.app.registeredRoutes.filter((r) => r.url.startsWith('/audit'));
    expect(routes.map((r) => `${r.method} ${r.url}`).sort()).toEqual(['GET /audit', 'POST /audit/verify']);
    for (const r of routes) expect(r.roles).toEqual(['auditor']);
  });

  it('refuses a verify without the CSRF token', async () => {
    const b = await signedIn(t, await t.user(['auditor']));
    await b.get('/audit');
    expect((await b.post('/audit/verify', { _csrf: 'forged' })).statusCode).toBe(403);
  });
});

describe('the hash chain', () => {
  /** Each tamper test breaks the chain, so each has its own database. */
  async function chainOf(entries: number) {
    const app = await createTestApp();
    for (let i = 1; i <= entries; i++)
      await record(app, {
        actor: { id: '00000000-0000-4000-8000-000000000009', username: `officer.${i}` },
        entity: 'chain_test',
        entityId: `c-${i}`,
        detail: { i },
      });
    const n = async () => Number((await app.db.execute<{ n: number }>(sql`select count(*)::int as n from audit_log`)).rows[0]!.n);
    return { app, count: n };
  }

  it('stays intact after many operations of every kind, some at once', async () => {
    const { app, count } = await chainOf(0);
    try {
      const admin = await app.user(['admin']);
      const actor = (await app.services.users.byId(admin.id))!;
      const u = await app.user(['requester']);
      await app.services.users.updateProfile(actor, u.id, { displayName: 'Changed', roles: ['operative'] });
      await app.bearer(u);
      await app.services.users.revokeTokens(actor, u.username);
      await app.services.users.setActive(actor, u.id, false);
      await app.services.users.setActive(actor, u.id, true);
      await (await app.browser()).signIn(u.username, 'wrong wrong wrong');
      // Appends from concurrent transactions are serialised by the head row's lock.
      await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          record(app, { entity: 'concurrent', entityId: String(i), detail: { nested: { b: 1, a: [i] } } }),
        ),
      );
      for (let i = 0; i < 150; i++) await record(app, { operation: 'combine', entity: 'many', entityId: String(i) });
      const result = await app.services.audit.verify();
      expect(result).toEqual({ ok: true, entries: await count() });
      expect(result.entries).toBeGreaterThan(185);
    } finally {
      await app.close();
    }
  });

  it('names the altered entry when a middle entry is edited in the database', async () => {
    const { app } = await chainOf(10);
    try {
      const [row] = (await app.db.execute<{ seq: number }>(sql`select seq from audit_log where entity_id = 'c-5'`)).rows;
      const seq = Number(row!.seq);
      expect((await app.services.audit.verify()).ok).toBe(true);
      await app.db.execute(sql`update audit_log set actor_username = 'someone.else' where seq = ${seq}`);
      const result = await app.services.audit.verify();
      expect(result).toMatchObject({ ok: false, entries: seq - 1, fault: { seq } });
      expect(!result.ok && result.fault.problem).toContain('altered');
    } finally {
      await app.close();
    }
  });

  it('names the next entry when an edited entry’s hash is recomputed to hide the edit', async () => {
    const { app } = await chainOf(10);
    try {
      const rows = (await app.db.execute<Record<string, unknown>>(sql`select * from audit_log where entity_id = 'c-5'`)).rows;
      const r = rows[0]!;
      const seq = Number(r.seq);
      const forged = chainHash(String(r.prev_hash), {
        seq,
        at: new Date(r.at as string),
        actorId: r.actor_id as string,
        actorUsername: 'someone.else',
        operation: String(r.operation),
        entity: String(r.entity),
        entityId: r.entity_id as string,
        purpose: null,
        recipient: null,
        detail: (typeof r.detail === 'string' ? JSON.parse(r.detail) : r.detail) as Record<string, unknown>,
      });
      await app.db.execute(sql`update audit_log set actor_username = 'someone.else', hash = ${forged} where seq = ${seq}`);
      const result = await app.services.audit.verify();
      expect(result).toMatchObject({ ok: false, fault: { seq: seq + 1 } });
      expect(!result.ok && result.fault.problem).toContain('link');
    } finally {
      await app.close();
    }
  });

  it('names the next entry when a middle entry is deleted', async () => {
    const { app } = await chainOf(10);
    try {
      const seq = Number((await app.db.execute<{ seq: number }>(sql`select seq from audit_log where entity_id = 'c-4'`)).rows[0]!.seq);
      await app.db.execute(sql`delete from audit_log where seq = ${seq}`);
      const result = await app.services.audit.verify();
      expect(result).toMatchObject({ ok: false, entries: seq - 1, fault: { seq: seq + 1 } });
      expect(!result.ok && result.fault.problem).toContain('missing');
    } finally {
      await app.close();
    }
  });

  it('fails when two entries’ contents are swapped (reordered)', async () => {
    const { app } = await chainOf(10);
    try {
      const seq = Number((await app.db.execute<{ seq: number }>(sql`select seq from audit_log where entity_id = 'c-6'`)).rows[0]!.seq);
      await app.db.execute(sql`
        update audit_log a set at = b.at, actor_id = b.actor_id, actor_username = b.actor_username, operation = b.operation,
          entity = b.entity, entity_id = b.entity_id, purpose = b.purpose, recipient = b.recipient, detail = b.detail,
          prev_hash = b.prev_hash, hash = b.hash
        from audit_log b
        where (a.seq = ${seq} and b.seq = ${seq + 1}) or (a.seq = ${seq + 1} and b.seq = ${seq})`);
      const ids = (
        await app.db.execute<{ entity_id: string }>(sql`select entity_id from audit_log where entity = 'chain_test' order by seq`)
      ).rows.map((r) => r.entity_id);
      expect(ids.slice(5, 7)).toEqual(['c-7', 'c-6']);
      const result = await app.services.audit.verify();
      expect(result).toMatchObject({ ok: false, fault: { seq } });
    } finally {
      await app.close();
    }
  });

  it('fails when the last entries are deleted (the head no longer matches)', async () => {
    const { app, count } = await chainOf(10);
    try {
      const total = await count();
      await app.db.execute(sql`delete from audit_log where seq > ${total - 2}`);
      const result = await app.services.audit.verify();
      expect(result).toMatchObject({ ok: false, entries: total - 2, fault: { seq: total } });
      expect(!result.ok && result.fault.problem).toContain('removed from the end');
    } finally {
      await app.close();
    }
  });

  it('reads the chain in ranges: finds a gap at a range’s end, a whole range gone, and a removed tail (issue 4)', async () => {
    const { app, count } = await chainOf(14);
    try {
      const total = await count();
      expect(total).toBeGreaterThanOrEqual(14);
      // Ranges of 4 entries: (0, 4], (4, 8], (8, 12], …
      expect(await app.services.audit.verify(4)).toEqual({ ok: true, entries: total });
      expect(await app.services.audit.verify(total)).toEqual({ ok: true, entries: total });
      await app.db.execute(sql`delete from audit_log where seq in (7, 8)`);
      expect(await app.services.audit.verify(4)).toMatchObject({
        ok: false,
        entries: 6,
        fault: { seq: 9, problem: expect.stringContaining('missing') },
      });
      await app.db.execute(sql`delete from audit_log where seq in (5, 6)`);
      expect(await app.services.audit.verify(4)).toMatchObject({ ok: false, entries: 4, fault: { seq: 9 } });
      expect(await app.services.audit.verify(1000)).toMatchObject({ ok: false, entries: 4, fault: { seq: 9 } });
      await app.db.execute(sql`delete from audit_log where seq > 4`);
      expect(await app.services.audit.verify(4)).toMatchObject({
        ok: false,
        entries: 4,
        fault: { seq: total, problem: expect.stringContaining('removed from the end') },
      });
    } finally {
      await app.close();
    }
  });

  it('shows on the verify page whether the chain is intact or where it breaks', async () => {
    const { app, count } = await chainOf(5);
    try {
      const auditor = await signedIn(app, await app.user(['auditor']));
      await auditor.get('/audit');
      const intact = await auditor.post('/audit/verify');
      expect(intact.statusCode).toBe(200);
      expect(intact.body).toContain('The audit chain is intact');
      expect(intact.body).toContain(`<strong data-qa="entries">${await count()}</strong>`);

      const seq = Number((await app.db.execute<{ seq: number }>(sql`select seq from audit_log where entity_id = 'c-3'`)).rows[0]!.seq);
      await app.db.execute(sql`update audit_log set detail = '{"i": 99}'::jsonb where seq = ${seq}`);
      await auditor.get('/audit');
      const broken = await auditor.post('/audit/verify');
      expect(broken.statusCode).toBe(200);
      expect(broken.body).toContain(`The audit chain is broken at entry <span data-qa="fault-seq">${seq}</span>`);
      expect(broken.body).toContain('its contents do not match its hash');
    } finally {
      await app.close();
    }
  });
});
