import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, platformReferrals, referralEvents, referrals, reviews } from '../src/db/schema/index.js';
import { referralIn } from './factories.js';
import { actorOf, createTestApp, type TestApp, type TestUser } from './harness.js';

// A fixed "now": 10 March 2026 in London. Referrals are submitted today.
const NOW = new Date('2026-03-10T10:00:00Z');

let t: TestApp;
let requester: TestUser;
let operative: TestUser;
let other: TestUser;

beforeAll(async () => {
  t = await createTestApp({ clock: () => NOW });
  requester = await t.user(['requester']);
  operative = await t.user(['operative']);
  other = await t.user(['operative']);
});
afterAll(() => t.close());

const post = async (u: TestUser, url: string, payload: unknown) => (await t.api(u)).post(url, payload);
const get = async (u: TestUser, url: string) => (await t.api(u)).get(url);

/** A submitted referral on YouTube and Instagram, claimed by `by` (operative unless said). */
async function claimedReferral(over: Record<string, unknown> = {}, by: TestUser | null = operative) {
  const referral = {
    contentTitle: 'Drill video goading a rival group',
    platforms: ['youtube', 'instagram'],
    incidentReferences: [{ system: 'CAD', reference: '4512/22FEB26' }],
    rationale: 'Taunts a rival group after a stabbing.',
    subjects: [],
    ...over,
  };
  return (await referralIn(t, by ? 'in_review' : 'submitted', { people: { requester, operative: by ?? operative }, referral })).id;
}

const refer = (over: Record<string, unknown> = {}) => ({
  contentFormat: 'video',
  factors: ['inflammatory_language', { factor: 'gang_affiliated_subjects', note: 'Wears the group’s colours' }],
  researchSummary: 'Two linked stabbings on indices this year.',
  researchReferences: 'CRIMINT 123456',
  reviewedOn: '2026-03-10',
  outcome: 'refer',
  rationale: 'Goads a rival group in a way likely to provoke violence.',
  platformReferrals: [
    {
      platform: 'youtube',
      termsBreached: ['violent_criminal_organisations', 'harassment_cyberbullying'],
      draft: 'Please remove {{contentUrl}}.\n{{termsBreached}}',
    },
  ],
  ...over,
});
const nfa = (over: Record<string, unknown> = {}) => ({ ...refer(), outcome: 'no_further_action', platformReferrals: [], ...over });

async function stored(id: string) {
  const [r] = await t.db.select({ status: referrals.status, outcome: referrals.outcome }).from(referrals).where(eq(referrals.id, id));
  const n = async (table: typeof reviews | typeof platformReferrals | typeof referralEvents) =>
    (
      await t.db
        .select({ n: sql<number>`count(*)::int` })
        .from(table)
        .where(eq(table.referralId, id))
    )[0]!.n;
  const alters = (
    await t.db
      .select({ n: sql<number>`count(*)::int` })
      .from(auditLog)
      .where(and(eq(auditLog.entityId, id), eq(auditLog.operation, 'alter')))
  )[0]!.n;
  return { ...r!, reviews: await n(reviews), platformReferrals: await n(platformReferrals), events: await n(referralEvents), alters };
}

async function expect400(u: TestUser, id: string, payload: unknown, path: string) {
  const before = await stored(id);
  const res = await post(u, `/api/v1/referrals/${id}/review`, payload);
  expect(res.status).toBe(400);
  const field = res.json.fields.find((f: { path: string }) => f.path === path);
  expect(field, JSON.stringify(res.json)).toBeTruthy();
  expect(await stored(id)).toEqual(before);
  return field.message as string;
}

