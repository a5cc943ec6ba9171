import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { additionalRationales, auditLog, incidentReferences, referralPlatforms, referrals, subjects } from '../src/db/schema/index.js';
import { plainReferralInput } from './factories.js';
import { createTestApp, type TestApp, type TestUser } from './harness.js';

// A fixed "now": 10 March 2026, mid-morning in London.
const NOW = new Date('2026-03-10T10:00:00Z');

let t: TestApp;
let requester: TestUser;
let other: TestUser;
let operative: TestUser;
let admin: TestUser;
let auditor: TestUser;
const h: Record<string, Record<string, string>> = {};

beforeAll(async () => {
  t = await createTestApp({ clock: () => NOW });
  requester = await t.user(['requester'], { displayName: 'PC Amy Jones', ocu: 'Central West', unit: 'Gangs Unit' });
  other = await t.user(['requester'], { displayName: 'PC Ben Cole' });
  operative = await t.user(['operative']);
  admin = await t.user(['admin']);
  auditor = await t.user(['auditor']);
  for (const [k, u] of Object.entries({ requester, other, operative, admin, auditor })) h[k] = await t.bearer(u);
});
afterAll(() => t.close());

/** A valid body with a URL no other test uses, so deconfliction does not interfere. */
const body = plainReferralInput;

const post = (who: string, payload: unknown, url = '/api/v1/referrals') =>
  t.app.inject({ method: 'POST', url, headers: { ...h[who], 'content-type': 'application/json' }, payload: JSON.stringify(payload) });
const get = (who: string, url: string) => t.app.inject({ method: 'GET', url, headers: h[who] });

async function counts() {
  const one = async (table: typeof referrals | typeof subjects | typeof referralPlatforms | typeof incidentReferences) =>
    (await t.db.select({ n: sql<number>`count(*)::int` }).from(table))[0]!.n;
  return {
    referrals: await one(referrals),
    subjects: await one(subjects),
    platforms: await one(referralPlatforms),
    incidents: await one(incidentReferences),
  };
}

async function expectRejected(payload: unknown, path: string) {
  const before = await counts();
  const res = await post('requester', payload);
  expect(res.statusCode).toBe(400);
  const json = res.json();
  expect(json.error).toBeTruthy();
  expect(json.fields.map((f: { path: string }) => f.path)).toContain(path);
  expect(await counts()).toEqual(before);
  return json;
}

