import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, intelligenceRecords, platformReferrals, referralEvents, referrals } from '../src/db/schema/index.js';
import { referralIn } from './factories.js';
import { createTestApp, type TestApp, type TestUser } from './harness.js';

// A fixed "now": 10 March 2026, mid-morning in London (GMT).
const NOW = new Date('2026-03-10T10:00:00Z');
const SENT = '2026-03-09T09:30:00Z';
// QA approves before SENT: a submission cannot be dated before its approval (SOP 10.2-10.5).
const APPROVED = new Date('2026-03-09T08:00:45Z');
let now = NOW;

let t: TestApp;
let requester: TestUser;
let operative: TestUser;
let sergeant: TestUser;
const h: Record<string, Record<string, string>> = {};

beforeAll(async () => {
  t = await createTestApp({ clock: () => now });
  requester = await t.user(['requester'], { displayName: 'PC Amy Jones' });
  operative = await t.user(['operative'], { displayName: 'DC Ola Operative' });
  sergeant = await t.user(['sergeant'], { displayName: 'DS Sam Sergeant' });
  const admin = await t.user(['admin']);
  for (const [k, u] of Object.entries({ requester, operative, sergeant, admin })) h[k] = await t.bearer(u);
});
afterAll(() => t.close());

/**
 * A referral in the `referred` state with youtube and tiktok platform referrals approved, through
 * the review and QA services (SOP 9, 10.1-10.2), all at APPROVED.
 */
async function referredReferral(platforms = ['youtube', 'tiktok']) {
  now = APPROVED;
  const referral = {
    contentTitle: 'Drill video naming a rival group',
    platforms,
    incidentReferences: [],
    rationale: 'Threatens a named rival group after a stabbing last week.',
    subjects: [],
  };
  const review = {
    platformReferrals: platforms.map((platform) => ({
      platform,
      termsBreached: [platform === 'youtube' ? 'violent_criminal_organisations' : 'violent_behaviours'],
      draft: `Referral of a drill video to ${platform}`,
    })),
  };
  const made = await referralIn(t, 'referred', { people: { requester, operative, sergeant }, referral, review }).finally(() => {
    now = NOW;
  });
  return made.id;
}

const step = (who: string, id: string, platform: string, kind: string, payload: unknown) =>
  t.app.inject({
    method: 'POST',
    url: `/api/v1/referrals/${id}/platform-referrals/${platform}/${kind}`,
    headers: { ...h[who], 'content-type': 'application/json' },
    payload: JSON.stringify(payload),
  });
const submit = (id: string, platform: string, over: Record<string, unknown> = {}) =>
  step('operative', id, platform, 'submission', { channel: 'mailbox', submittedAt: SENT, externalReference: 'TT-1', ...over });
const decide = (id: string, platform: string, outcome: string, decidedOn = '2026-03-10') =>
  step('operative', id, platform, 'decision', { outcome, decidedOn });
const appeal = (id: string, platform: string, yes: boolean, reason = 'The video names a rival and a location') =>
  step('sergeant', id, platform, 'appeal', { appeal: yes, reason });

