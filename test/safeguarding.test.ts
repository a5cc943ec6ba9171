import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, referralEvents, referralSafeguarding, reviews } from '../src/db/schema/index.js';
import { referralIn, referralInput } from './factories.js';
import { actorOf, createTestApp, type TestApp, type TestUser } from './harness.js';

/**
 * DESIGN.md "Safeguarding (children and exploitation)", SOP 9.2.7: a referral with a subject under
 * 18, or whose review cites exploitation, cannot pass review without the reviewer's safeguarding
 * answer; the requester may give one at intake; the unit sees every answer and its timeline entry.
 */

const NOW = new Date('2026-03-10T10:00:00Z');

let t: TestApp;
let requester: TestUser;
let operative: TestUser;
let sergeant: TestUser;

beforeAll(async () => {
  t = await createTestApp({ clock: () => NOW });
  requester = await t.user(['requester'], { displayName: 'PC Siân O’Brien-Hughes' });
  operative = await t.user(['operative'], { displayName: 'DC Ravi Chaudhry' });
  sergeant = await t.user(['sergeant']);
});
afterAll(() => t.close());

const post = async (u: TestUser, url: string, payload: unknown) => (await t.api(u)).post(url, payload);
const get = async (u: TestUser, url: string) => (await t.api(u)).get(url);

const CHILD = { name: '@lil_zé_2011', category: 'victim', ageBand: '13_15' };
const ADULT = { name: 'Kwame Asante-Boateng', category: 'suspect', ageBand: '25_plus' };
const INTAKE_ANSWER = { action: 'referred', detail: 'Lambeth MASH, ref MASH/2026/0441, spoke to DS Okafor' };
const REVIEW_ANSWER = { action: 'already_known', detail: 'Open to Lambeth children’s social care, case CSC-88213' };

const referralBody = (over: Record<string, unknown> = {}) =>
  referralInput({
    contentTitle: 'Drill video naming a schoolboy',
    incidentReferences: [],
    rationale: 'Names and threatens a 14-year-old after a fight at school.',
    subjects: [CHILD],
    ...over,
  });

/** A referral submitted by the requester and claimed by the operative. */
const claimed = async (over: Record<string, unknown> = {}) =>
  (await referralIn(t, 'in_review', { people: { requester, operative }, referral: referralBody(over) })).id;

const nfa = (over: Record<string, unknown> = {}) => ({
  contentFormat: 'video',
  factors: ['inflammatory_language'],
  researchSummary: 'Nothing further on indices.',
  reviewedOn: '2026-03-10',
  outcome: 'no_further_action',
  rationale: 'Does not breach the platform’s terms.',
  platformReferrals: [],
  ...over,
});
const refer = (over: Record<string, unknown> = {}) =>
  nfa({
    outcome: 'refer',
    rationale: 'Threatens a child in a way likely to provoke violence.',
    platformReferrals: [{ platform: 'youtube', termsBreached: ['harassment_cyberbullying'], draft: 'Please remove {{contentUrl}}.' }],
    ...over,
  });

const answersOf = (id: string) => t.db.select().from(referralSafeguarding).where(eq(referralSafeguarding.referralId, id));
const reviewsOf = (id: string) => t.db.select().from(reviews).where(eq(reviews.referralId, id));

async function expectSafeguarding400(id: string, payload: unknown, path: string) {
  const res = await post(operative, `/api/v1/referrals/${id}/review`, payload);
  expect(res.status).toBe(400);
  expect(res.json.fields.map((f: { path: string }) => f.path)).toContain(path);
  expect(await reviewsOf(id)).toHaveLength(0);
  expect((await get(operative, `/api/v1/referrals/${id}`)).json.status).toBe('in_review');
  return res.json.fields.find((f: { path: string }) => f.path === path).message as string;
}

