import { and, desc, eq, sql } from 'drizzle-orm';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, libraryEntryCaptures, libraryHistory, platformReferrals, reviews } from '../src/db/schema/index.js';
import { decideOn, entriesOf as entriesIn, MUSICAL, removedMusic as removedMusicIn, submitTo } from './library-support.js';
import { referralIn, type Made } from './factories.js';
import { actorOf, createTestApp, type TestApp, type TestUser } from './harness.js';
import { makeMedia } from './media.js';

// A fixed "now" that tests move: 10 March 2026, mid-morning in London.
const NOW = new Date('2026-03-10T10:00:00Z');
let now = NOW;
let t: TestApp;
let dir: string;
let wav: Buffer;
let inspector: TestUser;
let auditor: TestUser;
let requester: TestUser;
let admin: TestUser;

beforeAll(async () => {
  t = await createTestApp({ clock: () => now, jobs: 'send' });
  inspector = await t.user(['inspector'], { displayName: 'DI Ines Inspector' });
  auditor = await t.user(['auditor']);
  requester = await t.user(['requester']);
  admin = await t.user(['admin']);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'library-test-'));
  wav = fs.readFileSync(await makeMedia(dir, 'track.wav', 'wav', 1, 523));
});
afterAll(async () => {
  await t?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const submit = (made: Made, platform: string) => submitTo(t, made, platform);
const decide = (made: Made, platform: string, outcome: 'removed' | 'not_removed', decidedOn?: string) =>
  decideOn(t, made, platform, outcome, decidedOn);
const entriesOf = (referralId: string) => entriesIn(t, referralId);
const removedMusic = (on: string, referral: Record<string, unknown> = {}) =>
  removedMusicIn(t, (d) => (now = d ?? NOW), on, { filename: 'track.wav', data: wav }, referral);

describe('entering the Domain library (SOP 10.8, 2.2)', () => {
  it('records musical at review (default false) and refuses a musical that is not true or false', async () => {
    const plain = await referralIn(t, 'awaiting_qa');
    const musical = await referralIn(t, 'awaiting_qa', MUSICAL);
    const stored = async (id: string) => (await t.db.select({ m: reviews.musical }).from(reviews).where(eq(reviews.referralId, id)))[0]!.m;
    expect(await stored(plain.id)).toBe(false);
    expect(await stored(musical.id)).toBe(true);
    const ready = await referralIn(t, 'in_review');
    const api = await t.api(ready.people.operative);
    const answer = await api.post(`/api/v1/referrals/${ready.id}/review`, {
      contentFormat: 'audio',
      musical: 'yes',
      researchSummary: 'Nothing',
      reviewedOn: t.services.review.today(),
      outcome: 'no_further_action',
      rationale: 'No breach',
    });
    expect(answer.status).toBe(400);
    expect(answer.json.fields.map((f: { path: string }) => f.path)).toEqual(['musical']);
  });

  it('makes the entry with the removal: the intelligence record’s fields, captures, dates, history and audit', async () => {
    const { made, entry } = await removedMusic('2026-02-27', { contentTitle: 'Block 7 – “Smoke” (official video)' });
    expect(entry).toMatchObject({
      reference: made.reference,
      contentTitle: 'Block 7 – “Smoke” (official video)',
      contentUrl: made.contentUrl,
      platforms: made.platforms,
      rationale: 'Brandishes a blade at the camera, likely to provoke retaliation',
      summary: 'Drill video goading a rival estate after the March stabbing',
      removedOn: '2026-02-27',
      expiresOn: '2027-02-27',
    });
    expect(entry.termsBreached.length).toBe(made.platforms.length);
    expect(entry.holdPlacedAt).toBeNull();
    const captured = await t.db.select().from(libraryEntryCaptures).where(eq(libraryEntryCaptures.entryId, entry.id));
    expect(captured).toHaveLength(1);
    expect(captured[0]!.sha256).toMatch(/^[0-9a-f]{64}$/);
    const history = await t.db.select().from(libraryHistory).where(eq(libraryHistory.entryId, entry.id));
    expect(history.map((h) => [h.action, h.actorId])).toEqual([['entered', made.people.operative.id]]);
    const audited = await t.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.entity, 'library_entry'), eq(auditLog.entityId, entry.id)));
    expect(audited.map((a) => a.operation)).toEqual(['collect']);
  });

  it('makes none for content that is not musical', async () => {
    const made = await referralIn(t, 'closed', { closing: 'removed' });
    expect(await entriesOf(made.id)).toEqual([]);
  });

  it('makes one per referral: a second platform’s removal changes nothing', async () => {
    now = new Date('2026-03-02T10:00:00Z');
    const made = await referralIn(t, 'referred', { ...MUSICAL, referral: { platforms: ['youtube', 'instagram'] } });

    await submit(made, 'youtube');
    await submit(made, 'instagram');
    await decide(made, 'youtube', 'removed', '2026-03-02');
    now = NOW;
    await decide(made, 'instagram', 'removed', '2026-03-10');
    const entries = await entriesOf(made.id);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ removedOn: '2026-03-02', expiresOn: '2027-03-02' });
    const history = await t.db.select().from(libraryHistory).where(eq(libraryHistory.entryId, entries[0]!.id));
    expect(history).toHaveLength(1);
  });

  it('enters after an appeal: not removed, appealed, then removed, dated by the final decision', async () => {
    now = new Date('2026-03-01T10:00:00Z');
    const made = await referralIn(t, 'referred', MUSICAL);
    const platform = made.platforms[0]!;
    await submit(made, platform);
    await decide(made, platform, 'not_removed', '2026-03-01');
    expect(await entriesOf(made.id)).toEqual([]);
    await t.services.platformReferrals.recordAppeal(actorOf(made.people.sergeant), made.id, platform, {
      appeal: true,
      reason: 'The blade is plainly shown',
    });
    now = NOW;
    await decide(made, platform, 'removed', '2026-03-09');
    expect(await entriesOf(made.id)).toMatchObject([{ removedOn: '2026-03-09', expiresOn: '2027-03-09' }]);
  });

  it('leaves neither the decision nor the entry when a step of the transaction fails', async () => {
    const made = await referralIn(t, 'referred', MUSICAL);
    const platform = made.platforms[0]!;
    await submit(made, platform);
    await t.db.execute(
      sql.raw(
        `create function library_test_fail() returns trigger language plpgsql as $$ begin raise exception 'refused by the test'; end $$`,
      ),
    );
    await t.db.execute(
      sql.raw('create trigger library_test_fail before insert on library_history for each row execute function library_test_fail()'),
    );
    try {
      await expect(decide(made, platform, 'removed')).rejects.toThrow();
    } finally {
      await t.db.execute(sql.raw('drop trigger library_test_fail on library_history'));
      await t.db.execute(sql.raw('drop function library_test_fail()'));
    }
    expect(await entriesOf(made.id)).toEqual([]);
    const [row] = await t.db.select().from(platformReferrals).where(eq(platformReferrals.referralId, made.id));
    expect(row!.decision).toBeNull();
    // The same decision again, nothing failing: both are made.
    await decide(made, platform, 'removed');
    expect(await entriesOf(made.id)).toHaveLength(1);
  });
});

