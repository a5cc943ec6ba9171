import { and, asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, referralEvents, referrals } from '../src/db/schema/index.js';
import { referralIn, referralInput } from './factories.js';
import { createTestApp, type TestApp, type TestUser } from './harness.js';

/** Claim and assign (SOP 8.5-8.6, DESIGN.md "Referral life cycle") and self-tasked referrals (SOP 8.5). */

const NOW = new Date('2026-03-10T10:00:00Z');

let t: TestApp;
let requester: TestUser;
let op1: TestUser;
let op2: TestUser;
let sergeant: TestUser;
let inspector: TestUser;
let leaver: TestUser;
const h: Record<string, Record<string, string>> = {};

const post = (who: string, url: string, payload: unknown = {}) =>
  t.app.inject({ method: 'POST', url, headers: { ...h[who], 'content-type': 'application/json' }, payload: JSON.stringify(payload) });

const body = (over: Record<string, unknown> = {}) =>
  referralInput({
    contentTitle: 'Drill video naming a rival group',
    incidentReferences: [],
    rationale: 'Threatens a named rival group.',
    subjects: [],
    ...over,
  });

const submitted = () => referralIn(t, 'submitted', { people: { requester }, referral: body() });

/** What a refused step must leave unchanged: the row, its events and its audit entries. */
async function snapshot(id: string) {
  const [row] = await t.db.select().from(referrals).where(eq(referrals.id, id));
  const events = await t.db.select().from(referralEvents).where(eq(referralEvents.referralId, id));
  const audits = await t.db.select().from(auditLog).where(eq(auditLog.entityId, id));
  return { row, events: events.length, audits: audits.length };
}

beforeAll(async () => {
  t = await createTestApp({ clock: () => NOW });
  requester = await t.user(['requester']);
  op1 = await t.user(['operative'], { displayName: 'DC Ola Ade', ocu: 'Specialist Crime', unit: 'OHRT' });
  op2 = await t.user(['operative'], { displayName: 'DC Pat Rowe' });
  sergeant = await t.user(['sergeant'], { displayName: 'DS Kim Lee' });
  inspector = await t.user(['inspector']);
  leaver = await t.user(['operative'], { displayName: 'DC Gone' });
  for (const [k, u] of Object.entries({ requester, op1, op2, sergeant, inspector, leaver })) h[k] = await t.bearer(u);
  await t.services.users.setActive(
    { id: sergeant.id, username: sergeant.username, displayName: 'x', ocu: null, unit: null, roles: ['admin'] },
    leaver.id,
    false,
  );
});
afterAll(() => t.close());

