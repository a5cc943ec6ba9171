import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog } from '../src/db/schema/index.js';
import { upload } from './evidence-support.js';
import { actorOf, createTestApp, type TestApp } from './harness.js';
import { apiSteps, castOf, fullReferral, JOURNEY_NOW, REQUESTER_GAVE, UNIT_WORKING, type Cast } from './journey.js';
import { makeMedia } from './media.js';
import { findSecrets } from './secret-scan.js';

/**
 * The audit log keeps no personal data (DPA 2018 s.62; issue 15 point 1): it outlives every record
 * the sweep deletes, so each entry's detail and purpose may carry ids, references, counts and hashes,
 * never a name, a handle, a date of birth, an address or a free text. A realistic journey (intake with
 * subjects, review, drafts, QA returned and approved, submission, decision, appeal, close, evidence,
 * a hold, its release, the sweep 13 months on) and then a scan of every entry for each value it used.
 */

let now = JOURNEY_NOW;
let t: TestApp;
let cast: Cast;
let dir: string;
let wav: Buffer;

const SUBJECTS = [
  { name: 'Keisha-Marie O’Donnell-Baptiste', category: 'suspect', ageBand: '18_24', dateOfBirth: '2005-11-23' },
  { name: '@drillboy_k7', category: 'suspect', ageBand: '18_24' },
  { name: 'Tobiah Ní Fhearghail', category: 'victim', ageBand: '25_plus', dateOfBirth: '1991-02-08' },
];
const CONTENT_URL = 'https://www.youtube.com/watch?v=scanme-0042';
const FILE_NAME = 'keisha-marie_phone-capture.wav';
const HOLD = { investigationReference: 'OP-ORIOLE-3', reason: 'Witness statement names Keisha-Marie', reviewOn: '2027-06-01' };
const RELEASE_REASON = 'Tobiah withdrew the complaint';

/** Every personal value and free text the journey used, as the scan looks for them. */
const PERSONAL = [
  ...SUBJECTS.map((s) => s.name),
  'Keisha-Marie',
  'drillboy_k7',
  '2005-11-23',
  '1991-02-08',
  CONTENT_URL,
  'scanme-0042',
  FILE_NAME,
  REQUESTER_GAVE.contentTitle,
  REQUESTER_GAVE.rationale,
  ...Object.entries(UNIT_WORKING)
    .filter(([k]) => k !== 'externalReference')
    .map(([, v]) => v),
  HOLD.reason,
  RELEASE_REASON,
];

beforeAll(async () => {
  t = await createTestApp({ clock: () => now, jobs: 'send' });
  cast = await castOf(t);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'audit-scan-'));
  wav = fs.readFileSync(await makeMedia(dir, 'clip.wav', 'wav', 1, 440));
}, 120_000);
afterAll(async () => {
  await t?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('the audit log holds no personal data (DPA 2018 s.62; issue 15 point 1)', () => {
  it('after a whole journey, a hold and the sweep, no entry’s detail or purpose holds a value the journey used', async () => {
    const steps = apiSteps(t, cast);
    const id = await fullReferral({
      ...steps,
      intake: () => steps.intake({ contentUrl: CONTENT_URL, subjects: SUBJECTS }),
      // Once assigned, a capture with a telling file name (SOP 9.1), and the referral read (a consultation).
      assign: async (referralId) => {
        const answer = await steps.assign(referralId);
        const up = await upload(t, cast.operative, referralId, [{ name: 'file', filename: FILE_NAME, data: wav }]);
        expect(up.status).toBe(201);
        const read = await steps.get(cast.operative, `/referrals/${referralId}`);
        expect(read.status).toBe(200);
        // The scan finds these values where they belong (the referral itself): it is not blind.
        const seen = new Set(findSecrets('answer', read.body, PERSONAL).map((f) => PERSONAL[f.secret]));
        for (const v of [SUBJECTS[0]!.name, '@drillboy_k7', '2005-11-23', CONTENT_URL]) expect(seen).toContain(v);
        return answer;
      },
    });
    await t.services.referralHolds.place(actorOf(cast.sergeant), id, HOLD);
    now = new Date('2027-03-20T10:00:00Z');
    expect((await t.services.retention.sweep({ dryRun: false })).filter((i) => i.reference)).toEqual([]);
    await t.services.referralHolds.release(actorOf(cast.inspector), id, { reason: RELEASE_REASON });
    now = new Date('2027-03-21T10:00:00Z');
    const swept = await t.services.retention.sweep({ dryRun: false });
    expect(swept.map((i) => i.outcome)).toEqual(['deleted']);

    const entries = await t.db.select().from(auditLog);
    expect(entries.length).toBeGreaterThan(15);
    for (const op of ['collect', 'alter', 'consult', 'erase']) expect(entries.map((e) => e.operation)).toContain(op);
    const findings = entries.flatMap((e) =>
      findSecrets(`audit #${e.seq} ${e.operation} ${e.entity}`, JSON.stringify([e.detail, e.purpose]), PERSONAL).map((f) => ({
        ...f,
        value: PERSONAL[f.secret],
      })),
    );
    expect(findings).toEqual([]);
  });
});