describe('POST /api/v1/referrals/{id}/review (SOP 9, 8.6)', () => {
  it('no further action closes the referral with its outcome, with one event and one audit entry (SOP 8.6.2)', async () => {
    const id = await claimedReferral();
    const before = await stored(id);
    const res = await post(operative, `/api/v1/referrals/${id}/review`, nfa());
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ id, status: 'closed', outcome: 'no_further_action', platformReferrals: [] });
    expect(res.json.timeline.at(-1)).toMatchObject({ action: 'reviewed_no_further_action', actor: { id: operative.id } });
    const after = await stored(id);
    expect(after).toMatchObject({ reviews: 1, platformReferrals: 0, events: before.events + 1, alters: before.alters + 1 });
    const [row] = await t.db.select().from(reviews).where(eq(reviews.referralId, id));
    expect(row).toMatchObject({
      reviewerId: operative.id,
      contentFormat: 'video',
      outcome: 'no_further_action',
      reviewedOn: '2026-03-10',
      factors: [
        { factor: 'inflammatory_language', note: '' },
        { factor: 'gang_affiliated_subjects', note: 'Wears the group’s colours' },
      ],
    });
  });

  it('refer sends drafts to QA: awaiting_qa, platform referrals drafted with their terms, placeholders filled', async () => {
    const id = await claimedReferral();
    const res = await post(operative, `/api/v1/referrals/${id}/review`, refer());
    expect(res.status).toBe(200);
    const r = res.json;
    expect(r.status).toBe('awaiting_qa');
    expect(r.draftAuthorId).toBe(operative.id);
    expect(r.platformReferrals).toEqual([
      expect.objectContaining({
        platform: 'youtube',
        status: 'drafted',
        termsBreached: ['violent_criminal_organisations', 'harassment_cyberbullying'],
        draft: `Please remove ${r.contentUrl}.\nViolent criminal organisations\nHarassment and cyberbullying`,
      }),
    ]);
  });

  it('refuses a clause that is not in the platform directory at its exact path, storing nothing (SOP 9.4)', async () => {
    const id = await claimedReferral();
    const body = refer({
      platformReferrals: [
        { platform: 'youtube', termsBreached: ['firearms'], draft: 'Please remove it.' },
        { platform: 'instagram', termsBreached: ['violence_incitement', 'firearms'], draft: 'Please remove it.' },
      ],
    });
    const message = await expect400(operative, id, body, 'platformReferrals[1].termsBreached[1]');
    expect(message).toContain('firearms');
  });

  it('refuses a platform that is not one of the referral’s (SOP 8.6.4)', async () => {
    const id = await claimedReferral();
    await expect400(
      operative,
      id,
      refer({ platformReferrals: [{ platform: 'tiktok', termsBreached: ['violent_behaviour'], draft: 'x' }] }),
      'platformReferrals[0].platform',
    );
  });

  it('refuses refer without platforms, NFA with platforms, a repeated factor, and a review date before submission or in the future', async () => {
    const id = await claimedReferral();
    await expect400(operative, id, refer({ platformReferrals: [] }), 'platformReferrals');
    await expect400(operative, id, nfa({ platformReferrals: refer().platformReferrals }), 'platformReferrals');
    await expect400(operative, id, refer({ factors: ['humiliation', { factor: 'humiliation', note: 'x' }] }), 'factors[1]');
    await expect400(operative, id, refer({ reviewedOn: '2026-03-09' }), 'reviewedOn');
    await expect400(operative, id, refer({ reviewedOn: '2026-03-11' }), 'reviewedOn');
    await expect400(operative, id, refer({ reviewedOn: '2026-02-30' }), 'reviewedOn');
    await expect400(operative, id, refer({ contentFormat: 'hologram' }), 'contentFormat');
  });

  it('refuses anyone but the assignee with 403 and changes nothing', async () => {
    const id = await claimedReferral();
    const before = await stored(id);
    const res = await post(other, `/api/v1/referrals/${id}/review`, refer());
    expect(res.status).toBe(403);
    expect(await stored(id)).toEqual(before);
    expect((await post(requester, `/api/v1/referrals/${id}/review`, refer())).status).toBe(403);
  });

  it('refuses a review in the wrong state with 409 and changes nothing', async () => {
    const id = await claimedReferral({}, null);
    const before = await stored(id);
    expect((await post(operative, `/api/v1/referrals/${id}/review`, refer())).status).toBe(409);
    expect(await stored(id)).toEqual(before);
    const reviewed = await claimedReferral();
    expect((await post(operative, `/api/v1/referrals/${reviewed}/review`, refer())).status).toBe(200);
    expect((await post(operative, `/api/v1/referrals/${reviewed}/review`, refer())).status).toBe(409);
  });
});

