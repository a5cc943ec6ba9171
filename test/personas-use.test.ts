import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, personaUses } from '../src/db/schema/index.js';
import { REPEATED_VIEWING_PROMPT } from '../src/domain/personas.js';
import { referralIn } from './factories.js';
import type { TestApp, TestUser } from './harness.js';
import { personaApp, personaCast, personaIn, type PersonaCast } from './personas-support.js';

/**
 * FOI 003's use log (time, date, user, policing purpose) written before each use; the periodic
 * review of necessity and proportionality; RIPA 2000's repeated-viewing prompt (issue 14 points 4, 5, 7).
 */
const START = new Date('2026-03-10T10:00:00Z');
let now = START;
let t: TestApp;
let cast: PersonaCast;
beforeAll(async () => {
  t = await personaApp({ clock: () => now, personas: { repeatedViewing: { uses: 2, days: 28 } } });
  cast = await personaCast(t);
});
afterAll(() => t?.close());

let investigations = 0;
/** A use serving an investigation of its own unless `body` says otherwise (so only what a test shares is counted as repeated). */
const use = async (u: TestUser, id: string, body: Record<string, unknown> = {}) =>
  (await t.api(u)).post(`/api/v1/personas/${id}/uses`, {
    purpose: 'View @smoke_zone2’s closed story (Op Lantern)',
    investigationReference: `Op Lantern ${++investigations}`,
    ...body,
  });
const review = async (u: TestUser, id: string, body: Record<string, unknown>) =>
  (await t.api(u)).post(`/api/v1/personas/${id}/reviews`, {
    necessity: 'Op Lantern still needs closed-account viewing.',
    proportionality: 'Viewing only; no interaction.',
    ...body,
  });

