import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, referrals, sessions } from '../src/db/schema/index.js';
import { Browser, createTestApp, type TestApp, type TestUser } from './harness.js';

const NOW = new Date('2026-03-10T10:00:00Z');

let t: TestApp;
let requester: TestUser;
let second: TestUser;
let operative: TestUser;
let admin: TestUser;

beforeAll(async () => {
  t = await createTestApp({ clock: () => NOW });
  requester = await t.user(['requester'], { displayName: 'PC Amy Jones' });
  second = await t.user(['requester'], { displayName: 'PC Ben Cole' });
  operative = await t.user(['operative']);
  admin = await t.user(['admin']);
});
afterAll(() => t.close());

const referralCount = async () => (await t.db.select({ n: sql<number>`count(*)::int` }).from(referrals))[0]!.n;

/** Every question page answered correctly, as a browser would, ending on check your answers. */
async function answerAll(b: Browser, url: string, platforms: string[] = ['youtube']) {
  await b.get('/referrals/new/content');
  expect((await b.post('/referrals/new/content', { contentTitle: 'Drill video', contentUrl: url })).statusCode).toBe(302);
  expect((await b.post('/referrals/new/platforms', { platforms })).statusCode).toBe(302);
  expect(
    (
      await b.post('/referrals/new/uploaded', {
        'contentUploadedOn-day': '1',
        'contentUploadedOn-month': '3',
        'contentUploadedOn-year': '2026',
      })
    ).statusCode,
  ).toBe(302);
  expect((await b.post('/referrals/new/incident-references', {})).statusCode).toBe(302);
  expect((await b.post('/referrals/new/rationale', { rationale: 'Threatens a rival group.' })).statusCode).toBe(302);
  expect((await b.post('/referrals/new/subjects', { hasSubjects: 'no' })).headers.location).toBe('/referrals/new/check');
  return b.get('/referrals/new/check');
}

