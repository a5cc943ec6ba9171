import { execFile } from 'node:child_process';
import { count, eq } from 'drizzle-orm';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { audioFingerprints, auditLog, captureMatches, libraryEntries, libraryTerms } from '../src/db/schema/index.js';
import { indexTerms } from '../src/domain/audio-match.js';
import { eventually, evidenceRows, multipart, sha256Of, upload, type Part } from './evidence-support.js';
import { referralIn, type Made } from './factories.js';
import { actorOf, createTestApp, testConfig, type TestApp } from './harness.js';
import { temporaryDir } from './processes.js';
import { makeTrack } from './music.js';

/**
 * Issue 13 points 4-5 (SOP 10.8): captured audio is fingerprinted in the background, a removed
 * musical referral's tracks go into the term index, and a re-upload of the music on another
 * referral shows the library entry as a hint on its capture, its referral page and its review page;
 * `POST /api/v1/library/match` matches a clip without keeping anything. Real ffmpeg and fpcalc,
 * generated music (test/music.ts), both databases.
 */

const run = promisify(execFile);
const MAX_BYTES = 2 * 1024 * 1024;
const media = temporaryDir('rd-library-match-');
let t: TestApp;
let trackA: Buffer; // the removed track, MP3
let copyA: Buffer; // its first 4 s cut, re-encoded to AAC 64 kb/s
let trackB: Buffer; // different music
let removed: { made: Made; entryId: string; sha256: string };

const matchesOf = (captureId: string) => t.db.select().from(captureMatches).where(eq(captureMatches.captureId, captureId));
const termsOf = async (entryId: string) =>
  (await t.db.select({ n: count() }).from(libraryTerms).where(eq(libraryTerms.entryId, entryId)))[0]!.n;

/** How many times the fingerprint job has finished for these bytes (its one transaction ends with this audit entry). */
const jobRuns = async (sha256: string) =>
  (await t.db.select().from(auditLog).where(eq(auditLog.entityId, sha256))).filter((a) => a.detail && 'fingerprint' in a.detail).length;

/** Uploads `data` to the referral as its operative and waits until the fingerprint job has matched it. */
async function capture(made: Made, data: Buffer, filename: string) {
  const before = await jobRuns(sha256Of(data));
  const answer = await upload(t, made.people.operative, made.id, [{ name: 'file', filename, data }]);
  expect(answer.status).toBe(201);
  await eventually(async () => (await jobRuns(answer.json.sha256)) > before, 'the fingerprint job', 240);
  return answer.json as { id: string; sha256: string };
}

const captureAnswer = async (made: Made, captureId: string) =>
  (await (await t.api(made.people.operative)).get(`/api/v1/referrals/${made.id}/captures/${captureId}`)).json;

/** `POST /api/v1/library/match` with `parts`, as the operative with a bearer token unless other headers are given. */
async function match(parts: Part[], headers?: Record<string, string>) {
  const { payload, contentType } = multipart(parts);
  const auth = headers ?? (await t.bearer(removed.made.people.operative));
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v1/library/match',
    headers: { ...auth, 'content-type': contentType },
    payload,
  });
  return { status: res.statusCode, json: res.json() };
}

beforeAll(async () => {
  t = await createTestApp({ jobs: 'work', config: { evidence: { ...testConfig().evidence, maxBytes: MAX_BYTES } } });
  const [a, b] = await Promise.all([makeTrack(media.dir, 41, 24), makeTrack(media.dir, 42, 22)]);
  const copy = path.join(media.dir, 'copy.m4a');
  await run('ffmpeg', ['-hide_banner', '-nostdin', '-v', 'error', '-y', '-ss', '4', '-i', a, '-c:a', 'aac', '-b:a', '64k', copy]);
  [trackA, copyA, trackB] = [fs.readFileSync(a), fs.readFileSync(copy), fs.readFileSync(b)];

  // SOP 10.8: a musical referral with the track captured, then removed by YouTube.
  const made = await referralIn(t, 'referred', { review: { musical: true } });
  const captured = await capture(made, trackA, 'smoke.mp3');
  const operative = actorOf(made.people.operative);
  await t.services.platformReferrals.recordSubmission(operative, made.id, 'youtube', {
    channel: 'trusted_flagger',
    submittedAt: new Date().toISOString(),
    externalReference: undefined,
  });
  await t.services.platformReferrals.recordDecision(operative, made.id, 'youtube', {
    outcome: 'removed',
    decidedOn: t.services.review.today(),
  });
  const [entry] = await t.db.select().from(libraryEntries).where(eq(libraryEntries.referralId, made.id));
  removed = { made, entryId: entry!.id, sha256: captured.sha256 };
}, 180_000);
afterAll(async () => {
  await t?.close();
  media.remove();
});