describe('POST …/review with a child subject (DESIGN.md "Safeguarding")', () => {
  it('refuses a review without a safeguarding answer, for refer and for NFA, naming safeguarding and storing nothing', async () => {
    const id = await claimed();
    expect(await expectSafeguarding400(id, refer(), 'safeguarding')).toContain('under 18');
    await expectSafeguarding400(id, nfa(), 'safeguarding');
    expect(await answersOf(id)).toEqual([]);
  });

  it('refuses a missing or blank detail at safeguarding.detail, an unknown action at safeguarding.action, and a detail over 2,000 characters', async () => {
    const id = await claimed();
    await expectSafeguarding400(id, nfa({ safeguarding: { action: 'referred' } }), 'safeguarding.detail');
    await expectSafeguarding400(id, nfa({ safeguarding: { action: 'referred', detail: ' \n ' } }), 'safeguarding.detail');
    await expectSafeguarding400(id, nfa({ safeguarding: { action: 'ignored', detail: 'x' } }), 'safeguarding.action');
    await expectSafeguarding400(id, nfa({ safeguarding: { action: 'not_needed', detail: 'é'.repeat(2_001) } }), 'safeguarding.detail');
  });

  it('an intake answer does not stand for the reviewer’s own', async () => {
    const id = await claimed({ safeguarding: INTAKE_ANSWER });
    await expectSafeguarding400(id, refer(), 'safeguarding');
  });

  it('with an answer: 200, the answer on GET with who and when, a timeline entry, and the audit entry has the action but not the detail', async () => {
    const id = await claimed({ safeguarding: INTAKE_ANSWER });
    const res = await post(operative, `/api/v1/referrals/${id}/review`, refer({ safeguarding: REVIEW_ANSWER }));
    expect(res.status, res.body).toBe(200);
    expect(res.json.status).toBe('awaiting_qa');

    const detail = (await get(operative, `/api/v1/referrals/${id}`)).json;
    expect(detail.safeguarding).toEqual([
      {
        stage: 'intake',
        ...INTAKE_ANSWER,
        recordedBy: { id: requester.id, username: requester.username, name: 'PC Siân O’Brien-Hughes' },
        recordedAt: NOW.toISOString(),
      },
      {
        stage: 'review',
        ...REVIEW_ANSWER,
        recordedBy: { id: operative.id, username: operative.username, name: 'DC Ravi Chaudhry' },
        recordedAt: NOW.toISOString(),
      },
    ]);
    const entries = detail.timeline.filter((e: { action: string }) => e.action === 'safeguarding_recorded');
    expect(entries).toEqual([
      expect.objectContaining({
        actor: expect.objectContaining({ id: requester.id }),
        comment: expect.stringContaining(INTAKE_ANSWER.detail),
      }),
      expect.objectContaining({
        actor: expect.objectContaining({ id: operative.id }),
        comment: `Reviewer, at review: Already known to a safeguarding team. ${REVIEW_ANSWER.detail}`,
      }),
    ]);

    const alters = await t.db
      .select({ detail: auditLog.detail })
      .from(auditLog)
      .where(and(eq(auditLog.entityId, id), eq(auditLog.operation, 'alter')));
    expect(alters.map((a) => a.detail)).toContainEqual(
      expect.objectContaining({ action: 'reviewed_refer', safeguarding: 'already_known' }),
    );
    const log = JSON.stringify(await t.db.select({ detail: auditLog.detail }).from(auditLog).where(eq(auditLog.entityId, id)));
    expect(log).not.toContain('CSC-88213');
    expect(log).not.toContain('MASH/2026/0441');
  });

  it('a review returned by QA and sent again needs the answer again, and keeps both', async () => {
    const id = await claimed();
    expect((await post(operative, `/api/v1/referrals/${id}/review`, refer({ safeguarding: REVIEW_ANSWER }))).status).toBe(200);
    await t.services.lifecycle.apply(actorOf(sergeant), id, { kind: 'qa', decision: 'return' }, { comment: 'Cite the bullying clause' });
    const again = await post(operative, `/api/v1/referrals/${id}/review`, refer());
    expect(again.status).toBe(400);
    expect(again.json.fields.map((f: { path: string }) => f.path)).toEqual(['safeguarding']);
    const referred = { action: 'referred', detail: 'Now referred to Lambeth MASH, ref MASH/2026/0502' };
    expect((await post(operative, `/api/v1/referrals/${id}/review`, refer({ safeguarding: referred }))).status).toBe(200);
    expect((await answersOf(id)).map((a) => [a.stage, a.action, a.recordedBy]).sort()).toEqual([
      ['review', 'already_known', operative.id],
      ['review', 'referred', operative.id],
    ]);
  });
});