describe('referral question pages (SOP 8.3, 8.4)', () => {
  it('takes a requester through every page, with an error corrected, to check answers, submission and confirmation', async () => {
    const b = await t.browser(requester);
    const start = await b.get('/referrals/new');
    expect(start.statusCode).toBe(200);
    expect(start.body).toContain('data-qa="start"');

    // SOP 8.3.4-8.3.5: a URL that is not http(s) is refused, with the summary linking to the field.
    await b.get('/referrals/new/content');
    let res = await b.post('/referrals/new/content', {
      contentTitle: 'Drill video naming a rival group',
      contentUrl: 'ftp://example.org/v.mp4',
    });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('There is a problem');
    expect(res.body).toContain('href="#contentUrl"');
    expect(res.body).toContain('id="contentUrl"');
    expect(res.body).toContain('Enter a URL starting with http:// or https://');
    // What was typed is kept.
    expect(res.body).toContain('value="Drill video naming a rival group"');
    res = await b.post('/referrals/new/content', {
      contentTitle: 'Drill video naming a rival group',
      contentUrl: 'https://youtu.be/PaGeJourney1',
    });
    expect(res.headers.location).toBe('/referrals/new/platforms');

    // SOP 8.3.6: at least one platform from the directory.
    res = await b.post('/referrals/new/platforms', {});
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('href="#platforms"');
    const platformsPage = await b.get('/referrals/new/platforms');
    expect(platformsPage.body).toContain('value="tiktok"');
    res = await b.post('/referrals/new/platforms', { platforms: ['youtube', 'instagram'] });
    expect(res.headers.location).toBe('/referrals/new/uploaded');

    // SOP 8.3.2: a missing part links to that part; an impossible date to the day.
    res = await b.post('/referrals/new/uploaded', {
      'contentUploadedOn-day': '3',
      'contentUploadedOn-month': '',
      'contentUploadedOn-year': '2026',
    });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('href="#contentUploadedOn-month"');
    expect(res.body).toContain('must include a month');
    res = await b.post('/referrals/new/uploaded', {
      'contentUploadedOn-day': '30',
      'contentUploadedOn-month': '2',
      'contentUploadedOn-year': '2026',
    });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('href="#contentUploadedOn-day"');
    expect(res.body).toContain('must be a real date');
    res = await b.post('/referrals/new/uploaded', {
      'contentUploadedOn-day': '11',
      'contentUploadedOn-month': '3',
      'contentUploadedOn-year': '2026',
    });
    expect(res.body).toContain('must be today or in the past');
    res = await b.post('/referrals/new/uploaded', {
      'contentUploadedOn-day': '1',
      'contentUploadedOn-month': '3',
      'contentUploadedOn-year': '2026',
    });
    expect(res.headers.location).toBe('/referrals/new/incident-references');

    // SOP 8.3.3: a row with a reference but no system names that row.
    res = await b.post('/referrals/new/incident-references', {
      'system-0': 'CAD',
      'reference-0': '1234/01MAR26',
      'system-1': '',
      'reference-1': '0101234/26',
    });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('href="#incidentReferences-1-system"');
    expect(res.body).toContain('id="incidentReferences-1-system"');
    res = await b.post('/referrals/new/incident-references', {
      'system-0': 'CAD',
      'reference-0': '1234/01MAR26',
      'system-1': 'CRIS',
      'reference-1': '0101234/26',
    });
    expect(res.headers.location).toBe('/referrals/new/rationale');

    // SOP 8.3.7
    res = await b.post('/referrals/new/rationale', { rationale: '  ' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('href="#rationale"');
    res = await b.post('/referrals/new/rationale', { rationale: "Threatens a named rival group after last week's stabbing." });
    expect(res.headers.location).toBe('/referrals/new/subjects');

    // SOP 8.4.1: subjects only where known; the age band is never left blank.
    res = await b.post('/referrals/new/subjects', {});
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('href="#hasSubjects"');
    res = await b.post('/referrals/new/subjects', { hasSubjects: 'yes' });
    expect(res.headers.location).toBe('/referrals/new/subjects/add');
    await b.get('/referrals/new/subjects/add');
    res = await b.post('/referrals/new/subjects/add', { name: '@rival_handle', category: 'suspect' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('href="#ageBand"');
    res = await b.post('/referrals/new/subjects/add', {
      name: '@rival_handle',
      category: 'suspect',
      ageBand: '18_24',
      'dateOfBirth-day': '1',
      'dateOfBirth-month': '6',
      'dateOfBirth-year': '2012',
    });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('href="#dateOfBirth-day"');
    expect(res.body).toContain('13 to 15');
    res = await b.post('/referrals/new/subjects/add', { name: '@rival_handle', category: 'suspect', ageBand: '16_17' });
    // A child subject brings the safeguarding question (test/safeguarding.pages.test.ts).
    expect(res.headers.location).toBe('/referrals/new/safeguarding');
    await b.get('/referrals/new/safeguarding');
    res = await b.post('/referrals/new/safeguarding', { action: 'already_known', detail: 'Known to Brent MASH' });
    expect(res.headers.location).toBe('/referrals/new/subjects/list');
    const list = await b.get('/referrals/new/subjects/list');
    expect(list.body).toContain('@rival_handle');

    // Check your answers: everything shown, with Change links back to each page.
    const check = await b.get('/referrals/new/check');
    expect(check.statusCode).toBe(200);
    for (const text of [
      'Drill video naming a rival group',
      'https://youtu.be/PaGeJourney1',
      'YouTube, Instagram',
      '1 March 2026',
      'CAD 1234/01MAR26',
      'CRIS 0101234/26',
      '@rival_handle',
      'PC Amy Jones',
    ])
      expect(check.body).toContain(text);
    for (const page of ['content', 'platforms', 'uploaded', 'incident-references', 'rationale', 'subjects/list'])
      expect(check.body).toContain(`href="/referrals/new/${page}"`);
    expect(check.body).not.toContain('data-qa="host-warning"');

    // A change from check your answers comes back to it.
    res = await b.post('/referrals/new/rationale', { rationale: 'Threatens a named rival group after the stabbing on 3 March.' });
    expect(res.headers.location).toBe('/referrals/new/check');

    const before = await referralCount();
    await b.get('/referrals/new/check');
    res = await b.post('/referrals/new/check');
    expect(res.headers.location).toBe('/referrals/new/confirmation');
    expect(await referralCount()).toBe(before + 1);
    const confirmation = await b.get('/referrals/new/confirmation');
    const reference = /data-qa="reference">([^<]+)</.exec(confirmation.body)?.[1];
    expect(reference).toMatch(/^OHRT-2026-\d{6}$/);

    // The draft's answers are gone from the session once submitted.
    const [session] = await t.db
      .select({ draft: sessions.draft })
      .from(sessions)
      .innerJoin(referrals, eq(referrals.requesterId, sessions.userId))
      .where(eq(referrals.reference, reference!));
    expect(session!.draft).not.toContain('rival_handle');
    expect((await b.get('/referrals/new/content')).body).not.toContain('Drill video naming a rival group');

    // My referrals lists it, linking to the detail page.
    const mine = await b.get('/referrals/mine');
    expect(mine.statusCode).toBe(200);
    expect(mine.body).toContain(reference);
    const [row] = await t.db.select().from(referrals).where(eq(referrals.reference, reference!));
    expect(mine.body).toContain(`href="/referrals/${row!.id}"`);
    expect(row!.rationale).toBe('Threatens a named rival group after the stabbing on 3 March.');

    // The detail page shows everything, and opening it (it has a subject) is a logged consultation.
    const detail = await b.get(`/referrals/${row!.id}`);
    expect(detail.statusCode).toBe(200);
    expect(detail.body).toContain('@rival_handle');
    expect(detail.body).toContain('data-qa="timeline"');
    expect(detail.body).toContain('Submitted');
    const consults = await t.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.entityId, row!.id), eq(auditLog.operation, 'consult')));
    expect(consults).toHaveLength(1);
  });

  it('shows the host warning on check your answers and on the confirmation (SOP 8.3.5-8.3.6)', async () => {
    const b = await t.browser(requester);
    const check = await answerAll(b, 'https://example.org/mirror/clip-77', ['tiktok']);
    expect(check.body).toContain('data-qa="host-warning"');
    expect(check.body).toContain('TikTok');
    await b.post('/referrals/new/check');
    const confirmation = await b.get('/referrals/new/confirmation');
    expect(confirmation.body).toContain('data-qa="host-warning"');
  });

  it('offers to add the rationale to an open referral of the same content, then confirms (deconfliction, SOP 8.1)', async () => {
    const first = await t.browser(requester);
    await answerAll(first, 'https://www.youtube.com/watch?v=DupPage0001');
    await first.post('/referrals/new/check');
    const existing = /data-qa="reference">([^<]+)</.exec((await first.get('/referrals/new/confirmation')).body)![1]!;

    const b = await t.browser(second);
    await answerAll(b, 'https://youtu.be/DupPage0001?si=shared');
    const before = await referralCount();
    let res = await b.post('/referrals/new/check');
    expect(res.headers.location).toBe('/referrals/new/duplicate');
    const dup = await b.get('/referrals/new/duplicate');
    expect(dup.body).toContain(`data-qa="existing-reference">${existing}<`);
    res = await b.post('/referrals/new/duplicate', {});
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('href="#choice"');
    res = await b.post('/referrals/new/duplicate', { choice: 'add' });
    expect(res.headers.location).toBe('/referrals/new/confirmation');
    const confirmation = await b.get('/referrals/new/confirmation');
    expect(confirmation.body).toContain('Rationale added');
    expect(confirmation.body).toContain(existing);
    expect(await referralCount()).toBe(before);

    // The unit sees the second requester's rationale on the referral; the first requester does
    // not (DESIGN.md "Who sees what": only what they gave).
    const [row] = await t.db.select().from(referrals).where(eq(referrals.reference, existing));
    const detail = await (await t.browser(operative)).get(`/referrals/${row!.id}`);
    expect(detail.body).toContain('data-qa="additional-rationales"');
    expect(detail.body).toContain('PC Ben Cole');
    const own = await first.get(`/referrals/${row!.id}`);
    expect(own.statusCode).toBe(200);
    expect(own.body).not.toContain('data-qa="additional-rationales"');
    expect(own.body).not.toContain('PC Ben Cole');
  });

  it('lets the requester go back and change the URL instead', async () => {
    const first = await t.browser(requester);
    await answerAll(first, 'https://www.tiktok.com/@a/video/90001', ['tiktok']);
    await first.post('/referrals/new/check');
    const b = await t.browser(second);
    await answerAll(b, 'https://tiktok.com/@a/video/90001/', ['tiktok']);
    await b.post('/referrals/new/check');
    await b.get('/referrals/new/duplicate');
    const res = await b.post('/referrals/new/duplicate', { choice: 'change' });
    expect(res.headers.location).toBe('/referrals/new/content');
    await b.get('/referrals/new/content');
    await b.post('/referrals/new/content', { contentTitle: 'Another video', contentUrl: 'https://tiktok.com/@a/video/90002' });
    const before = await referralCount();
    await b.get('/referrals/new/check');
    expect((await b.post('/referrals/new/check')).headers.location).toBe('/referrals/new/confirmation');
    expect(await referralCount()).toBe(before + 1);
  });

  it('adds and removes subjects before submission (SOP 8.4.1)', async () => {
    const b = await t.browser(second);
    await answerAll(b, 'https://www.instagram.com/p/SubjRemove1/', ['instagram']);
    await b.post('/referrals/new/subjects', { hasSubjects: 'yes' });
    await b.get('/referrals/new/subjects/add');
    await b.post('/referrals/new/subjects/add', { name: 'First Person', category: 'victim', ageBand: 'unknown' });
    await b.get('/referrals/new/subjects/add');
    await b.post('/referrals/new/subjects/add', { name: 'Second Person', category: 'witness', ageBand: '25_plus' });
    let list = await b.get('/referrals/new/subjects/list');
    expect(list.body).toContain('First Person');
    expect(list.body).toContain('Second Person');
    expect((await b.post('/referrals/new/subjects/0/remove')).headers.location).toBe('/referrals/new/subjects/list');
    list = await b.get('/referrals/new/subjects/list');
    expect(list.body).not.toContain('First Person');
    await b.get('/referrals/new/check');
    await b.post('/referrals/new/check');
    const confirmation = await b.get('/referrals/new/confirmation');
    const id = /href="\/referrals\/([0-9a-f-]{36})" data-qa="view-referral"/.exec(confirmation.body)![1]!;
    const stored = await t.services.referrals.get(
      { id: second.id, username: second.username, displayName: 'PC Ben Cole', ocu: null, unit: null, roles: ['requester'] },
      id,
    );
    expect(stored.subjects).toEqual([{ name: 'Second Person', category: 'witness', ageBand: '25_plus', dateOfBirth: null }]);
  });

  it('sends check your answers back to the missing pages when a page was skipped', async () => {
    const b = await t.browser(second);
    await b.get('/referrals/new/content');
    await b.post('/referrals/new/content', { contentTitle: 'Only a title', contentUrl: 'https://youtu.be/SkipPages01' });
    const check = await b.get('/referrals/new/check');
    expect(check.statusCode).toBe(400);
    expect(check.body).toContain('href="/referrals/new/platforms"');
    expect(check.body).not.toContain('data-qa="submit-referral"');
    const before = await referralCount();
    await b.post('/referrals/new/check');
    expect(await referralCount()).toBe(before);
  });

  it("keeps referral pages from admin, and another requester's referral from a requester (404)", async () => {
    const a = await t.browser(admin);
    expect((await a.get('/referrals/new')).statusCode).toBe(403);
    expect((await a.get('/referrals/mine')).statusCode).toBe(403);
    const [row] = await t.db.select().from(referrals).where(eq(referrals.requesterId, requester.id)).limit(1);
    expect((await a.get(`/referrals/${row!.id}`)).statusCode).toBe(403);
    const b = await t.browser(second);
    expect((await b.get(`/referrals/${row!.id}`)).statusCode).toBe(404);
    const o = await t.browser(operative);
    expect((await o.get(`/referrals/${row!.id}`)).statusCode).toBe(200);
  });

  it('withdraws from the detail page (DESIGN.md life cycle)', async () => {
    const b = await t.browser(requester);
    await answerAll(b, 'https://www.reddit.com/r/x/comments/withdraw1', ['reddit']);
    await b.post('/referrals/new/check');
    const id = /href="\/referrals\/([0-9a-f-]{36})" data-qa="view-referral"/.exec((await b.get('/referrals/new/confirmation')).body)![1]!;
    const detail = await b.get(`/referrals/${id}`);
    expect(detail.body).toContain('data-qa="withdraw"');
    await b.get(`/referrals/${id}/withdraw`);
    const res = await b.post(`/referrals/${id}/withdraw`, { reason: 'The video was taken down already' });
    expect(res.headers.location).toBe(`/referrals/${id}?withdrawn=1`);
    const after = await b.get(`/referrals/${id}?withdrawn=1`);
    expect(after.body).toContain('You withdrew this referral');
    expect(after.body).not.toContain('data-qa="withdraw"');
  });
});