describe('the use log (FOI 003)', () => {
  it('records a use by the assigned operative: time, user, purpose, investigation; audited', async () => {
    now = START;
    const p = await personaIn(t, cast, 'active');
    const res = await use(cast.operative, p.id, { investigationReference: 'Op Lantern' });
    expect(res.status).toBe(201);
    expect(res.json).toEqual({
      id: expect.any(String),
      personaId: p.id,
      persona: { website: 'instagram.com', userName: p.userName },
      at: START.toISOString(),
      user: { id: cast.operative.id, username: cast.operative.username, name: 'DC Olúwaseun Adé-Okafor' },
      purpose: 'View @smoke_zone2’s closed story (Op Lantern)',
      referralId: null,
      referralReference: null,
      investigationReference: 'Op Lantern',
      subject: null,
      repeatedViewing: { prompted: false, answer: null },
    });
    const [entry] = await t.db.select().from(auditLog).where(eq(auditLog.entityId, res.json.id));
    expect(entry).toMatchObject({ operation: 'collect', entity: 'persona_use', detail: { personaId: p.id } });
    const log = await (await t.api(cast.inspector)).get(`/api/v1/personas/${p.id}/uses`);
    expect(log.json).toMatchObject({ total: 1, items: [{ id: res.json.id }] });
  });

  it('refuses (409, with the reason) a persona not active, or not assigned to the caller', async () => {
    for (const status of ['requested', 'suspended', 'retired', 'refused'] as const) {
      const res = await use(cast.operative, (await personaIn(t, cast, status)).id);
      expect(res.status, status).toBe(409);
      expect(res.json.error).toContain('only an active persona may be used');
    }
    const p = await personaIn(t, cast, 'active');
    const notMine = await use(cast.sergeant, p.id);
    expect(notMine.status).toBe(409);
    expect(notMine.json.error).toContain('not assigned to you');
    expect(await t.db.select().from(personaUses).where(eq(personaUses.personaId, p.id))).toEqual([]);
  });

  it('lets a sergeant or authorising officer assign a case worker, who may then use it', async () => {
    const p = await personaIn(t, cast, 'active');
    expect((await use(cast.otherOperative, p.id)).status).toBe(404);
    const assign = (by: TestUser, userId: string) => t.api(by).then((api) => api.post(`/api/v1/personas/${p.id}/assignees`, { userId }));
    expect((await assign(cast.operative, cast.otherOperative.id)).status).toBe(403);
    expect((await assign(cast.officer, cast.requester.id)).json.fields).toEqual([
      { path: 'userId', message: 'Choose an active operative or sergeant' },
    ]);
    const res = await assign(cast.sergeant, cast.otherOperative.id);
    expect(res.json.assignees.map((a: { id: string }) => a.id).sort()).toEqual([cast.operative.id, cast.otherOperative.id].sort());
    expect((await assign(cast.officer, cast.otherOperative.id)).status).toBe(409);
    expect((await use(cast.otherOperative, p.id)).status).toBe(201);
  });

  it('lists a user’s own uses; an operative may not read another’s, a sergeant may; no route alters a use', async () => {
    const p = await personaIn(t, cast, 'active', { by: cast.otherOperative });
    const made = await use(cast.otherOperative, p.id);
    const mine = await (await t.api(cast.otherOperative)).get('/api/v1/personas/uses');
    expect(mine.json.items.map((i: { id: string }) => i.id)).toContain(made.json.id);
    expect(mine.json.items.every((i: { user: { id: string } }) => i.user.id === cast.otherOperative.id)).toBe(true);
    expect((await (await t.api(cast.operative)).get(`/api/v1/personas/uses?user=${cast.otherOperative.id}`)).status).toBe(403);
    const bySergeant = await (await t.api(cast.sergeant)).get(`/api/v1/personas/uses?user=${cast.otherOperative.id}`);
    expect(bySergeant.json.items.map((i: { id: string }) => i.id)).toContain(made.json.id);
    const headers = await t.bearer(cast.officer);
    for (const method of ['PUT', 'PATCH', 'DELETE'] as const)
      expect((await t.app.inject({ method, url: `/api/v1/personas/${p.id}/uses/${made.json.id}`, headers })).statusCode).toBe(404);
  });

  it('refuses a referral that does not exist (400) and hostile text (400)', async () => {
    const p = await personaIn(t, cast, 'active');
    expect((await use(cast.operative, p.id, { referralId: '00000000-0000-4000-8000-000000000000' })).json.fields[0].path).toBe(
      'referralId',
    );
    expect((await use(cast.operative, p.id, { purpose: 'a\u0000b' })).json.fields[0].path).toBe('purpose');
    // DESIGN.md: both are optional in the API (the page asks for one: test/personas-use-pages.test.ts).
    const bare = await use(cast.operative, p.id, { investigationReference: undefined });
    expect(bare.status).toBe(201);
    expect(bare.json).toMatchObject({ referralId: null, investigationReference: null });
    expect((await use(cast.operative, p.id, { purpose: 'x'.repeat(1_001) })).status).toBe(400);
    expect((await use(cast.operative, p.id, { investigationReference: Array(10_000).fill('Op') })).status).toBe(400);
  });
});