describe('the library’s term index (SOP 10.8)', () => {
  it('indexes a removed track’s terms in the decision’s transaction, from the fingerprint already made', async () => {
    const [print] = await t.db.select().from(audioFingerprints).where(eq(audioFingerprints.sha256, removed.sha256));
    const items = print!.fingerprint.map((i) => i >>> 0);
    expect(items.length).toBeGreaterThan(150); // ~8 a second of 24 s
    expect(await termsOf(removed.entryId)).toBe(indexTerms(items).length);
    const [entered] = await t.db.select().from(auditLog).where(eq(auditLog.entityId, removed.entryId));
    expect(entered!.detail).toMatchObject({ captures: 1, indexed: 1 });
  });

  it('indexes them from the job when the fingerprint comes later, and a re-run duplicates nothing', async () => {
    const all = await termsOf(removed.entryId);
    await t.db.delete(libraryTerms).where(eq(libraryTerms.entryId, removed.entryId));
    expect(await t.services.libraryMatch.fingerprintObject(removed.sha256)).toBeNull();
    expect(await termsOf(removed.entryId)).toBe(all);
    await t.services.libraryMatch.fingerprintObject(removed.sha256);
    expect(await termsOf(removed.entryId)).toBe(all);
    expect(await t.db.select({ n: count() }).from(audioFingerprints).where(eq(audioFingerprints.sha256, removed.sha256))).toEqual([
      { n: 1 },
    ]);
  });
});

describe('a capture’s matches (issue 13 point 5)', () => {
  it('shows a trimmed, re-encoded copy on another referral as matching, on the API and both pages', async () => {
    const other = await referralIn(t, 'in_review');
    const copy = await capture(other, copyA, 'reupload.m4a');
    const [row] = await matchesOf(copy.id);
    expect(row).toMatchObject({ entryId: removed.entryId });
    expect(row!.score).toBeGreaterThanOrEqual(0.5);
    expect(row!.offsetSeconds).toBeCloseTo(4, 0);
    const answer = await captureAnswer(other, copy.id);
    expect(answer.libraryMatches).toEqual([
      {
        entryId: removed.entryId,
        reference: removed.made.reference,
        platform: 'YouTube',
        removedOn: t.services.review.today(),
        score: row!.score,
      },
    ]);
    const browser = await t.browser(other.people.operative);
    for (const page of [`/referrals/${other.id}`, `/referrals/${other.id}/review`, `/referrals/${other.id}/evidence/${copy.id}`]) {
      const html = (await browser.get(page)).body;
      expect(html, page).toContain('data-qa="library-matches"');
      expect(html, page).toMatch(
        new RegExp(
          `Matches content removed by YouTube on \\d{1,2} \\w+ \\d{4},\\s*<a class="govuk-link" href="/library/${removed.entryId}">${removed.made.reference}</a>, score ${row!.score.toFixed(2)}`,
        ),
      );
      expect(html, page).toContain('Nothing has been referred because of this');
    }
    // A hint only: the referral is where it was.
    expect((await (await t.api(other.people.operative)).get(`/api/v1/referrals/${other.id}`)).json.status).toBe('in_review');
  });

  it('matches a different track to nothing', async () => {
    const other = await referralIn(t, 'in_review');
    const different = await capture(other, trackB, 'other.mp3');
    expect(await matchesOf(different.id)).toEqual([]);
    expect((await captureAnswer(other, different.id)).libraryMatches).toEqual([]);
    expect((await (await t.browser(other.people.operative)).get(`/referrals/${other.id}`)).body).not.toContain('data-qa="library-matches"');
  });

  it('never matches a capture to the entry made from its own referral; the same bytes elsewhere match, and re-runs replace', async () => {
    const own = (await t.db.select().from(captureMatches)).filter((m) => m.entryId === removed.entryId);
    const other = await referralIn(t, 'in_review');
    const same = await capture(other, trackA, 'same-bytes.mp3');
    const ownCaptures = (await (await t.api(removed.made.people.operative)).get(`/api/v1/referrals/${removed.made.id}/captures`)).json
      .items;
    expect(ownCaptures[0].libraryMatches).toEqual([]);
    expect(await matchesOf(ownCaptures[0].id)).toEqual([]);
    const [m] = await matchesOf(same.id);
    expect(m).toMatchObject({ entryId: removed.entryId });
    expect(m!.score).toBeGreaterThan(0.95);
    await t.services.libraryMatch.fingerprintObject(same.sha256);
    await t.services.libraryMatch.fingerprintObject(same.sha256);
    expect(await matchesOf(same.id)).toHaveLength(1);
    expect((await t.db.select().from(captureMatches)).filter((x) => x.entryId === removed.entryId)).toHaveLength(own.length + 1);
  });

  it('shows the capture and its hint to the unit only', async () => {
    const requester = removed.made.people.requester;
    const auditor = await t.user(['auditor']);
    for (const u of [requester, auditor]) {
      const res = await (await t.api(u)).get(`/api/v1/referrals/${removed.made.id}/captures`);
      expect(res.status, u.roles[0]).toBe(403);
    }
    const page = (await (await t.browser(requester)).get(`/referrals/${removed.made.id}`)).body;
    expect(page).not.toContain('data-qa="library-matches"');
    expect(page).not.toContain('data-qa="evidence-list"');
  });
});