describe('POST /api/v1/referrals (SOP 8.3, 8.4)', () => {
  it('creates a submitted referral with a yearly reference, its children, a timeline event and a collect audit entry', async () => {
    const payload = body({
      platforms: ['youtube', 'instagram'],
      incidentReferences: [
        { system: 'CAD', reference: '1234/01MAR26' },
        { system: 'CRIS', reference: '0101234/26' },
      ],
      subjects: [{ name: '@rival_handle', category: 'suspect', ageBand: '18_24', dateOfBirth: '2005-06-01' }],
      // Applicant details come from the profile (SOP 8.3.1); these must be ignored and not stored.
      applicantName: 'Someone Else',
      requesterId: other.id,
      status: 'closed',
    });
    const res = await post('requester', payload);
    expect(res.statusCode).toBe(201);
    const r = res.json();
    // DESIGN.md "Who sees what": the requester's own view, and the intake's check of their URL.
    expect(r).toEqual({
      id: expect.any(String),
      reference: expect.stringMatching(/^OHRT-2026-\d{6}$/),
      status: 'submitted',
      outcome: null,
      contentTitle: payload.contentTitle,
      contentUrl: payload.contentUrl,
      platforms: ['instagram', 'youtube'],
      submittedAt: NOW.toISOString(),
      closedAt: null,
      contentUploadedOn: '2026-03-01',
      rationale: payload.rationale,
      incidentReferences: payload.incidentReferences,
      subjects: [{ name: '@rival_handle', category: 'suspect', ageBand: '18_24', dateOfBirth: '2005-06-01' }],
      timeline: [{ at: NOW.toISOString(), actor: { name: 'PC Amy Jones' }, action: 'submitted' }],
      warnings: [],
    });
    // The answer is made of what the inserts returned (issue 4): it must be what a read gives.
    const { warnings, ...read } = r;
    expect(warnings).toEqual([]);
    expect((await get('requester', `/api/v1/referrals/${r.id}`)).json()).toEqual(read);
    // The unit sees the whole referral (issue 3's casework fields empty yet), applicant from the profile (SOP 8.3.1).
    expect((await get('operative', `/api/v1/referrals/${r.id}`)).json()).toMatchObject({
      ...read,
      requesterId: requester.id,
      applicant: { name: 'PC Amy Jones', ocu: 'Central West', unit: 'Gangs Unit' },
      assignee: null,
      draftAuthorId: null,
      selfTaskedReason: null,
      additionalRationales: [],
      safeguarding: [],
      platformReferrals: [],
      timeline: [
        { at: NOW.toISOString(), actor: { id: requester.id, username: requester.username, name: 'PC Amy Jones' }, action: 'submitted' },
      ],
    });
    const [row] = await t.db.select().from(referrals).where(eq(referrals.id, r.id));
    expect(row!.requesterId).toBe(requester.id);
    const [entry] = await t.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.entityId, r.id), eq(auditLog.operation, 'collect')));
    expect(entry).toMatchObject({ entity: 'referral', actorUsername: requester.username });
    // No personal data in the log: counts only.
    expect(entry!.detail).toEqual({ reference: r.reference, platforms: 2, incidentReferences: 2, subjects: 1 });
    expect(JSON.stringify(entry)).not.toContain('rival_handle');
  });

  it('numbers references in sequence within the year', async () => {
    const a = (await post('requester', body())).json();
    const b = (await post('requester', body())).json();
    const n = (ref: string) => Number(ref.split('-')[2]);
    expect(n(b.reference)).toBe(n(a.reference) + 1);
  });

  it('gives simultaneous submissions distinct references', async () => {
    const results = await Promise.all(Array.from({ length: 5 }, () => post('requester', body())));
    expect(results.map((r) => r.statusCode)).toEqual([201, 201, 201, 201, 201]);
    expect(new Set(results.map((r) => r.json().reference)).size).toBe(5);
  });

  it('accepts no incident references and no subjects (SOP 8.3.3 "where applicable", 8.4.1 optional)', async () => {
    const res = await post('requester', { ...body(), incidentReferences: undefined, subjects: undefined });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ incidentReferences: [], subjects: [] });
  });
});