async function ok(res: Awaited<ReturnType<typeof step>>) {
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

/** Everything a refused step must leave as it was. */
async function snapshot(id: string) {
  const [r] = await t.db.select({ status: referrals.status, outcome: referrals.outcome }).from(referrals).where(eq(referrals.id, id));
  const prs = await t.db.select().from(platformReferrals).where(eq(platformReferrals.referralId, id)).orderBy(platformReferrals.platform);
  const [events] = await t.db
    .select({ n: sql<number>`count(*)::int` })
    .from(referralEvents)
    .where(eq(referralEvents.referralId, id));
  const [audits] = await t.db.select({ n: sql<number>`count(*)::int` }).from(auditLog);
  return { r, prs, events: events!.n, audits: audits!.n };
}

const pr = (r: { platformReferrals: { platform: string }[] }, platform: string) =>
  r.platformReferrals.find((p) => p.platform === platform) as Record<string, unknown>;

describe('submission (SOP 10.5)', () => {
  it('records channel, time and reference, moves the platform referral to submitted and audits a disclosure to the platform', async () => {
    const id = await referredReferral();
    const r = await ok(await submit(id, 'youtube', { channel: 'trusted_flagger', externalReference: 'TF-2026-0042' }));
    expect(r.status).toBe('referred');
    expect(pr(r, 'youtube')).toMatchObject({
      status: 'submitted',
      channel: 'trusted_flagger',
      submittedAt: '2026-03-09T09:30:00.000Z',
      externalReference: 'TF-2026-0042',
      final: false,
    });
    expect(pr(r, 'tiktok')).toMatchObject({ status: 'approved', channel: null });
    const [entry] = await t.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.entityId, id), eq(auditLog.operation, 'disclose')));
    // DPA 2018 s.62: a disclosure, and to whom.
    expect(entry).toMatchObject({ entity: 'referral', recipient: 'YouTube', actorUsername: operative.username });
    expect(entry!.detail).toMatchObject({ action: 'platform_submitted', platform: 'youtube', channel: 'trusted_flagger' });
  });

  it("records a channel other than the directory's, as the officer says, and notes the directory's in the audit", async () => {
    const id = await referredReferral();
    const r = await ok(await submit(id, 'youtube', { channel: 'individual' }));
    expect(pr(r, 'youtube')).toMatchObject({ channel: 'individual' });
    const [entry] = await t.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.entityId, id), eq(auditLog.operation, 'disclose')));
    expect(entry!.detail).toMatchObject({ channel: 'individual', directoryChannel: 'trusted_flagger' });
  });

  it('refuses a submission time in the future with a 400 naming submittedAt, and a second submission with a 409', async () => {
    const id = await referredReferral();
    const future = await submit(id, 'youtube', { submittedAt: '2026-03-10T10:05:00Z' });
    expect(future.statusCode).toBe(400);
    expect(future.json().fields.map((f: { path: string }) => f.path)).toEqual(['submittedAt']);
    await ok(await submit(id, 'youtube'));
    const before = await snapshot(id);
    expect((await submit(id, 'youtube')).statusCode).toBe(409);
    expect(await snapshot(id)).toEqual(before);
  });

  it('refuses a submission time before the QA approval with a 400 naming submittedAt, and writes nothing (SOP 10.2-10.5)', async () => {
    const id = await referredReferral();
    const before = await snapshot(id);
    // Approved at 08:00:45 UTC on 9 March; a minute earlier is a typing mistake, not a fact.
    const early = await submit(id, 'youtube', { submittedAt: '2026-03-09T07:59:00Z' });
    expect(early.statusCode).toBe(400);
    expect(early.json().fields).toEqual([
      { path: 'submittedAt', message: 'The time the referral was sent cannot be before it was approved at QA (9 March 2026 at 08:00)' },
    ]);
    expect(await snapshot(id)).toEqual(before);
    // The approval's own minute is accepted: the form takes hours and minutes.
    await ok(await submit(id, 'youtube', { submittedAt: '2026-03-09T08:00:00Z' }));
  });

  it('shows the same refusal on the submission form, against the date sent (SOP 10.2-10.5)', async () => {
    const id = await referredReferral();
    const b = await t.browser(operative);
    await b.get(`/referrals/${id}/platform-referrals/youtube/submission`);
    const res = await b.post(`/referrals/${id}/platform-referrals/youtube/submission`, {
      channel: 'mailbox',
      'submittedAt-day': '9',
      'submittedAt-month': '3',
      'submittedAt-year': '2026',
      submittedTime: '07:30',
    });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('href="#submittedAt-day">The time the referral was sent cannot be before it was approved at QA');
  });

  it('answers 404 for a platform not in the directory and 409 for a directory platform the referral was not sent to', async () => {
    const id = await referredReferral();
    const before = await snapshot(id);
    expect((await submit(id, 'myspace')).statusCode).toBe(404);
    expect((await submit(id, 'facebook')).statusCode).toBe(409);
    expect(await snapshot(id)).toEqual(before);
  });

  it('refuses a requester with a 403 and changes nothing (DESIGN.md "Roles")', async () => {
    const id = await referredReferral();
    const before = await snapshot(id);
    const res = await step('requester', id, 'youtube', 'submission', { channel: 'mailbox', submittedAt: SENT });
    expect(res.statusCode).toBe(403);
    expect((await step('admin', id, 'youtube', 'submission', { channel: 'mailbox', submittedAt: SENT })).statusCode).toBe(403);
    expect(await snapshot(id)).toEqual(before);
  });
});