describe('POST /api/v1/library/match', () => {
  const tmp = () => fs.readdirSync(path.join(t.config.dataDir, 'tmp'));
  const kept = async () => ({
    prints: (await t.db.select({ n: count() }).from(audioFingerprints))[0]!.n,
    captures: (await evidenceRows(t)).captures,
  });

  it('matches a clip of removed music, finds nothing for other music, and keeps nothing', async () => {
    const before = await kept();
    const hit = await match([{ name: 'file', filename: 'clip.m4a', data: copyA }]);
    expect(hit.status).toBe(200);
    expect(hit.json.matches).toHaveLength(1);
    expect(hit.json.matches[0]).toMatchObject({ entryId: removed.entryId, reference: removed.made.reference });
    expect(hit.json.matches[0].score).toBeGreaterThanOrEqual(0.5);
    expect(hit.json.matches[0].offsetSeconds).toBeCloseTo(4, 0);
    const miss = await match([{ name: 'file', filename: 'other.mp3', data: trackB }]);
    expect(miss).toEqual({ status: 200, json: { matches: [] } });
    expect(await kept()).toEqual(before);
    expect(tmp()).toEqual([]);
  });

  it('refuses what is not audio (400 at file), what is too large (413) and no file (400), leaving no temporary file', async () => {
    const text = await match([{ name: 'file', filename: 'song.mp3', data: 'not music at all, only words\n'.repeat(200) }]);
    expect(text.status).toBe(400);
    expect(text.json.fields.map((f: { path: string }) => f.path)).toEqual(['file']);
    const big = await match([{ name: 'file', filename: 'big.wav', data: Buffer.alloc(MAX_BYTES + 1, 7) }]);
    expect(big.status).toBe(413);
    const none = await match([{ name: 'note', data: 'hello' }]);
    expect(none.status).toBe(400);
    expect(tmp()).toEqual([]);
  });

  it('is for the unit with a bearer token: a requester or an auditor is refused, and so is a session', async () => {
    for (const u of [removed.made.people.requester, await t.user(['auditor'])])
      expect((await match([{ name: 'file', filename: 'clip.m4a', data: copyA }], await t.bearer(u))).status).toBe(403);
    const session = await t.services.auth.startSession(removed.made.people.operative.id);
    expect((await match([{ name: 'file', filename: 'clip.m4a', data: copyA }], { cookie: `rd_session=${session}` })).status).toBe(403);
  });
});

describe('without fpcalc', () => {
  it('answers 503 with the reason, and the job records nothing', async () => {
    const bare = await createTestApp({ tools: { ffmpeg: null, ffprobe: null, ytDlp: null, fpcalc: null } });
    try {
      const u = await bare.user(['operative']);
      const { payload, contentType } = multipart([{ name: 'file', filename: 'clip.m4a', data: copyA }]);
      const res = await bare.app.inject({
        method: 'POST',
        url: '/api/v1/library/match',
        headers: { ...(await bare.bearer(u)), 'content-type': contentType },
        payload,
      });
      expect(res.statusCode).toBe(503);
      expect(res.json().error).toMatch(/ffmpeg and fpcalc/);
      expect(await bare.services.libraryMatch.fingerprintObject(sha256Of(copyA))).toBe('ffmpeg or fpcalc is not installed');
      expect(await bare.db.select().from(audioFingerprints)).toEqual([]);
    } finally {
      await bare.close();
    }
  });
});