describe('data-sharing guard on drafts (SOP 6.4)', () => {
  const subjects = [
    { name: 'Jordan Mensah-Clarke', category: 'suspect', ageBand: '18_24', dateOfBirth: '2004-07-14' },
    { name: '@drill_king99', category: 'suspect', ageBand: 'unknown' },
  ];
  const leaky = (draft: string, platform = 'youtube', terms = ['firearms']) =>
    refer({
      platformReferrals: [
        { platform: 'instagram', termsBreached: ['violence_incitement'], draft: 'Clean text.' },
        { platform, termsBreached: terms, draft },
      ],
    });

  const cases: [string, string, string][] = [
    ['a subject name', 'The video shows jordan   MENSAH clarke with a knife.', 'jordan MENSAH clarke'],
    ['a subject name, surname first', 'Suspect: MENSAH-CLARKE, Jordan.', 'MENSAH-CLARKE, Jordan'],
    ['a handle-like name, without its @ and with its separators changed', 'Posted by Drill.King.99 yesterday.', 'Drill.King.99'],
    ['a handle in another case', 'Uploaded by @DRILL_KING99.', '@DRILL_KING99'],
    ['a date of birth, day first', 'Born 14/07/2004.', '14/07/2004'],
    ['a date of birth in words', 'Born on the 14th of July 2004.', '14th of July 2004'],
    ['a date of birth, ISO', 'DOB 2004-07-14.', '2004-07-14'],
    ['a date of birth with spaces', 'DOB 14 . 7 . 04', '14 . 7 . 04'],
    ['an incident reference', 'See CAD 4512/22FEB26.', 'CAD 4512/22FEB26'],
    ['an incident reference without its system, in lower case with spacing', 'ref 4512 / 22 feb 26', '4512 / 22 feb 26'],
  ];
  for (const [kind, draft, words] of cases) {
    it(`catches ${kind} at platformReferrals[i].draft, quoting the words whole, and stores nothing`, async () => {
      const id = await claimedReferral({ subjects });
      const message = await expect400(operative, id, leaky(draft), 'platformReferrals[1].draft');
      expect(message).toContain('a platform gets only what the content itself shows (SOP 6.4)');
      expect(message).toContain(`“${words}”`);
    });
  }

  describe('a subject recorded as "Jayden Doe (@jd_drill)" (issue 10: only the exact string was stopped)', () => {
    const jayden = [{ name: 'Jayden Doe (@jd_drill)', category: 'suspect', ageBand: '18_24', dateOfBirth: '2005-03-03' }];
    const drafted = (draft: string) => refer({ platformReferrals: [{ platform: 'youtube', termsBreached: ['firearms'], draft }] });

    it('refuses "J. Doe" with a 400 naming platformReferrals[0].draft and quoting it', async () => {
      const id = await claimedReferral({ subjects: jayden });
      const message = await expect400(operative, id, drafted('Uploaded by J. Doe last week.'), 'platformReferrals[0].draft');
      expect(message).toBe(
        'The draft for YouTube names a subject (“J. Doe”): a platform gets only what the content itself shows (SOP 6.4), so take it out',
      );
    });

    it.each([
      ['Jayden Doe', 'names a subject (“Jayden Doe”)'],
      ['@jd_drill', 'names a subject (“@jd_drill”)'],
      ['jd_drill', 'names a subject (“jd_drill”)'],
      ['Doe, Jayden', 'names a subject (“Doe, Jayden”)'],
      ['Doe, Jayden (@jd_dr1ll), 3.3.05', 'names a subject (“Doe, Jayden”, “@jd_dr1ll”) and gives a date of birth (“3.3.05”)'],
    ])('refuses %j', async (words, said) => {
      const id = await claimedReferral({ subjects: jayden });
      const message = await expect400(operative, id, drafted(`Uploaded by ${words} last week.`), 'platformReferrals[0].draft');
      expect(message).toContain(said);
    });

    it('lets the draft repeat the content’s own address, which shows the handle, but not the handle beside it', async () => {
      const contentUrl = `https://www.instagram.com/jd_drill/reel/Cshown1x`;
      const shown = await claimedReferral({ subjects: jayden, contentUrl });
      expect((await post(operative, `/api/v1/referrals/${shown}/review`, drafted('Please remove {{contentUrl}}.'))).status).toBe(200);
      const id = await claimedReferral({ subjects: jayden, contentUrl: `${contentUrl}y` });
      const message = await expect400(operative, id, drafted('Please remove {{contentUrl}} by @jd_drill.'), 'platformReferrals[0].draft');
      expect(message).toContain('names a subject (“@jd_drill”)');
    });

    it('lets through a draft whose only likeness is an ordinary word ("a doe", "drill")', async () => {
      const id = await claimedReferral({ subjects: [...jayden, { name: 'Will', category: 'witness', ageBand: 'unknown' }] });
      const res = await post(operative, `/api/v1/referrals/${id}/review`, drafted('A UK drill video; the platform will see a doe.'));
      expect(res.status).toBe(200);
    });
  });

  it('catches personal data the review rationale brings in through {{rationale}}', async () => {
    const id = await claimedReferral({ subjects });
    await expect400(
      operative,
      id,
      { ...leaky('Why: {{rationale}}'), rationale: 'Jordan Mensah-Clarke goads rivals.' },
      'platformReferrals[1].draft',
    );
  });

  it('lets a clean draft through', async () => {
    const id = await claimedReferral({ subjects });
    const res = await post(operative, `/api/v1/referrals/${id}/review`, leaky('A masked man waves a machete and names a rival estate.'));
    expect(res.status).toBe(200);
  });
});