describe('POST /api/v1/referrals validation: 400 naming the field, nothing stored', () => {
  it('refuses an ftp:// URL (SOP 8.3.5)', () => expectRejected(body({ contentUrl: 'ftp://example.org/video.mp4' }), 'contentUrl'));
  it('refuses a URL longer than 2,048 characters', () =>
    expectRejected(body({ contentUrl: `https://youtube.com/${'a'.repeat(2050)}` }), 'contentUrl'));
  it('refuses a missing title and a title over 300 characters (SOP 8.3.4)', async () => {
    await expectRejected(body({ contentTitle: ' ' }), 'contentTitle');
    await expectRejected(body({ contentTitle: 'x'.repeat(301) }), 'contentTitle');
  });
  it('refuses an upload date in the future (SOP 8.3.2)', () =>
    expectRejected(body({ contentUploadedOn: '2026-03-11' }), 'contentUploadedOn'));
  it('refuses an impossible date, 2026-02-30', () => expectRejected(body({ contentUploadedOn: '2026-02-30' }), 'contentUploadedOn'));
  it('refuses no platform (SOP 8.3.6)', () => expectRejected(body({ platforms: [] }), 'platforms'));
  it('refuses a platform that is not in the directory, naming its position', async () => {
    const json = await expectRejected(body({ platforms: ['youtube', 'myspace'] }), 'platforms[1]');
    expect(json.fields[0].message).toContain('myspace');
  });
  it('refuses a platform chosen twice', () => expectRejected(body({ platforms: ['youtube', 'youtube'] }), 'platforms[1]'));
  it('refuses an incident reference from an unknown system (SOP 8.3.3)', () =>
    expectRejected(body({ incidentReferences: [{ system: 'PNC', reference: '1' }] }), 'incidentReferences[0].system'));
  it('refuses more than 10 incident references', () =>
    expectRejected(
      body({ incidentReferences: Array.from({ length: 11 }, (_, i) => ({ system: 'CAD', reference: `${i}` })) }),
      'incidentReferences',
    ));
  it('refuses an incident reference over 60 characters', () =>
    expectRejected(body({ incidentReferences: [{ system: 'CAD', reference: 'x'.repeat(61) }] }), 'incidentReferences[0].reference'));
  it('refuses a missing rationale and one over 5,000 characters (SOP 8.3.7)', async () => {
    await expectRejected(body({ rationale: '' }), 'rationale');
    await expectRejected(body({ rationale: 'x'.repeat(5001) }), 'rationale');
  });
  it('refuses a subject with a bad or blank age band (never left blank)', async () => {
    await expectRejected(body({ subjects: [{ name: 'A', category: 'victim', ageBand: 'teen' }] }), 'subjects[0].ageBand');
    await expectRejected(
      body({
        subjects: [
          { name: 'A', category: 'victim', ageBand: '16_17' },
          { name: 'B', category: 'victim', ageBand: '' },
        ],
      }),
      'subjects[1].ageBand',
    );
  });
  it('refuses a subject with an unknown category (DPA 2018 s.38(3))', () =>
    expectRejected(body({ subjects: [{ name: 'A', category: 'gang_member', ageBand: 'unknown' }] }), 'subjects[0].category'));
  it('refuses a date of birth that does not agree with the age band', async () => {
    // Born 1 June 2012: 13 on 10 March 2026, so not 18 to 24.
    const json = await expectRejected(
      body({ subjects: [{ name: 'A', category: 'victim', ageBand: '18_24', dateOfBirth: '2012-06-01' }] }),
      'subjects[0].dateOfBirth',
    );
    expect(json.fields[0].message).toContain('13 to 15');
  });
  it('refuses a future or impossible date of birth', async () => {
    await expectRejected(
      body({ subjects: [{ name: 'A', category: 'victim', ageBand: 'unknown', dateOfBirth: '2027-01-01' }] }),
      'subjects[0].dateOfBirth',
    );
    await expectRejected(
      body({ subjects: [{ name: 'A', category: 'victim', ageBand: 'unknown', dateOfBirth: '2010-13-01' }] }),
      'subjects[0].dateOfBirth',
    );
  });
  it('refuses more than 20 subjects', () =>
    expectRejected(
      body({ subjects: Array.from({ length: 21 }, () => ({ name: 'A', category: 'other', ageBand: 'unknown' })) }),
      'subjects',
    ));
  it('names every bad field at once', async () => {
    const json = await expectRejected(body({ contentUrl: 'ftp://x', contentUploadedOn: '2026-02-30', rationale: '' }), 'contentUrl');
    expect(json.fields.map((f: { path: string }) => f.path)).toEqual(
      expect.arrayContaining(['contentUrl', 'contentUploadedOn', 'rationale']),
    );
  });
});

describe('host check (SOP 8.3.5-8.3.6)', () => {
  it('accepts a URL whose host is not one of the chosen platforms, with a warning', async () => {
    const res = await post('requester', body({ contentUrl: `https://example.org/clip/host-check`, platforms: ['tiktok'] }));
    expect(res.statusCode).toBe(201);
    expect(res.json().warnings).toEqual([{ path: 'contentUrl', message: expect.stringContaining('TikTok') }]);
  });
  it('does not warn for a sub-domain of a chosen platform', async () => {
    const res = await post('requester', body({ contentUrl: `https://vm.tiktok.com/ZMhostcheck/`, platforms: ['tiktok'] }));
    expect(res.json().warnings).toEqual([]);
  });
});