describe('reviews (FOI 003: periodic, necessity and proportionality)', () => {
  it('blocks a use once the review is overdue (409), lists it as overdue, and a review lets it be used again', async () => {
    now = START;
    const p = await personaIn(t, cast, 'active');
    expect(p.id).toBeTruthy();
    now = new Date('2026-06-10T22:30:00Z'); // 23:30 on 10 June in London: the due day itself
    expect((await use(cast.operative, p.id)).status).toBe(201);
    now = new Date('2026-06-10T23:30:00Z'); // 00:30 on 11 June in London
    const blocked = await use(cast.operative, p.id);
    expect(blocked.status).toBe(409);
    expect(blocked.json.error).toContain('was due on 2026-06-10');
    const overdue = await (await t.api(cast.officer)).get('/api/v1/personas?reviewOverdue=true&pageSize=100');
    expect(overdue.json.items.find((i: { id: string }) => i.id === p.id)).toMatchObject({ reviewOverdue: true });
    const notOverdue = await (await t.api(cast.officer)).get('/api/v1/personas?reviewOverdue=false&pageSize=100');
    expect(notOverdue.json.items.map((i: { id: string }) => i.id)).not.toContain(p.id);
    const res = await review(cast.officer, p.id, { decision: 'continue' });
    expect(res.json).toMatchObject({ status: 'active', reviewDueOn: '2026-09-11', reviewOverdue: false });
    expect(res.json.reviews.at(-1)).toMatchObject({ decision: 'continue', reviewer: { id: cast.officer.id }, nextReviewOn: '2026-09-11' });
    expect((await use(cast.operative, p.id)).status).toBe(201);
    now = START;
  });

  it('suspends (no use), continues (reinstated), retires (who, when, why; final); the creator may not review', async () => {
    const p = await personaIn(t, cast, 'active');
    expect((await review(cast.officer, p.id, { decision: 'suspend' })).json.fields).toEqual([
      { path: 'reason', message: 'Enter why the persona is to suspend' },
    ]);
    expect((await review(cast.officer, p.id, { decision: 'suspend', reason: 'Op Lantern paused.' })).json.status).toBe('suspended');
    expect((await use(cast.operative, p.id)).status).toBe(409);
    expect((await review(cast.officer, p.id, { decision: 'continue' })).json.status).toBe('active');
    const retired = await review(cast.officer, p.id, { decision: 'retire', reason: 'Account compromised.' });
    expect(retired.json).toMatchObject({
      status: 'retired',
      active: false,
      reviewDueOn: null,
      retirement: { at: START.toISOString(), by: { id: cast.officer.id }, reason: 'Account compromised.' },
    });
    expect(retired.json.history.map((h: { to: string }) => h.to)).toEqual(['requested', 'active', 'suspended', 'active', 'retired']);
    expect((await review(cast.officer, p.id, { decision: 'continue' })).status).toBe(409);
    const own = await t.user(['operative', 'authorising_officer']);
    const mine = await personaIn(t, cast, 'active', { by: own });
    expect((await review(own, mine.id, { decision: 'continue' })).status).toBe(403);
    expect((await review(cast.officer, (await personaIn(t, cast, 'requested')).id, { decision: 'continue' })).status).toBe(409);
  });
});

describe('repeated viewing (RIPA 2000, issue 14 point 7)', () => {
  it('prompts once earlier uses on the referral reach the limit within the period, and keeps the answer', async () => {
    now = START;
    const referral = await referralIn(t, 'in_review');
    const a = await personaIn(t, cast, 'active');
    const b = await personaIn(t, cast, 'active');
    now = new Date('2026-03-11T09:00:00Z');
    expect((await use(cast.operative, a.id, { referralId: referral.id })).json.repeatedViewing).toEqual({ prompted: false, answer: null });
    expect((await use(cast.operative, b.id, { referralId: referral.id })).status).toBe(201);
    const prompt = await use(cast.operative, a.id, { referralId: referral.id });
    expect(prompt.status).toBe(409);
    expect(prompt.json).toEqual({
      error: REPEATED_VIEWING_PROMPT,
      code: 'repeated_viewing',
      repeatedViewing: { prompt: REPEATED_VIEWING_PROMPT, priorUses: 2, days: 28 },
    });
    expect(prompt.json.error).toContain('RIPA 2000');
    const answered = await use(cast.operative, a.id, { referralId: referral.id, repeatedViewingAnswer: 'authorised' });
    expect(answered.status).toBe(201);
    expect(answered.json.repeatedViewing).toEqual({ prompted: true, answer: 'authorised' });
    const [row] = await t.db.select().from(personaUses).where(eq(personaUses.id, answered.json.id));
    expect(row).toMatchObject({ repeatedViewingPrompted: true, repeatedViewingAnswer: 'authorised' });
    expect((await use(cast.operative, a.id, { referralId: referral.id, repeatedViewingAnswer: 'maybe' })).status).toBe(400);
    // 29 days on, the earlier uses are outside the period: no prompt, and an answer given anyway is not kept.
    now = new Date('2026-04-09T09:00:01Z');
    const later = await use(cast.operative, b.id, { referralId: referral.id, repeatedViewingAnswer: 'not_needed' });
    expect(later.json.repeatedViewing).toEqual({ prompted: false, answer: null });
    now = START;
  });
});