describe('GET /api/v1/referrals/{id}/draft (SOP 10.1)', () => {
  it('fills the platform template with the content, platform, clause titles and rationale', async () => {
    const id = await claimedReferral();
    const res = await get(
      operative,
      `/api/v1/referrals/${id}/draft?platform=youtube&termsBreached=firearms&termsBreached=hate_speech&rationale=Goads%20rivals`,
    );
    expect(res.status).toBe(200);
    const { draft } = res.json;
    expect(draft).toContain('Content: Drill video goading a rival group');
    expect(draft).toContain('Platform: YouTube');
    expect(draft).toContain('Firearms\nHate speech');
    expect(draft).toContain('Why: Goads rivals');
    expect(draft).not.toContain('{{');
  });

  it('leaves the terms and rationale placeholders when they are not given, and refuses other platforms and clauses', async () => {
    const id = await claimedReferral();
    const { draft } = (await get(operative, `/api/v1/referrals/${id}/draft?platform=instagram`)).json;
    expect(draft).toContain('{{termsBreached}}');
    expect(draft).toContain('{{rationale}}');
    const wrong = await get(operative, `/api/v1/referrals/${id}/draft?platform=tiktok`);
    expect(wrong.status).toBe(400);
    expect(wrong.json.fields[0].path).toBe('platform');
    const clause = await get(operative, `/api/v1/referrals/${id}/draft?platform=youtube&termsBreached=nope`);
    expect(clause.json.fields[0].path).toBe('termsBreached[0]');
    expect((await get(requester, `/api/v1/referrals/${id}/draft?platform=youtube`)).status).toBe(403);
  });
});

