import { eq } from 'drizzle-orm';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { libraryEntries } from '../src/db/schema/index.js';
import { upload } from './evidence-support.js';
import { referralIn, type Made } from './factories.js';
import { actorOf, createTestApp, type TestApp, type TestUser } from './harness.js';
import { makeMedia } from './media.js';

const NOW = new Date('2026-03-10T10:00:00Z');
let t: TestApp;
let dir: string;
let made: Made;
let entryId: string;
let inspector: TestUser;

beforeAll(async () => {
  t = await createTestApp({ clock: () => NOW, jobs: 'send' });
  inspector = await t.user(['inspector'], { displayName: 'DI Ines Inspector' });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'library-pages-'));
  const wav = fs.readFileSync(await makeMedia(dir, 'track.mp3', 'mp3', 1, 659));
  made = await referralIn(t, 'referred', { review: { musical: true }, referral: { contentTitle: 'Block 7 – “Smoke” <b>live</b>' } });
  expect((await upload(t, made.people.operative, made.id, [{ name: 'file', filename: 'track.mp3', data: wav }])).status).toBe(201);
  const operative = actorOf(made.people.operative);
  await t.services.platformReferrals.recordSubmission(operative, made.id, 'youtube', {
    channel: 'trusted_flagger',
    submittedAt: NOW.toISOString(),
    externalReference: undefined,
  });
  await t.services.platformReferrals.recordDecision(operative, made.id, 'youtube', { outcome: 'removed', decidedOn: '2026-03-10' });
  entryId = (await t.db.select().from(libraryEntries).where(eq(libraryEntries.referralId, made.id)))[0]!.id;
});
afterAll(async () => {
  await t?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('the library pages (SOP 10.8)', () => {
  it('asks at review whether the content is musical, unanswered on a first review', async () => {
    const again = await referralIn(t, 'in_review');
    const page = await (await t.browser(again.people.operative)).get(`/referrals/${again.id}/review`);
    expect(page.body).toContain('Is the content musical?');
    expect(page.body).not.toMatch(/name="musical" type="radio" value="(yes|no)" checked/);
    // Returned by QA, the review starts from its last answer (SOP 10.2), shown on the referral's review summary too.
    const returned = await referralIn(t, 'awaiting_qa', { review: { musical: true } });
    const sergeant = await t.api(returned.people.sergeant);
    expect((await sergeant.post(`/api/v1/referrals/${returned.id}/qa`, { decision: 'return', comment: 'Name the clause' })).status).toBe(
      200,
    );
    const b = await t.browser(returned.people.operative);
    expect((await b.get(`/referrals/${returned.id}/review`)).body).toMatch(/name="musical" type="radio" value="yes" checked/);
    expect((await b.get(`/referrals/${returned.id}`)).body).toMatch(/Musical\s*<\/dt>\s*<dd[^>]*>\s*Yes/);
  });

  it('lists the library with a search box, filters, the table and a header link for the unit', async () => {
    const b = await t.browser(made.people.operative);
    const list = await b.get('/library');
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain('href="/library"');
    expect(list.body).toContain(`href="/library/${entryId}"`);
    // Escaped, never markup.
    expect(list.body).toContain('Block 7 – “Smoke” &lt;b&gt;live&lt;/b&gt;');
    expect((await b.get('/library?q=nothing-like-this')).body).toContain('No entries match.');
    expect((await b.get('/library?held=true')).body).toContain('No entries match.');
    expect((await b.get('/library?platform=tiktok')).body).toContain('No entries match.');
    expect((await b.get('/library?platform=youtube')).body).toContain(`href="/library/${entryId}"`);
    // Platforms by their directory names, as everywhere else.
    expect(list.body).toMatch(/<td[^>]*>\s*YouTube\s*<\/td>/);
    const bad = await b.get(`/library?q=${'x'.repeat(201)}`);
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('govuk-error-summary');
    expect(bad.body).toContain('href="#q"');
    for (const role of ['requester', 'admin', 'auditor'] as const) {
      const other = await t.browser(await t.user([role]));
      expect((await other.get('/library')).statusCode).toBe(403);
      expect((await other.get('/')).body).not.toContain('href="/library"');
    }
  });

  it('shows an entry with its captures, a player, its history and no hold form for an operative', async () => {
    const page = await (await t.browser(made.people.operative)).get(`/library/${entryId}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('data-qa="library-capture"');
    expect(page.body).toMatch(/<audio[^>]+src="\/api\/v1\/referrals\/[^"]+\/captures\/[^"]+\/content"/);
    expect(page.body).toMatch(new RegExp(`href="/referrals/${made.id}/evidence/[0-9a-f-]{36}"`));
    expect(page.body).toContain('Entered the library');
    expect(page.body).not.toContain('data-qa="hold-form"');
    expect((await (await t.browser(made.people.operative)).get('/library/not-an-id')).statusCode).toBe(404);
  });

  it('holds with errors linked to their fields, then releases, for an inspector', async () => {
    const b = await t.browser(inspector);
    await b.get(`/library/${entryId}`);
    const bad = await b.post(`/library/${entryId}/hold`, {
      investigationReference: '',
      reason: '',
      'reviewOn-day': '31',
      'reviewOn-month': '2',
      'reviewOn-year': '2026',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('href="#investigationReference"');
    expect(bad.body).toContain('href="#reason"');
    expect(bad.body).toContain('href="#reviewOn-day"');
    const held = await b.post(`/library/${entryId}/hold`, {
      investigationReference: 'Op Trident 26/114',
      reason: 'Played before the stabbing',
      'reviewOn-day': '10',
      'reviewOn-month': '9',
      'reviewOn-year': '2026',
    });
    expect(held.statusCode).toBe(302);
    const shown = await b.get(held.headers.location as string);
    expect(shown.body).toContain('Op Trident 26/114');
    expect(shown.body).toContain('data-qa="release-form"');
    // Kept with a new review date: errors linked to the keep form's own fields (not the hold form's), then done.
    const keepBad = await b.post(`/library/${entryId}/hold/review`, {
      keepReason: '',
      'keepReviewOn-day': '1',
      'keepReviewOn-month': '',
      'keepReviewOn-year': '2027',
    });
    expect(keepBad.statusCode).toBe(400);
    expect(keepBad.body).toContain('href="#keepReason"');
    expect(keepBad.body).toContain('href="#keepReviewOn-month"');
    const kept = await b.post(`/library/${entryId}/hold/review`, {
      keepReason: 'Retrial in the new year',
      'keepReviewOn-day': '29',
      'keepReviewOn-month': '1',
      'keepReviewOn-year': '2027',
    });
    expect(kept.statusCode).toBe(302);
    const keptPage = (await b.get(kept.headers.location as string)).body;
    expect(keptPage).toContain('The hold is kept, with its next review date.');
    expect(keptPage).toContain('Hold reviewed and kept');
    expect(keptPage).toContain('29 January 2027');
    const noReason = await b.post(`/library/${entryId}/hold/release`, { reason: ' ' });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.body).toContain('href="#releaseReason"');
    const released = await b.post(`/library/${entryId}/hold/release`, { reason: 'Charged' });
    expect(released.statusCode).toBe(302);
    expect((await b.get(`/library/${entryId}`)).body).toContain('Hold released');
    const operative = await t.browser(made.people.operative);
    await operative.get(`/library/${entryId}`);
    expect((await operative.post(`/library/${entryId}/hold`, { investigationReference: 'X' })).statusCode).toBe(403);
  });
});