describe('deconfliction (SOP 8.1: one open referral per piece of content)', () => {
  it('answers 409 naming the open referral, then adds the rationale when asked with duplicateOf', async () => {
    const first = (await post('requester', body({ contentUrl: 'https://youtu.be/dEcOnFl1ct1' }))).json();
    const before = await counts();
    // The same video, written another way, by another requester.
    const again = body({ contentUrl: 'https://m.youtube.com/shorts/dEcOnFl1ct1?si=abc', rationale: 'Also posted in a school group chat.' });
    const dup = await post('other', again);
    expect(dup.statusCode).toBe(409);
    expect(dup.json()).toMatchObject({
      error: expect.stringContaining(first.reference),
      existing: { id: first.id, reference: first.reference },
    });
    expect(await counts()).toEqual(before);

    const combined = await post('other', { ...again, duplicateOf: first.reference });
    expect(combined.statusCode).toBe(200);
    expect(combined.json()).toMatchObject({ id: first.id, reference: first.reference, status: 'submitted', combined: true });
    // The other requester sees a summary only, not the first requester's subjects or rationale.
    expect(combined.json().rationale).toBeUndefined();
    expect(await counts()).toEqual(before);

    // The unit sees both rationales; the first requester does not see the other requester's
    // (DESIGN.md "Who sees what": only what they gave).
    const seen = (await get('operative', `/api/v1/referrals/${first.id}`)).json();
    expect(seen.additionalRationales).toEqual([
      { applicantName: 'PC Ben Cole', rationale: 'Also posted in a school group chat.', addedAt: NOW.toISOString() },
    ]);
    expect(seen.timeline.map((e: { action: string }) => e.action)).toEqual(['submitted', 'rationale_added']);
    const own = (await get('requester', `/api/v1/referrals/${first.id}`)).json();
    expect(own.additionalRationales).toBeUndefined();
    expect(own.timeline.map((e: { action: string }) => e.action)).toEqual(['submitted']);
    expect(JSON.stringify(own)).not.toContain('PC Ben Cole');
    const [entry] = await t.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.entityId, first.id), eq(auditLog.operation, 'combine')));
    expect(entry).toMatchObject({ entity: 'referral', actorUsername: other.username });
  });

  it('accepts the id as duplicateOf, and still refuses a duplicateOf that names another referral', async () => {
    const first = (await post('requester', body({ contentUrl: 'https://www.tiktok.com/@x/video/777' }))).json();
    const unrelated = (await post('requester', body())).json();
    const wrong = await post('other', body({ contentUrl: 'https://tiktok.com/@x/video/777/', duplicateOf: unrelated.reference }));
    expect(wrong.statusCode).toBe(409);
    const right = await post('other', body({ contentUrl: 'https://tiktok.com/@x/video/777/', duplicateOf: first.id }));
    expect(right.statusCode).toBe(200);
    expect((await t.db.select().from(additionalRationales).where(eq(additionalRationales.referralId, first.id))).length).toBe(1);
  });

  it('lets only one of two simultaneous submissions of the same content open a referral', async () => {
    const url = 'https://www.youtube.com/watch?v=SameTime001';
    const before = await counts();
    const results = await Promise.all([post('requester', body({ contentUrl: url })), post('other', body({ contentUrl: `${url}&si=x` }))]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([201, 409]);
    expect((await counts()).referrals).toBe(before.referrals + 1);
  });

  it('does not deconflict against a closed referral', async () => {
    const first = (await post('requester', body({ contentUrl: 'https://www.instagram.com/p/Closed01/' }))).json();
    expect((await post('requester', {}, `/api/v1/referrals/${first.id}/withdraw`)).statusCode).toBe(200);
    const res = await post('other', body({ contentUrl: 'https://instagram.com/p/Closed01', platforms: ['instagram'] }));
    expect(res.statusCode).toBe(201);
    expect(res.json().id).not.toBe(first.id);
  });
});