describe('POST /api/v1/referrals/{id}/claim (SOP 8.5-8.6)', () => {
  it('lets an operative claim a submitted referral: in review, assigned to them, one event and one audit entry', async () => {
    const r = await submitted();
    const before = await snapshot(r.id);
    const res = await post('op1', `/api/v1/referrals/${r.id}/claim`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ id: r.id, status: 'in_review', assignee: { id: op1.id, name: 'DC Ola Ade' } });
    expect(res.json().timeline.map((e: { action: string }) => e.action)).toEqual(['submitted', 'claimed']);
    const after = await snapshot(r.id);
    expect(after.events).toBe(before.events + 1);
    expect(after.audits).toBe(before.audits + 1);
    const [entry] = await t.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.entityId, r.id), eq(auditLog.operation, 'alter')));
    expect(entry).toMatchObject({ actorUsername: op1.username, detail: { action: 'claimed', from: 'submitted', to: 'in_review' } });
  });

  it('refuses a second claim with 409 and changes nothing', async () => {
    const r = await submitted();
    expect((await post('op1', `/api/v1/referrals/${r.id}/claim`)).statusCode).toBe(200);
    const before = await snapshot(r.id);
    for (const who of ['op1', 'op2']) {
      const res = await post(who, `/api/v1/referrals/${r.id}/claim`);
      expect(res.statusCode, who).toBe(409);
      expect(res.json().error).toMatch(/in review/);
    }
    expect(await snapshot(r.id)).toEqual(before);
  });

  it('refuses a requester (403) and an inspector (403), changing nothing', async () => {
    const r = await submitted();
    const before = await snapshot(r.id);
    expect((await post('requester', `/api/v1/referrals/${r.id}/claim`)).statusCode).toBe(403);
    expect((await post('inspector', `/api/v1/referrals/${r.id}/claim`)).statusCode).toBe(403);
    expect(await snapshot(r.id)).toEqual(before);
  });

  it('lets a sergeant assign a submitted referral to an operative, by username or id, and reassign it in review', async () => {
    const r = await submitted();
    const res = await post('sergeant', `/api/v1/referrals/${r.id}/claim`, { assignee: op1.username });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'in_review', assignee: { id: op1.id } });
    expect(res.json().timeline.at(-1)).toMatchObject({ action: 'assigned', actor: { id: sergeant.id } });
    const again = await post('sergeant', `/api/v1/referrals/${r.id}/claim`, { assignee: op2.id });
    expect(again.statusCode).toBe(200);
    expect(again.json().assignee.id).toBe(op2.id);
    const audits = await t.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.entityId, r.id), eq(auditLog.operation, 'alter')))
      .orderBy(asc(auditLog.seq));
    expect(audits.map((a) => a.detail)).toEqual([
      expect.objectContaining({ action: 'assigned', assigneeId: op1.id }),
      expect.objectContaining({ action: 'assigned', assigneeId: op2.id }),
    ]);
  });

  it('lets a sergeant claim a referral for themselves with no body', async () => {
    const r = await submitted();
    const res = await post('sergeant', `/api/v1/referrals/${r.id}/claim`);
    expect(res.statusCode).toBe(200);
    expect(res.json().assignee.id).toBe(sergeant.id);
  });

  it('refuses an operative who names an assignee (403), changing nothing', async () => {
    const r = await submitted();
    const before = await snapshot(r.id);
    const res = await post('op1', `/api/v1/referrals/${r.id}/claim`, { assignee: op2.username });
    expect(res.statusCode).toBe(403);
    expect(await snapshot(r.id)).toEqual(before);
  });

  it('refuses an unknown, deactivated or non-operative assignee with 400 at assignee, changing nothing', async () => {
    const r = await submitted();
    const before = await snapshot(r.id);
    for (const assignee of ['nobody.here', '00000000-0000-4000-8000-000000000000', leaver.username, requester.username, inspector.id, '']) {
      const res = await post('sergeant', `/api/v1/referrals/${r.id}/claim`, { assignee });
      expect(res.statusCode, assignee).toBe(400);
      expect(
        res.json().fields.map((f: { path: string }) => f.path),
        assignee,
      ).toEqual(['assignee']);
    }
    expect(await snapshot(r.id)).toEqual(before);
  });

  it('refuses to assign a closed referral (409) and answers 404 for no such referral', async () => {
    const r = await submitted();
    expect((await post('requester', `/api/v1/referrals/${r.id}/withdraw`)).statusCode).toBe(200);
    expect((await post('sergeant', `/api/v1/referrals/${r.id}/claim`, { assignee: op1.username })).statusCode).toBe(409);
    expect((await post('op1', '/api/v1/referrals/00000000-0000-4000-8000-000000000000/claim')).statusCode).toBe(404);
    expect((await post('op1', '/api/v1/referrals/nope/claim')).statusCode).toBe(404);
  });
});

