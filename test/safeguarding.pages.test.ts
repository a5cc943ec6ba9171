import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { referralSafeguarding } from '../src/db/schema/index.js';
import { referralIn } from './factories.js';
import { Browser, createTestApp, type TestApp, type TestUser } from './harness.js';

/**
 * DESIGN.md "Safeguarding (children and exploitation)" through the pages, as a browser without
 * JavaScript uses them: the intake question for a child subject, its place on check your answers,
 * the review's safeguarding fieldset, and the answers shown to the unit.
 */

const NOW = new Date('2026-03-10T10:00:00Z');

let t: TestApp;
let requester: TestUser;
let operative: TestUser;
let sergeant: TestUser;
let seq = 0;

beforeAll(async () => {
  t = await createTestApp({ clock: () => NOW });
  requester = await t.user(['requester'], { displayName: 'PC Zoë Adeyemi-Clarke' });
  operative = await t.user(['operative'], { displayName: 'DC Tomasz Wiśniewski' });
  sergeant = await t.user(['sergeant'], { displayName: 'DS Aoife Ní Bhriain' });
});
afterAll(() => t.close());

const INTAKE_DETAIL = 'Referred to Croydon MASH, ref MASH-26-0093 <b>urgent</b>';

/** Every question page up to the subjects, ending on "add a subject". */
async function upToSubjects(b: Browser) {
  seq++;
  await b.get('/referrals/new/content');
  await b.post('/referrals/new/content', {
    contentTitle: 'Video threatening a schoolgirl',
    contentUrl: `https://www.tiktok.com/@drill_crew/video/7${String(seq).padStart(9, '0')}`,
  });
  await b.post('/referrals/new/platforms', { platforms: ['tiktok'] });
  await b.post('/referrals/new/uploaded', {
    'contentUploadedOn-day': '2',
    'contentUploadedOn-month': '3',
    'contentUploadedOn-year': '2026',
  });
  await b.post('/referrals/new/incident-references', {});
  await b.post('/referrals/new/rationale', { rationale: 'Threatens a 12-year-old who is named in the video.' });
  expect((await b.post('/referrals/new/subjects', { hasSubjects: 'yes' })).headers.location).toBe('/referrals/new/subjects/add');
  await b.get('/referrals/new/subjects/add');
}

/** Sends the referral from check your answers; its id. */
async function send(b: Browser) {
  await b.get('/referrals/new/check');
  expect((await b.post('/referrals/new/check')).headers.location).toBe('/referrals/new/confirmation');
  return /href="\/referrals\/([0-9a-f-]{36})" data-qa="view-referral"/.exec((await b.get('/referrals/new/confirmation')).body)![1]!;
}