describe('reading referrals (DESIGN.md "Roles")', () => {
  it("shows a requester only their own referrals, and 404 for anyone else's", async () => {
    const mine = (await post('requester', body())).json();
    const theirs = (await post('other', body())).json();
    const list = (await get('other', '/api/v1/referrals?pageSize=100')).json();
    expect(list.items.map((i: { id: string }) => i.id)).toContain(theirs.id);
    expect(list.items.map((i: { id: string }) => i.id)).not.toContain(mine.id);
    expect((await get('other', `/api/v1/referrals/${mine.id}`)).statusCode).toBe(404);
    expect((await get('requester', `/api/v1/referrals/${mine.id}`)).statusCode).toBe(200);
  });

  it('shows the unit every referral, paged newest first, with filters', async () => {
    const r = (await post('other', body({ platforms: ['youtube', 'reddit'] }))).json();
    const res = await get('operative', '/api/v1/referrals?platform=reddit&status=submitted&page=1&pageSize=5');
    expect(res.statusCode).toBe(200);
    const json = res.json();
    expect(json).toMatchObject({ page: 1, pageSize: 5 });
    expect(json.items.map((i: { id: string }) => i.id)).toContain(r.id);
    expect(json.items.every((i: { platforms: string[] }) => i.platforms.includes('reddit'))).toBe(true);
    const all = (await get('operative', '/api/v1/referrals')).json();
    expect(all).toMatchObject({ page: 1, pageSize: 20 });
    expect(all.total).toBeGreaterThan(json.total - 1);
    expect((await get('operative', '/api/v1/referrals?assignee=none')).json().total).toBe(all.total);
    expect((await get('operative', '/api/v1/referrals?assignee=me')).json().total).toBe(0);
    expect(
      (await get('operative', '/api/v1/referrals?status=closed')).json().items.every((i: { status: string }) => i.status === 'closed'),
    ).toBe(true);
  });

  it('refuses bad query values with 400 naming the field', async () => {
    for (const [q, field] of [
      ['page=0', 'page'],
      ['page=abc', 'page'],
      ['pageSize=101', 'pageSize'],
      ['status=open', 'status'],
      ['platform=myspace', 'platform'],
    ]) {
      const res = await get('operative', `/api/v1/referrals?${q}`);
      expect(res.statusCode, q).toBe(400);
      expect(
        res.json().fields.map((f: { path: string }) => f.path),
        q,
      ).toContain(field);
    }
  });

  it('gives admin and auditor no access to case content (403)', async () => {
    const r = (await post('requester', body())).json();
    for (const who of ['admin', 'auditor']) {
      expect((await get(who, '/api/v1/referrals')).statusCode).toBe(403);
      expect((await get(who, `/api/v1/referrals/${r.id}`)).statusCode).toBe(403);
      expect((await post(who, body())).statusCode).toBe(403);
    }
  });

  it('does not let the unit submit through the requester route', async () => {
    expect((await post('operative', body())).statusCode).toBe(403);
  });

  it('answers 404 for an id that is not a referral', async () => {
    expect((await get('operative', '/api/v1/referrals/not-a-uuid')).statusCode).toBe(404);
    expect((await get('operative', '/api/v1/referrals/00000000-0000-4000-8000-000000000000')).statusCode).toBe(404);
  });
});

describe('consultation audit (DPA 2018 s.62)', () => {
  const consults = async (id: string) =>
    (
      await t.db
        .select()
        .from(auditLog)
        .where(and(eq(auditLog.entityId, id), eq(auditLog.operation, 'consult')))
    ).length;

  it('logs opening a referral that names subjects, but not one without, and not listing', async () => {
    const withSubjects = (await post('requester', body({ subjects: [{ name: 'Jay', category: 'victim', ageBand: 'unknown' }] }))).json();
    const without = (await post('requester', body())).json();
    await get('operative', '/api/v1/referrals?pageSize=100');
    expect(await consults(withSubjects.id)).toBe(0);
    await get('operative', `/api/v1/referrals/${withSubjects.id}`);
    await get('operative', `/api/v1/referrals/${without.id}`);
    expect(await consults(withSubjects.id)).toBe(1);
    expect(await consults(without.id)).toBe(0);
    const [entry] = await t.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.entityId, withSubjects.id), eq(auditLog.operation, 'consult')));
    expect(entry).toMatchObject({ entity: 'referral', actorUsername: operative.username, detail: { subjects: 1 } });
  });
});

describe('POST /api/v1/referrals/{id}/withdraw (DESIGN.md life cycle)', () => {
  it("closes the requester's own submitted referral as withdrawn, with an alter audit entry", async () => {
    const r = (await post('requester', body())).json();
    const res = await post('requester', {}, `/api/v1/referrals/${r.id}/withdraw`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'closed', outcome: 'withdrawn', closedAt: NOW.toISOString() });
    expect(res.json().timeline.map((e: { action: string }) => e.action)).toEqual(['submitted', 'withdrawn']);
    const [entry] = await t.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.entityId, r.id), eq(auditLog.operation, 'alter')));
    expect(entry).toBeTruthy();
    // Once closed, no other state allows it.
    expect((await post('requester', {}, `/api/v1/referrals/${r.id}/withdraw`)).statusCode).toBe(409);
  });

  it('refuses anyone else: 404 to another requester, 403 to the unit', async () => {
    const r = (await post('requester', body())).json();
    expect((await post('other', {}, `/api/v1/referrals/${r.id}/withdraw`)).statusCode).toBe(404);
    expect((await post('operative', {}, `/api/v1/referrals/${r.id}/withdraw`)).statusCode).toBe(403);
    expect((await get('requester', `/api/v1/referrals/${r.id}`)).json().status).toBe('submitted');
  });
});