describe('the library API', () => {
  let old: Awaited<ReturnType<typeof removedMusic>>;
  let recent: Awaited<ReturnType<typeof removedMusic>>;
  beforeAll(async () => {
    old = await removedMusic('2025-03-25', { contentTitle: 'Zed-Block 100% – “Opp Pack”', platforms: ['tiktok'] });
    recent = await removedMusic('2026-03-05', { contentTitle: 'Peckham Riddim_2 (audio)' });
  });

  it('searches title, reference and URL, filters by platform and expiry, newest removal first, in pages', async () => {
    const api = await t.api(old.made.people.operative);
    const all = (await api.get('/api/v1/library?pageSize=100')).json;
    const removed = all.items.map((e: { removedOn: string }) => e.removedOn);
    expect(removed).toEqual([...removed].sort().reverse());
    expect(all.total).toBe(all.items.length);
    const titles = async (query: string) => (await api.get(`/api/v1/library?${query}`)).json.items.map((e: { id: string }) => e.id);
    expect(await titles('q=100%25')).toEqual([old.entry.id]);
    expect(await titles('q=riddim_2')).toEqual([recent.entry.id]);
    expect(await titles(`q=${recent.made.reference.toLowerCase()}`)).toEqual([recent.entry.id]);
    expect(await titles(`q=${encodeURIComponent(old.made.contentUrl)}`)).toContain(old.entry.id);
    expect(await titles('platform=tiktok')).toEqual([old.entry.id]);
    // Removed 25 March 2025: expires 25 March 2026, 15 days after "now".
    expect(await titles('expiringWithinDays=30')).toEqual([old.entry.id]);
    expect(await titles('expiringWithinDays=14')).toEqual([]);
    const page1 = (await api.get('/api/v1/library?pageSize=1&page=1')).json;
    const page2 = (await api.get('/api/v1/library?pageSize=1&page=2')).json;
    expect(page1).toMatchObject({ page: 1, pageSize: 1, total: all.total });
    expect(page1.items[0].id).not.toBe(page2.items[0].id);
    const bad = await api.get(`/api/v1/library?pageSize=101&expiringWithinDays=-1&held=maybe&q=${'x'.repeat(201)}`);
    expect(bad.status).toBe(400);
    expect(bad.json.fields.map((f: { path: string }) => f.path).sort()).toEqual(['expiringWithinDays', 'held', 'pageSize', 'q']);
  });

  it('shows an entry in the contract’s shape with its captures and history; 404 for none', async () => {
    const api = await t.api(recent.made.people.operative);
    const got = await api.get(`/api/v1/library/${recent.entry.id}`);
    expect(got.status).toBe(200);
    expect(got.json).toMatchObject({
      id: recent.entry.id,
      referralId: recent.made.id,
      reference: recent.made.reference,
      removedOn: '2026-03-05',
      expiresOn: '2027-03-05',
      hold: null,
      history: [{ action: 'entered' }],
    });
    expect(got.json.captureIds).toHaveLength(1);
    expect(got.json.captures[0]).toMatchObject({ captureId: got.json.captureIds[0], mediaType: 'audio/wav' });
    expect((await api.get('/api/v1/library/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await api.get('/api/v1/library/not-a-uuid')).status).toBe(404);
  });

  it('lets a sergeant or inspector hold and release, with history and audit; 409 for a second hold or no hold', async () => {
    const url = `/api/v1/library/${recent.entry.id}/hold`;
    const sergeant = await t.api(recent.made.people.sergeant);
    const bad = await sergeant.post(url, { investigationReference: ' ', reason: '', reviewOn: '2026-02-30' });
    expect(bad.status).toBe(400);
    expect(bad.json.fields.map((f: { path: string }) => f.path).sort()).toEqual(['investigationReference', 'reason', 'reviewOn']);
    const past = await sergeant.post(url, { investigationReference: 'Op Trident 26/114', reason: 'Evidence', reviewOn: '2026-03-09' });
    expect(past.json.fields).toEqual([{ path: 'reviewOn', message: 'The review date must be today or in the future' }]);

    const held = await sergeant.post(url, {
      investigationReference: 'Op Trident 26/114',
      reason: 'Played at the scene before the stabbing',
      reviewOn: '2026-09-10',
    });
    expect(held.status).toBe(200);
    expect(held.json.hold).toMatchObject({
      investigationReference: 'Op Trident 26/114',
      reviewOn: '2026-09-10',
      reviewDue: false,
      placedBy: { id: recent.made.people.sergeant.id },
    });
    const again = await (await t.api(inspector)).post(url, { investigationReference: 'Op X', reason: 'Y', reviewOn: '2026-09-10' });
    expect(again.status).toBe(409);

    const release = await (await t.api(inspector)).post(`${url}/release`, { reason: 'Charged; CPS have the copy' });
    expect(release.status).toBe(200);
    expect(release.json.hold).toBeNull();
    expect(release.json.history.map((h: { action: string }) => h.action)).toEqual(['entered', 'hold_placed', 'hold_released']);
    expect(release.json.history[2]).toMatchObject({ reason: 'Charged; CPS have the copy', investigationReference: 'Op Trident 26/114' });
    expect((await sergeant.post(`${url}/release`, { reason: 'Again' })).status).toBe(409);
    expect((await sergeant.post(`${url}/release`, {})).json.fields[0].path).toBe('reason');
    const audited = await t.db
      .select({ detail: auditLog.detail })
      .from(auditLog)
      .where(and(eq(auditLog.entity, 'library_entry'), eq(auditLog.entityId, recent.entry.id), eq(auditLog.operation, 'alter')));
    expect(audited.map((a) => (a.detail as { hold: string }).hold)).toEqual(['placed', 'released']);
  });

  it('lists a hold whose review date has come for review, never silently kept', async () => {
    const sergeant = await t.api(old.made.people.sergeant);
    const today = t.services.review.today();
    expect(
      (await sergeant.post(`/api/v1/library/${old.entry.id}/hold`, { investigationReference: 'Op Due', reason: 'Trial', reviewOn: today }))
        .status,
    ).toBe(200);
    const due = (await sergeant.get('/api/v1/library?reviewDue=true')).json;
    expect(due.items.map((e: { id: string }) => e.id)).toEqual([old.entry.id]);
    expect(due.items[0].hold.reviewDue).toBe(true);
    // Held, it is no longer "expiring": the hold keeps it.
    expect((await sergeant.get('/api/v1/library?expiringWithinDays=30')).json.items).toEqual([]);
    expect((await sergeant.get('/api/v1/library?held=true')).json.items.map((e: { id: string }) => e.id)).toEqual([old.entry.id]);
    // Reviewed and kept: the same hold with a new review date and why, no longer due; never unheld in between.
    const review = `/api/v1/library/${old.entry.id}/hold/review`;
    expect((await sergeant.post(review, { reason: '', reviewOn: today })).json.fields.map((f: { path: string }) => f.path)).toEqual([
      'reason',
    ]);
    const yesterday = new Date(Date.parse(`${today}T12:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
    expect((await sergeant.post(review, { reason: 'Retrial', reviewOn: yesterday })).json.fields).toEqual([
      { path: 'reviewOn', message: 'The review date must be today or in the future' },
    ]);
    expect((await (await t.api(old.made.people.operative)).post(review, { reason: 'Retrial', reviewOn: '2027-01-31' })).status).toBe(403);
    const kept = await sergeant.post(review, { reason: 'Retrial listed for January', reviewOn: '2027-01-31' });
    expect(kept.status).toBe(200);
    expect(kept.json.hold).toMatchObject({ investigationReference: 'Op Due', reason: 'Trial', reviewOn: '2027-01-31', reviewDue: false });
    expect(kept.json.history.at(-1)).toMatchObject({
      action: 'hold_reviewed',
      investigationReference: 'Op Due',
      reason: 'Retrial listed for January',
      reviewOn: '2027-01-31',
    });
    expect((await sergeant.get('/api/v1/library?reviewDue=true')).json.items).toEqual([]);
    const [audited] = await t.db
      .select({ detail: auditLog.detail })
      .from(auditLog)
      .where(and(eq(auditLog.entity, 'library_entry'), eq(auditLog.entityId, old.entry.id), eq(auditLog.operation, 'alter')))
      .orderBy(desc(auditLog.seq))
      .limit(1);
    expect(audited!.detail).toEqual({ hold: 'reviewed', investigationReference: 'Op Due', reviewOn: '2027-01-31' });
    await sergeant.post(`/api/v1/library/${old.entry.id}/hold/release`, { reason: 'Trial over' });
    expect((await sergeant.post(review, { reason: 'Again', reviewOn: '2027-01-31' })).status).toBe(409);
  });

  it('keeps the library to the unit, and holds to sergeants and inspectors', async () => {
    for (const u of [requester, admin, auditor]) {
      const api = await t.api(u);
      expect((await api.get('/api/v1/library')).status).toBe(403);
      expect((await api.get(`/api/v1/library/${old.entry.id}`)).status).toBe(403);
    }
    const operative = await t.api(old.made.people.operative);
    expect((await operative.get('/api/v1/library')).status).toBe(200);
    const hold = { investigationReference: 'Op Y', reason: 'Z', reviewOn: '2026-12-01' };
    expect((await operative.post(`/api/v1/library/${old.entry.id}/hold`, hold)).status).toBe(403);
    expect((await operative.post(`/api/v1/library/${old.entry.id}/hold/release`, { reason: 'Z' })).status).toBe(403);
  });

  it('lets exactly one of several hold requests at once succeed', async () => {
    const url = `/api/v1/library/${old.entry.id}/hold`;
    const clients = [await t.api(old.made.people.sergeant), await t.api(inspector)];
    const answers = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        clients[i % 2]!.post(url, { investigationReference: `Op Race ${i}`, reason: 'Race', reviewOn: '2026-12-01' }),
      ),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409, 409, 409, 409, 409]);
    const history = await t.db.select().from(libraryHistory).where(eq(libraryHistory.entryId, old.entry.id));
    expect(history.filter((h) => h.action === 'hold_placed')).toHaveLength(2);
  });
});