describe('review page (/referrals/{id}/review)', () => {
  it('round trip: the assignee opens it from the referral page, one error re-renders with the summary, then it goes to QA', async () => {
    const id = await claimedReferral({ subjects: [{ name: 'Jordan Mensah', category: 'suspect', ageBand: 'unknown' }] });
    const b = await t.browser(operative);
    const detail = await b.get(`/referrals/${id}`);
    expect(detail.body).toContain(`href="/referrals/${id}/review" data-qa="review-and-assess"`);
    expect((await (await t.browser(other)).get(`/referrals/${id}`)).body).not.toContain('data-qa="review-and-assess"');

    const page = await b.get(`/referrals/${id}/review`);
    expect(page.statusCode).toBe(200);
    // SOP 10.1: the draft is pre-filled from the template; what the review fills reads as plain words (issue 10).
    expect(page.body).toContain('Platform: YouTube');
    expect(page.body).toContain('[the terms you tick above]');
    expect(page.body).not.toMatch(/\{\{\s*\w+\s*\}\}/);
    const draft = /<textarea[^>]*id="draft_youtube"[^>]*>([\s\S]*?)<\/textarea>/
      .exec(page.body)![1]!
      .replace(/&#123;/g, '{')
      .trim();

    const form = {
      contentFormat: 'video',
      factors: ['inflammatory_language', 'humiliation'],
      note_inflammatory_language: 'Names the rival estate',
      note_humiliation: '',
      researchSummary: 'Two linked stabbings.',
      researchReferences: '',
      'reviewedOn-day': '10',
      'reviewedOn-month': '3',
      'reviewedOn-year': '2026',
      outcome: 'refer',
      rationale: 'Goads a rival group.',
      refer_youtube: 'yes',
      terms_youtube: ['firearms'],
      // The leak: a subject's name in the draft (SOP 6.4).
      draft_youtube: `${decodeEntities(draft)}\nShows JORDAN mensah.`,
      draft_instagram: 'not referred',
    };
    const bad = await b.post(`/referrals/${id}/review`, form);
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('govuk-error-summary');
    expect(bad.body).toContain('href="#draft_youtube"');
    expect(bad.body).toContain('JORDAN mensah');
    expect((await stored(id)).status).toBe('in_review');

    // Issue 10: a preview of what the platform will get, then "Send to QA" posts the same values back.
    const preview = await b.post(`/referrals/${id}/review`, { ...form, draft_youtube: decodeEntities(draft) });
    expect(preview.statusCode).toBe(200);
    expect(preview.body).toMatch(/data-qa="preview-draft-youtube">[^<]*Platform: YouTube[^<]*Firearms[^<]*Why: Goads a rival group\./);
    expect(preview.body).not.toContain('data-qa="preview-draft-instagram"');
    expect((await stored(id)).status).toBe('in_review');
    const ok = await b.post(`/referrals/${id}/review`, { ...form, draft_youtube: decodeEntities(draft), step: 'send' });
    expect(ok.statusCode).toBe(302);
    expect(ok.headers.location).toBe(`/referrals/${id}?reviewed=qa`);
    const r = await t.services.referrals.forCasework(actorOf(operative), id);
    expect(r.status).toBe('awaiting_qa');
    expect(r.platformReferrals).toEqual([expect.objectContaining({ platform: 'youtube', termsBreached: ['firearms'] })]);
    expect(r.platformReferrals[0]!.draft).toContain('Firearms');
    expect(r.platformReferrals[0]!.draft).toContain('Why: Goads a rival group.');
    const [row] = await t.db.select().from(reviews).where(eq(reviews.referralId, id));
    expect(row!.factors).toEqual([
      { factor: 'inflammatory_language', note: 'Names the rival estate' },
      { factor: 'humiliation', note: '' },
    ]);
  });

  it('a missing date and outcome link to their fields; no further action through the page closes it', async () => {
    const id = await claimedReferral();
    const b = await t.browser(operative);
    await b.get(`/referrals/${id}/review`);
    const base = { contentFormat: 'image', researchSummary: 'Nothing on indices.', rationale: 'Not in breach.' };
    const bad = await b.post(`/referrals/${id}/review`, { ...base, 'reviewedOn-day': '', 'reviewedOn-month': '', 'reviewedOn-year': '' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('href="#reviewedOn-day"');
    expect(bad.body).toContain('href="#outcome"');
    const ok = await b.post(`/referrals/${id}/review`, {
      ...base,
      outcome: 'no_further_action',
      'reviewedOn-day': '10',
      'reviewedOn-month': '3',
      'reviewedOn-year': '2026',
      refer_youtube: 'yes',
      step: 'send',
    });
    expect(ok.statusCode).toBe(302);
    expect(await stored(id)).toMatchObject({ status: 'closed', outcome: 'no_further_action', platformReferrals: 0 });
    expect((await b.get(`/referrals/${id}/review`)).statusCode).toBe(409);
  });
});

function decodeEntities(s: string) {
  return s
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}