describe('intake: the safeguarding question for a child subject', () => {
  it('asks once a child is added, re-renders a missing answer with an error summary, shows the answer on check your answers with a change link', async () => {
    const b = await t.browser(requester);
    await upToSubjects(b);
    let res = await b.post('/referrals/new/subjects/add', { name: 'Amélie K.', category: 'victim', ageBand: 'under_13' });
    expect(res.headers.location).toBe('/referrals/new/safeguarding');

    const question = await b.get('/referrals/new/safeguarding');
    expect(question.statusCode).toBe(200);
    expect(question.body).toContain('What has been done to keep the child safe?');
    for (const action of ['referred', 'already_known', 'not_needed']) expect(question.body).toContain(`value="${action}"`);

    res = await b.post('/referrals/new/safeguarding', { action: '', detail: '  ' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('govuk-error-summary');
    expect(res.body).toContain('href="#action"');
    expect(res.body).toContain('href="#detail"');
    res = await b.post('/referrals/new/safeguarding', { action: 'referred', detail: '' });
    expect(res.statusCode).toBe(400);
    expect(res.body).not.toContain('href="#action"');
    expect(res.body).toContain('href="#detail"');
    // What was typed is kept.
    expect(res.body).toMatch(/value="referred" checked/);

    res = await b.post('/referrals/new/safeguarding', { action: 'referred', detail: INTAKE_DETAIL });
    expect(res.headers.location).toBe('/referrals/new/subjects/list');
    // A second child does not ask again.
    await b.get('/referrals/new/subjects/add');
    res = await b.post('/referrals/new/subjects/add', { name: '@yungbrixton', category: 'suspect', ageBand: '16_17' });
    expect(res.headers.location).toBe('/referrals/new/subjects/list');

    let check = await b.get('/referrals/new/check');
    expect(check.statusCode).toBe(200);
    expect(check.body).toContain('Referred to a safeguarding team');
    expect(check.body).toContain('Referred to Croydon MASH, ref MASH-26-0093 &lt;b&gt;urgent&lt;/b&gt;');
    expect(check.body).toContain('href="/referrals/new/safeguarding"');

    // Changed from check your answers, it comes back there.
    await b.get('/referrals/new/safeguarding');
    res = await b.post('/referrals/new/safeguarding', { action: 'already_known', detail: INTAKE_DETAIL });
    expect(res.headers.location).toBe('/referrals/new/check');
    check = await b.get('/referrals/new/check');
    expect(check.body).toContain('Already known to a safeguarding team');

    const id = await send(b);
    const rows = await t.db.select().from(referralSafeguarding).where(eq(referralSafeguarding.referralId, id));
    expect(rows).toEqual([
      expect.objectContaining({ stage: 'intake', action: 'already_known', detail: INTAKE_DETAIL, recordedBy: requester.id }),
    ]);

    // The unit sees the answer and its timeline entry on the referral page.
    const unit = await (await t.browser(operative)).get(`/referrals/${id}`);
    expect(unit.body).toContain('data-qa="safeguarding-answers"');
    expect(unit.body).toContain('Requester, at intake');
    expect(unit.body).toContain('Referred to Croydon MASH, ref MASH-26-0093 &lt;b&gt;urgent&lt;/b&gt;');
    expect(unit.body).toContain('Recorded by PC Zoë Adeyemi-Clarke');
    expect(unit.body).toContain('Safeguarding answer recorded');
    // The requester's own page does not carry the unit's safeguarding panel.
    expect((await b.get(`/referrals/${id}`)).body).not.toContain('data-qa="safeguarding-answers"');
  });

  it('check your answers will not send a child subject without the answer, and links to the question', async () => {
    const b = await t.browser(requester);
    await upToSubjects(b);
    await b.post('/referrals/new/subjects/add', { name: 'Child Unnamed', category: 'witness', ageBand: '13_15' });
    const check = await b.get('/referrals/new/check');
    expect(check.statusCode).toBe(400);
    expect(check.body).toContain('Not answered');
    expect(check.body).toContain('Answer what has been done to keep the child safe');
    expect(check.body).not.toContain('data-qa="submit-referral"');
    expect((await b.post('/referrals/new/check')).statusCode).toBe(400);
  });

  it('does not ask for adults or an unknown age, and a removed child takes the answer out of the referral', async () => {
    const b = await t.browser(requester);
    await upToSubjects(b);
    let res = await b.post('/referrals/new/subjects/add', { name: 'Marcus Owusu-Ansah', category: 'suspect', ageBand: '25_plus' });
    expect(res.headers.location).toBe('/referrals/new/subjects/list');
    await b.get('/referrals/new/subjects/add');
    res = await b.post('/referrals/new/subjects/add', { name: 'dr1ll_ghost', category: 'other', ageBand: 'unknown' });
    expect(res.headers.location).toBe('/referrals/new/subjects/list');
    expect((await b.get('/referrals/new/safeguarding')).headers.location).toBe('/referrals/new/subjects/list');
    await b.get('/referrals/new/subjects/add');
    res = await b.post('/referrals/new/subjects/add', { name: 'Little Sis', category: 'victim', ageBand: 'under_13' });
    expect(res.headers.location).toBe('/referrals/new/safeguarding');
    await b.get('/referrals/new/safeguarding');
    await b.post('/referrals/new/safeguarding', { action: 'not_needed', detail: 'She is safe at home with her mother' });
    await b.get('/referrals/new/subjects/list');
    await b.post('/referrals/new/subjects/2/remove');
    const check = await b.get('/referrals/new/check');
    expect(check.statusCode).toBe(200);
    expect(check.body).not.toContain('href="/referrals/new/safeguarding"');
    const id = await send(b);
    expect(await t.db.select().from(referralSafeguarding).where(eq(referralSafeguarding.referralId, id))).toEqual([]);
  });
});

describe('review page: the safeguarding fieldset', () => {
  const form = (over: Record<string, string | string[]> = {}) => ({
    contentFormat: 'video',
    researchSummary: 'Nothing further on indices.',
    'reviewedOn-day': '10',
    'reviewedOn-month': '3',
    'reviewedOn-year': '2026',
    outcome: 'no_further_action',
    rationale: 'Does not breach the platform’s terms.',
    // The preview's "Send to QA" step (issue 10.6); the preview itself is checked below.
    step: 'send',
    ...over,
  });

  /** A referral with a child subject and the requester's answer, claimed by the operative (and sent to QA with `review`). */
  async function childReferral(review?: Record<string, unknown>) {
    seq++;
    const referral = {
      contentTitle: 'Video threatening a schoolgirl',
      contentUrl: `https://www.tiktok.com/@drill_crew/video/8${String(seq).padStart(9, '0')}`,
      platforms: ['tiktok'],
      contentUploadedOn: '2026-03-02',
      incidentReferences: [],
      rationale: 'Threatens a child.',
      subjects: [{ name: 'Amélie K.', category: 'victim', ageBand: 'under_13' }],
      safeguarding: { action: 'referred', detail: INTAKE_DETAIL },
    };
    return (await referralIn(t, review ? 'awaiting_qa' : 'in_review', { people: { requester, operative }, referral, review })).id;
  }

  it('shows the intake answer, refuses a review without the reviewer’s answer with errors linking to the fields, then records it for the unit and QA', async () => {
    const id = await childReferral();
    const b = await t.browser(operative);
    const page = await b.get(`/referrals/${id}/review`);
    expect(page.body).toContain('data-qa="safeguarding-fieldset"');
    expect(page.body).toContain('Required: a subject is under 18');
    expect(page.body).toContain('data-qa="safeguarding-intake"');
    expect(page.body).toContain('Referred to Croydon MASH, ref MASH-26-0093 &lt;b&gt;urgent&lt;/b&gt;');
    // Not pre-filled from the requester: the reviewer's answer is their own.
    expect(page.body).not.toMatch(/name="safeguardingAction"[^>]*value="referred" checked/);

    // Neither the preview nor the send goes ahead without the answer.
    expect((await b.post(`/referrals/${id}/review`, form({ step: '' }))).statusCode).toBe(400);
    let res = await b.post(`/referrals/${id}/review`, form());
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('govuk-error-summary');
    expect(res.body).toContain('href="#safeguardingAction"');
    expect(res.body).toContain('Record what has been done to safeguard the child');
    res = await b.post(`/referrals/${id}/review`, form({ safeguardingAction: 'already_known' }));
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('href="#safeguardingDetail"');
    res = await b.post(
      `/referrals/${id}/review`,
      form({ safeguardingAction: 'already_known', safeguardingDetail: 'Open case with Croydon CSC, ref CSC/4471' }),
    );
    expect(res.statusCode, res.body.slice(0, 300)).toBe(302);

    const detail = await b.get(`/referrals/${id}`);
    expect(detail.body).toContain('Reviewer, at review');
    expect(detail.body).toContain('Open case with Croydon CSC, ref CSC/4471');
    expect(detail.body).toContain('Recorded by DC Tomasz Wiśniewski');
  });

  it('an adult referral needs an answer only when exploitation is ticked (SOP 9.2.7)', async () => {
    seq++;
    const referral = {
      contentTitle: 'Video recruiting runners',
      contentUrl: `https://www.tiktok.com/@drill_crew/video/9${String(seq).padStart(9, '0')}`,
      platforms: ['tiktok'],
      contentUploadedOn: '2026-03-02',
      incidentReferences: [],
      rationale: 'Recruits young people to sell drugs.',
      subjects: [],
    };
    const { id } = await referralIn(t, 'in_review', { people: { requester, operative }, referral });
    const b = await t.browser(operative);
    const page = await b.get(`/referrals/${id}/review`);
    expect(page.body).toContain('Required if you found concerns of exploitation');
    const refused = await b.post(`/referrals/${id}/review`, form({ factors: 'exploitation_concern' }));
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain('href="#safeguardingAction"');
    expect((await b.post(`/referrals/${id}/review`, form())).statusCode).toBe(302);
  });

  it('the sergeant sees the answers on the QA page', async () => {
    const id = await childReferral({
      factors: [],
      researchSummary: 'Nothing further.',
      rationale: 'Threatens a child.',
      platformReferrals: [{ platform: 'tiktok', termsBreached: ['youth_safety'], draft: 'Please remove {{contentUrl}}.' }],
      safeguarding: { action: 'referred', detail: 'Croydon MASH again, ref MASH-26-0101' },
    });
    const qa = await (await t.browser(sergeant)).get(`/referrals/${id}/qa`);
    expect(qa.statusCode).toBe(200);
    expect(qa.body).toContain('data-qa="safeguarding-answers"');
    expect(qa.body).toContain('Croydon MASH again, ref MASH-26-0101');
    expect(qa.body).toContain('Requester, at intake');
  });
});