describe('decision (SOP 10.6) and the referral outcome', () => {
  it('closes the referral as removed when both platforms removed it', async () => {
    const id = await referredReferral();
    await ok(await submit(id, 'youtube'));
    await ok(await submit(id, 'tiktok'));
    const first = await ok(await decide(id, 'youtube', 'removed', '2026-03-09'));
    expect(first.status).toBe('referred');
    expect(pr(first, 'youtube')).toMatchObject({ status: 'removed', decision: 'removed', decidedOn: '2026-03-09', final: true });
    const r = await ok(await decide(id, 'tiktok', 'removed'));
    expect(r).toMatchObject({ status: 'closed', outcome: 'removed', closedAt: NOW.toISOString() });
  });

  it('closes the referral as partially_removed when one removed it and the other did not and no appeal is made (SOP 10.7)', async () => {
    const id = await referredReferral();
    await ok(await submit(id, 'youtube'));
    await ok(await submit(id, 'tiktok'));
    await ok(await decide(id, 'youtube', 'removed'));
    const notRemoved = await ok(await decide(id, 'tiktok', 'not_removed'));
    // Not removed is not final until the unit has considered an appeal.
    expect(notRemoved.status).toBe('referred');
    expect(pr(notRemoved, 'tiktok')).toMatchObject({ status: 'not_removed', decision: 'not_removed', final: false });
    const r = await ok(await appeal(id, 'tiktok', false, 'The platform removed the account; the video is now private'));
    expect(r).toMatchObject({ status: 'closed', outcome: 'partially_removed' });
    expect(pr(r, 'tiktok')).toMatchObject({
      status: 'not_removed',
      notAppealed: true,
      appealed: false,
      appealReason: 'The platform removed the account; the video is now private',
      final: true,
    });
  });

  it('closes the referral as not_removed when every appeal is upheld, mapping not_removed after an appeal to upheld', async () => {
    const id = await referredReferral();
    for (const p of ['youtube', 'tiktok']) {
      await ok(await submit(id, p));
      await ok(await decide(id, p, 'not_removed', '2026-03-09'));
      const appealed = await ok(await appeal(id, p, true));
      expect(pr(appealed, p)).toMatchObject({ status: 'appealed', appealed: true, appealReason: 'The video names a rival and a location' });
    }
    await ok(await decide(id, 'youtube', 'upheld'));
    const r = await ok(await decide(id, 'tiktok', 'not_removed'));
    expect(r).toMatchObject({ status: 'closed', outcome: 'not_removed' });
    for (const p of ['youtube', 'tiktok'])
      expect(pr(r, p)).toMatchObject({
        status: 'upheld',
        decision: 'not_removed',
        decidedOn: '2026-03-09',
        finalDecision: 'upheld',
        finalDecidedOn: '2026-03-10',
      });
  });

  it('records removal after an appeal as the final decision', async () => {
    const id = await referredReferral(['youtube']);
    await ok(await submit(id, 'youtube'));
    await ok(await decide(id, 'youtube', 'not_removed', '2026-03-09'));
    await ok(await appeal(id, 'youtube', true));
    const r = await ok(await decide(id, 'youtube', 'removed'));
    expect(r).toMatchObject({ status: 'closed', outcome: 'removed' });
    expect(pr(r, 'youtube')).toMatchObject({
      status: 'removed',
      decision: 'not_removed',
      finalDecision: 'removed',
      finalDecidedOn: '2026-03-10',
    });
  });

  it('refuses a decision dated before the submission with a 409 and changes nothing', async () => {
    const id = await referredReferral();
    await ok(await submit(id, 'youtube'));
    const before = await snapshot(id);
    const res = await decide(id, 'youtube', 'removed', '2026-03-08');
    expect(res.statusCode).toBe(409);
    expect(res.json().error).toContain('before the submission');
    expect(await snapshot(id)).toEqual(before);
  });

  it('refuses a decision before any submission, and upheld before an appeal, with a 409', async () => {
    const id = await referredReferral();
    const before = await snapshot(id);
    expect((await decide(id, 'youtube', 'removed')).statusCode).toBe(409);
    await ok(await submit(id, 'tiktok'));
    const mid = await snapshot(id);
    expect((await decide(id, 'tiktok', 'upheld')).statusCode).toBe(409);
    expect(await snapshot(id)).toEqual(mid);
    expect(before.events).toBeLessThan(mid.events);
  });

  it('refuses decidedOn in the future, or not a real date, with a 400 naming decidedOn', async () => {
    const id = await referredReferral();
    await ok(await submit(id, 'youtube'));
    for (const decidedOn of ['2026-03-11', '2026-02-30', '10/03/2026']) {
      const res = await decide(id, 'youtube', 'removed', decidedOn);
      expect(res.statusCode).toBe(400);
      expect(res.json().fields.map((f: { path: string }) => f.path)).toEqual(['decidedOn']);
    }
  });

  it('refuses an appeal without a reason (400 naming reason) and an appeal on a removed platform referral (409)', async () => {
    const id = await referredReferral();
    await ok(await submit(id, 'youtube'));
    await ok(await decide(id, 'youtube', 'not_removed'));
    const noReason = await step('operative', id, 'youtube', 'appeal', { appeal: true, reason: '  ' });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.json().fields.map((f: { path: string }) => f.path)).toEqual(['reason']);
    await ok(await submit(id, 'tiktok'));
    await ok(await decide(id, 'tiktok', 'removed'));
    expect((await appeal(id, 'tiktok', true)).statusCode).toBe(409);
  });

  it('appends each decision to the intelligence record when one exists (SOP 10.6)', async () => {
    const id = await referredReferral();
    // QA's approval made the record (SOP 10.4).
    expect(await t.db.select().from(intelligenceRecords).where(eq(intelligenceRecords.referralId, id))).toHaveLength(1);
    await ok(await submit(id, 'youtube'));
    await ok(await decide(id, 'youtube', 'not_removed', '2026-03-09'));
    await ok(await appeal(id, 'youtube', true));
    await ok(await decide(id, 'youtube', 'not_removed', '2026-03-10'));
    const [rec] = await t.db.select().from(intelligenceRecords).where(eq(intelligenceRecords.referralId, id));
    expect(rec!.decisions).toEqual([
      { platform: 'youtube', decision: 'not_removed', on: '2026-03-09' },
      { platform: 'youtube', decision: 'upheld', on: '2026-03-10' },
    ]);
    const [entry] = await t.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.entityId, id), sql`${auditLog.detail}->>'action' = 'platform_upheld'`));
    expect(entry!.detail).toMatchObject({ outcome: 'upheld', intelligenceRecord: true });
  });

  it('shows each step on the timeline with its platform, and the appeal reason as the comment (SOP 10.5-10.7)', async () => {
    const id = await referredReferral(['youtube']);
    await ok(await submit(id, 'youtube'));
    await ok(await decide(id, 'youtube', 'not_removed'));
    await ok(await appeal(id, 'youtube', true, 'Names a rival and a place'));
    const r = await ok(await decide(id, 'youtube', 'upheld'));
    const steps = r.timeline.filter((e: { platform?: string }) => e.platform);
    expect(steps).toEqual([
      expect.objectContaining({ action: 'platform_submitted', platform: 'youtube', actor: expect.objectContaining({ id: operative.id }) }),
      expect.objectContaining({ action: 'platform_not_removed', platform: 'youtube' }),
      expect.objectContaining({
        action: 'appeal_made',
        platform: 'youtube',
        comment: 'Names a rival and a place',
        actor: expect.objectContaining({ id: sergeant.id }),
      }),
      expect.objectContaining({ action: 'platform_upheld', platform: 'youtube' }),
    ]);
    // The requester sees the outcome of their referral.
    const mine = await t.app.inject({ method: 'GET', url: `/api/v1/referrals/${id}`, headers: h.requester });
    expect(mine.json()).toMatchObject({ status: 'closed', outcome: 'not_removed' });
  });
});