describe('POST /api/v1/referrals/self-tasked (SOP 8.5)', () => {
  it('creates the referral in review, assigned to the operative, as applicant, with its reason, one self_tasked event and a collect audit entry', async () => {
    const res = await post('op1', '/api/v1/referrals/self-tasked', {
      ...body({ platforms: ['youtube', 'instagram'] }),
      selfTaskedReason: 'Found on patrol of known drill channels after Friday stabbing.',
    });
    expect(res.statusCode).toBe(201);
    const r = res.json();
    expect(r).toMatchObject({
      status: 'in_review',
      assignee: { id: op1.id },
      requesterId: op1.id,
      applicant: { name: 'DC Ola Ade', ocu: 'Specialist Crime', unit: 'OHRT' },
      selfTaskedReason: 'Found on patrol of known drill channels after Friday stabbing.',
      platforms: ['instagram', 'youtube'],
    });
    expect(r.timeline).toEqual([expect.objectContaining({ action: 'self_tasked', comment: r.selfTaskedReason })]);
    // The answer is built from what the inserts returned (issue 4): it must be what a read gives.
    expect((await t.app.inject({ method: 'GET', url: `/api/v1/referrals/${r.id}`, headers: h.op1 })).json()).toEqual(r);
    const audits = await t.db.select().from(auditLog).where(eq(auditLog.entityId, r.id));
    expect(audits.map((a) => a.operation)).toEqual(['collect']);
    expect(audits[0]!.detail).toMatchObject({ selfTasked: true, reference: r.reference });
    // It is in the queue as the operative's own work.
    const mine = await t.app.inject({ method: 'GET', url: '/api/v1/referrals?assignee=mine&status=in_review', headers: h.op1 });
    expect(mine.json().items.map((i: { id: string }) => i.id)).toContain(r.id);
  });

  it('requires the reason, up to 2,000 characters, and validates the rest as intake does', async () => {
    for (const [payload, field] of [
      [body(), 'selfTaskedReason'],
      [{ ...body(), selfTaskedReason: '   ' }, 'selfTaskedReason'],
      [{ ...body(), selfTaskedReason: 'x'.repeat(2001) }, 'selfTaskedReason'],
      [{ ...body({ contentUrl: 'ftp://x.org/a' }), selfTaskedReason: 'why' }, 'contentUrl'],
      [{ ...body({ platforms: ['myspace'] }), selfTaskedReason: 'why' }, 'platforms[0]'],
    ] as const) {
      const res = await post('op1', '/api/v1/referrals/self-tasked', payload);
      expect(res.statusCode).toBe(400);
      expect(res.json().fields.map((f: { path: string }) => f.path)).toContain(field);
    }
    expect((await post('op1', '/api/v1/referrals/self-tasked', { ...body(), selfTaskedReason: 'x'.repeat(2000) })).statusCode).toBe(201);
  });

  it('still deconflicts: 409 naming the open referral of the same content, and nothing created', async () => {
    const existing = await submitted();
    const [row] = await t.db.select({ contentUrl: referrals.contentUrl }).from(referrals).where(eq(referrals.id, existing.id));
    const contentUrl = row!.contentUrl;
    const count = async () => (await t.db.select().from(referrals)).length;
    const before = await count();
    const res = await post('op2', '/api/v1/referrals/self-tasked', {
      ...body({ contentUrl }),
      selfTaskedReason: 'Seen it too',
      duplicateOf: existing.reference,
    });
    expect(res.statusCode).toBe(409);
    expect(res.json().existing).toMatchObject({ id: existing.id, reference: existing.reference });
    expect(await count()).toBe(before);
  });

  it('is for operatives and sergeants only', async () => {
    for (const who of ['requester', 'inspector'])
      expect((await post(who, '/api/v1/referrals/self-tasked', { ...body(), selfTaskedReason: 'why' })).statusCode, who).toBe(403);
    expect((await post('sergeant', '/api/v1/referrals/self-tasked', { ...body(), selfTaskedReason: 'why' })).statusCode).toBe(201);
  });
});