describe('POST …/review for adults (SOP 9.2.7)', () => {
  it('an adult subject and the exploitation factor needs an answer', async () => {
    const id = await claimed({ subjects: [ADULT] });
    const message = await expectSafeguarding400(id, nfa({ factors: ['exploitation_concern'] }), 'safeguarding');
    expect(message).toContain('exploitation');
    const res = await post(
      operative,
      `/api/v1/referrals/${id}/review`,
      nfa({
        factors: [{ factor: 'exploitation_concern', note: 'Grooming language' }],
        safeguarding: { action: 'referred', detail: 'Adult safeguarding hub, ref ASH-5521' },
      }),
    );
    expect(res.status, res.body).toBe(200);
    expect(await answersOf(id)).toHaveLength(1);
  });

  it('an adult subject without exploitation, or no subject, needs none; one given is recorded', async () => {
    const adult = await claimed({ subjects: [ADULT, { name: 'unknown_age_99', category: 'other', ageBand: 'unknown' }] });
    expect((await post(operative, `/api/v1/referrals/${adult}/review`, refer())).status).toBe(200);
    expect(await answersOf(adult)).toEqual([]);
    const none = await claimed({ subjects: [] });
    const res = await post(
      operative,
      `/api/v1/referrals/${none}/review`,
      nfa({ safeguarding: { action: 'not_needed', detail: 'No child or vulnerable person is shown' } }),
    );
    expect(res.status).toBe(200);
    expect((await answersOf(none)).map((a) => a.stage)).toEqual(['review']);
  });
});

describe('POST /api/v1/referrals with safeguarding (intake)', () => {
  it('stays optional: a child subject without an answer is accepted', async () => {
    const res = await post(requester, '/api/v1/referrals', referralBody());
    expect(res.status).toBe(201);
    expect((await get(operative, `/api/v1/referrals/${res.json.id}`)).json.safeguarding).toEqual([]);
  });

  it('records the answer with a timeline entry, in the 201 and on GET; the collect entry has the action only', async () => {
    const res = await post(requester, '/api/v1/referrals', referralBody({ safeguarding: INTAKE_ANSWER }));
    expect(res.status).toBe(201);
    const created = res.json;
    // The requester's answer is their own step on their timeline (no comments in their view, DESIGN.md "Who sees what").
    expect(created.timeline.map((e: { action: string }) => e.action)).toEqual(['submitted', 'safeguarding_recorded']);
    const detail = (await get(operative, `/api/v1/referrals/${created.id}`)).json;
    expect(detail.safeguarding).toEqual([
      expect.objectContaining({ stage: 'intake', ...INTAKE_ANSWER, recordedBy: expect.objectContaining({ id: requester.id }) }),
    ]);
    expect(detail.timeline.map((e: { action: string }) => e.action)).toEqual(['submitted', 'safeguarding_recorded']);
    expect(detail.timeline[1].comment).toBe(`Requester, at intake: Referred to a safeguarding team. ${INTAKE_ANSWER.detail}`);
    const events = await t.db.select().from(referralEvents).where(eq(referralEvents.referralId, created.id));
    expect(events.map((e) => e.action).sort()).toEqual(['safeguarding_recorded', 'submitted']);
    const [collect] = await t.db
      .select({ detail: auditLog.detail })
      .from(auditLog)
      .where(and(eq(auditLog.entityId, created.id), eq(auditLog.operation, 'collect')));
    expect(collect!.detail).toMatchObject({ safeguarding: 'referred' });
    expect(JSON.stringify(collect!.detail)).not.toContain('MASH');
  });

  it('refuses a bad answer at its path, storing nothing', async () => {
    const before = (await t.db.select().from(referralSafeguarding)).length;
    for (const [safeguarding, path] of [
      [{ action: 'referred', detail: '' }, 'safeguarding.detail'],
      [{ detail: 'Lambeth MASH' }, 'safeguarding.action'],
      // The shared text rule (issue 10): a NUL or a lone surrogate is refused at the field, not a 500.
      [{ action: 'referred', detail: 'Lambeth MASH\u0000' }, 'safeguarding.detail'],
      [{ action: 'referred', detail: 'Lambeth MASH \ud83d' }, 'safeguarding.detail'],
      ['yes', 'safeguarding'],
    ] as const) {
      const res = await post(requester, '/api/v1/referrals', referralBody({ safeguarding }));
      expect(res.status).toBe(400);
      expect(res.json.fields.map((f: { path: string }) => f.path)).toContain(path);
    }
    expect((await t.db.select().from(referralSafeguarding)).length).toBe(before);
  });

  it('a second requester’s answer on the same content is kept with the open referral', async () => {
    const first = await post(requester, '/api/v1/referrals', referralBody());
    const other = await t.user(['requester']);
    const body = {
      ...referralBody(),
      contentUrl: first.json.contentUrl,
      duplicateOf: first.json.reference,
      safeguarding: INTAKE_ANSWER,
    };
    const res = await post(other, '/api/v1/referrals', body);
    expect(res.status, res.body).toBe(200);
    expect(res.json.combined).toBe(true);
    expect((await answersOf(first.json.id)).map((a) => [a.stage, a.recordedBy])).toEqual([['intake', other.id]]);
  });
});