describe('pages (SOP 10.5-10.7)', () => {
  it('records a submission through the form, after correcting one error, and shows it on the referral', async () => {
    const id = await referredReferral();
    const b = await t.browser(operative);
    const detail = await b.get(`/referrals/${id}`);
    expect(detail.body).toContain('data-qa="platform-referrals"');
    expect(detail.body).toContain(`href="/referrals/${id}/platform-referrals/tiktok/submission"`);

    const form = await b.get(`/referrals/${id}/platform-referrals/tiktok/submission`);
    expect(form.statusCode).toBe(200);
    // SOP 10.5: TikTok takes referrals through a mailbox; the form starts from the directory.
    expect(form.body).toMatch(/value="mailbox" checked/);

    const bad = await b.post(`/referrals/${id}/platform-referrals/tiktok/submission`, {
      channel: 'mailbox',
      'submittedAt-day': '9',
      'submittedAt-month': '3',
      'submittedAt-year': '2026',
      submittedTime: '25:00',
      externalReference: 'TT-77',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('govuk-error-summary');
    expect(bad.body).toContain('href="#submittedTime"');
    expect(bad.body).toContain('value="TT-77"');

    const good = await b.post(`/referrals/${id}/platform-referrals/tiktok/submission`, {
      channel: 'mailbox',
      'submittedAt-day': '9',
      'submittedAt-month': '3',
      'submittedAt-year': '2026',
      submittedTime: '9:30',
      externalReference: 'TT-77',
    });
    expect(good.statusCode).toBe(303);
    expect(good.headers.location).toBe(`/referrals/${id}?platformDone=submission`);
    const [row] = await t.db
      .select()
      .from(platformReferrals)
      .where(and(eq(platformReferrals.referralId, id), eq(platformReferrals.platform, 'tiktok')));
    // 9:30 in London in March (GMT) is 09:30 UTC.
    expect(row).toMatchObject({ status: 'submitted', channel: 'mailbox', externalReference: 'TT-77', submittedAt: new Date(SENT) });
    const after = await b.get(`/referrals/${id}`);
    expect(after.body).toContain('TT-77');
  });

  it('records a decision and an appeal through the forms, each after one error', async () => {
    const id = await referredReferral(['youtube']);
    await ok(await submit(id, 'youtube'));
    const b = await t.browser(sergeant);
    const url = `/referrals/${id}/platform-referrals/youtube`;

    await b.get(`${url}/decision`);
    const bad = await b.post(`${url}/decision`, {
      outcome: 'not_removed',
      'decidedOn-day': '11',
      'decidedOn-month': '3',
      'decidedOn-year': '2026',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('href="#decidedOn-day"');
    expect(bad.body).toContain('today or in the past');
    const good = await b.post(`${url}/decision`, {
      outcome: 'not_removed',
      'decidedOn-day': '10',
      'decidedOn-month': '3',
      'decidedOn-year': '2026',
    });
    expect(good.statusCode).toBe(303);

    const detail = await b.get(`/referrals/${id}`);
    expect(detail.body).toContain(`href="${url}/appeal"`);
    await b.get(`${url}/appeal`);
    const noChoice = await b.post(`${url}/appeal`, { reason: 'Names a rival' });
    expect(noChoice.statusCode).toBe(400);
    expect(noChoice.body).toContain('href="#appeal"');
    expect(noChoice.body).toContain('Names a rival');
    const appealed = await b.post(`${url}/appeal`, { appeal: 'yes', reason: 'Names a rival' });
    expect(appealed.statusCode).toBe(303);

    // After an appeal the decision form offers removed or upheld.
    const final = await b.get(`${url}/decision`);
    expect(final.body).toContain('value="upheld"');
    await b.post(`${url}/decision`, { outcome: 'upheld', 'decidedOn-day': '10', 'decidedOn-month': '3', 'decidedOn-year': '2026' });
    const [r] = await t.db.select().from(referrals).where(eq(referrals.id, id));
    expect(r).toMatchObject({ status: 'closed', outcome: 'not_removed' });

    // The requester sees the outcome on My referrals.
    const mine = await (await t.browser(requester)).get('/referrals/mine');
    expect(mine.body).toContain('Not removed');
  });

  it('refuses the forms to a requester (403) and refuses a step the state does not allow (409)', async () => {
    const id = await referredReferral(['youtube']);
    const rb = await t.browser(requester);
    expect((await rb.get(`/referrals/${id}/platform-referrals/youtube/submission`)).statusCode).toBe(403);
    const ob = await t.browser(operative);
    expect((await ob.get(`/referrals/${id}/platform-referrals/youtube/decision`)).statusCode).toBe(409);
  });
});