describe('claim and assign pages (SOP 8.5-8.6)', () => {
  it('offers an operative "Claim this referral" on the detail page, and the button claims it', async () => {
    const r = await submitted();
    const b = await t.browser(op2);
    const page = await b.get(`/referrals/${r.id}`);
    expect(page.body).toContain('data-qa="assignment-panel"');
    expect(page.body).toContain('Claim this referral');
    expect(page.body).not.toContain('data-qa="assign-link"');
    const res = await b.post(`/referrals/${r.id}/claim`);
    expect(res.statusCode).toBe(302);
    expect(res.headers.location).toBe(`/referrals/${r.id}`);
    const after = await b.get(`/referrals/${r.id}`);
    expect(after.body).toContain('In review');
    expect(after.body).not.toContain('Claim this referral');
    const [row] = await t.db.select().from(referrals).where(eq(referrals.id, r.id));
    expect(row).toMatchObject({ status: 'in_review', assigneeId: op2.id });
  });

  it('claims from a queue row and goes back to the same queue view; refuses a claim without the CSRF token', async () => {
    const r = await submitted();
    const b = await t.browser(op1);
    await b.get('/queue?status=submitted');
    expect((await b.post(`/referrals/${r.id}/claim`, { _csrf: 'forged', returnTo: '/queue' })).statusCode).toBe(403);
    const res = await b.post(`/referrals/${r.id}/claim`, { returnTo: '/queue?status=submitted' });
    expect(res.headers.location).toBe('/queue?status=submitted');
    const [row] = await t.db.select().from(referrals).where(eq(referrals.id, r.id));
    expect(row).toMatchObject({ status: 'in_review', assigneeId: op1.id });
    // Never an open redirect.
    const other = await submitted();
    expect((await b.post(`/referrals/${other.id}/claim`, { returnTo: 'https://evil.example/queue' })).headers.location).toBe(
      `/referrals/${other.id}`,
    );
  });

  it('shows a refused claim as an error page and changes nothing', async () => {
    const r = await submitted();
    expect((await post('op1', `/api/v1/referrals/${r.id}/claim`)).statusCode).toBe(200);
    const before = await snapshot(r.id);
    const b = await t.browser(op2);
    await b.get('/queue');
    expect((await b.post(`/referrals/${r.id}/claim`)).statusCode).toBe(409);
    expect(await snapshot(r.id)).toEqual(before);
  });

  it('lets a sergeant assign to an active operative through the assign form', async () => {
    const r = await submitted();
    const b = await t.browser(sergeant);
    const detail = await b.get(`/referrals/${r.id}`);
    expect(detail.body).toContain(`href="/referrals/${r.id}/assign"`);
    const form = await b.get(`/referrals/${r.id}/assign`);
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain(`value="${op1.id}"`);
    expect(form.body).not.toContain(`value="${leaver.id}"`); // deactivated
    expect(form.body).not.toContain(`value="${inspector.id}"`);
    const empty = await b.post(`/referrals/${r.id}/assign`, { assignee: '' });
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain('Choose the operative to assign it to');
    const bad = await b.post(`/referrals/${r.id}/assign`, { assignee: leaver.id });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('deactivated');
    const res = await b.post(`/referrals/${r.id}/assign`, { assignee: op1.id });
    expect(res.statusCode).toBe(302);
    expect(res.headers.location).toBe(`/referrals/${r.id}`);
    const after = await b.get(`/referrals/${r.id}`);
    expect(after.body).toContain('Assigned to DC Ola Ade');
  });

  it('keeps the assign form from operatives (403) and the claim button from requesters', async () => {
    const r = await submitted();
    const op = await t.browser(op1);
    expect((await op.get(`/referrals/${r.id}/assign`)).statusCode).toBe(403);
    const req = await t.browser(requester);
    const page = await req.get(`/referrals/${r.id}`);
    expect(page.body).not.toContain('Claim this referral');
    expect((await req.post(`/referrals/${r.id}/claim`)).statusCode).toBe(403);
  });
});

describe('self-tasked referral page (SOP 8.5)', () => {
  let seq = 0;
  const form = (over: Record<string, string | string[]> = {}) => {
    seq++;
    return {
      contentTitle: 'Found drill video',
      contentUrl: `https://www.tiktok.com/@x/video/${seq}`,
      platforms: ['tiktok'],
      'contentUploadedOn-day': '2',
      'contentUploadedOn-month': '3',
      'contentUploadedOn-year': '2026',
      rationale: 'Names a rival and a location.',
      selfTaskedReason: 'Found while reviewing a linked account.',
      ...over,
    };
  };

  it('is linked from the queue and opens the referral in review, assigned to the operative, with its reason', async () => {
    const b = await t.browser(op1);
    expect((await b.get('/queue')).body).toContain('href="/referrals/self-task"');
    const page = await b.get('/referrals/self-task');
    expect(page.statusCode).toBe(200);
    const res = await b.post('/referrals/self-task', form());
    expect(res.statusCode).toBe(302);
    const id = res.headers.location!.split('/').pop()!;
    const [row] = await t.db.select().from(referrals).where(eq(referrals.id, id));
    expect(row).toMatchObject({
      status: 'in_review',
      assigneeId: op1.id,
      requesterId: op1.id,
      selfTaskedReason: 'Found while reviewing a linked account.',
      contentUploadedOn: '2026-03-02',
    });
  });

  it('shows every error on the one page and keeps what was typed', async () => {
    const b = await t.browser(op1);
    await b.get('/referrals/self-task');
    const res = await b.post(
      '/referrals/self-task',
      form({ selfTaskedReason: '', platforms: [], 'contentUploadedOn-year': '', contentTitle: 'Kept title' }),
    );
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('There is a problem');
    expect(res.body).toContain('Enter why you are opening this referral yourself');
    expect(res.body).toContain('Choose at least one platform');
    expect(res.body).toContain('must include a year');
    expect(res.body).toContain('href="#platforms"');
    expect(res.body).toContain('value="Kept title"');
  });

  it('is refused to a requester', async () => {
    const b = await t.browser(requester);
    expect((await b.get('/referrals/self-task')).statusCode).toBe(403);
  });
});
