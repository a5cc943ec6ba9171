import { and, eq, inArray, sql } from 'drizzle-orm';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  auditLog,
  captures,
  deletionCertificates,
  evidenceObjects,
  libraryEntries,
  referralEvents,
  referrals,
  reviews,
  subjects,
} from '../src/db/schema/index.js';
import { openEvidenceStore } from '../src/storage/open-store.js';
import type { EvidenceStore } from '../src/storage/evidence-store.js';
import { sha256Of, upload } from './evidence-support.js';
import { CLOSINGS, referralIn, type Made, type State } from './factories.js';
import { actorOf, createTestApp, TEST_DB, type TestApp, type TestUser } from './harness.js';
import { removedMusic } from './library-support.js';
import { makeMedia } from './media.js';

/**
 * Retention for every referral (SOP 2.2, DPA 2018 s.39; issue 15 point 1; decisions 021, 022): over
 * a year and more of referrals made through the services, the sweep deletes exactly the closed ones
 * whose 12 months from closure have ended and are not held, with all they hold, a certificate and an
 * `erase` entry each; the reports' facts are the same before and after; bytes another record holds
 * stay; parallel sweeps delete each once. Holds: API, page, roles, audit, events.
 */

// 10 March 2026 in London: a referral closed on 9 March 2025 expired on 9 March 2026 and is due.
const NOW = new Date('2026-03-10T10:00:00Z');
let now = NOW;
let t: TestApp;
let dir: string;
let store: EvidenceStore;
let sergeant: TestUser;
let operative: TestUser;
let auditor: TestUser;

type Made1 = { made: Made; at: string; state: State };
/** What the year of data holds, by what the sweep must do with it. */
const due: Made1[] = [];
const kept: Made1[] = [];
let heldDue: Made;
let sharedDue: Made;
let sharedKept: Made;
let sharedSha: string;
let ownSha: string;
let musicDue: Awaited<ReturnType<typeof removedMusic>>;

/** A referral made (and, for `closed`, closed) at `at` by the test's clock. */
async function madeAt(at: string, state: State, i: number) {
  now = new Date(at);
  try {
    const closing = CLOSINGS[i % CLOSINGS.length];
    const subjectsOver = {
      contentUploadedOn: '2024-09-01',
      subjects: [
        { name: `Jay-Dee O’Neill-${i}`, category: 'suspect', ageBand: i % 2 ? '16_17' : '18_24' },
        { name: `@opp_block_${i}`, category: 'victim', ageBand: '25_plus' },
      ],
    };
    return await referralIn(t, state, { closing, referral: subjectsOver });
  } finally {
    now = NOW;
  }
}

const FACT_COLUMNS = {
  subject: 'quarter, category, age_band, ethnicity, ethnicity_recorded_as, sex, status, outcome, referred',
  notice: 'quarter, platform, channel, factors, decision, final_decision, days_to_decision, appealed, involves_child',
};
/** What a report counts (decision 021): the live view and the retained table together, grouped by every column. */
async function facts(kind: 'subject' | 'notice') {
  const cols = FACT_COLUMNS[kind];
  const { rows } = await t.db.execute(
    sql.raw(`SELECT ${cols}, count(*)::int AS n FROM (
      SELECT ${cols} FROM live_${kind}_facts UNION ALL SELECT ${cols} FROM retained_${kind}_facts) f
      GROUP BY ${cols} ORDER BY ${cols}`),
  );
  return rows;
}
const retainedCount = async () => {
  const { rows } = await t.db.execute<{ n: number }>(sql`SELECT (SELECT count(*) FROM retained_subject_facts)::int AS n`);
  return rows[0]!.n;
};

const sweep = (dryRun = false) => t.services.retention.sweep({ dryRun });
const referralRow = async (id: string) => (await t.db.select().from(referrals).where(eq(referrals.id, id)))[0];
const certificatesOf = (id: string) => t.db.select().from(deletionCertificates).where(eq(deletionCertificates.entityId, id));
const erasesOf = (id: string) =>
  t.db
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.entity, 'referral'), eq(auditLog.entityId, id), eq(auditLog.operation, 'erase')));

beforeAll(async () => {
  t = await createTestApp({ clock: () => now, jobs: 'send' });
  store = await openEvidenceStore(t.config);
  sergeant = await t.user(['sergeant'], { displayName: 'DS Rhiannon Ap-Gwilym' });
  operative = await t.user(['operative']);
  auditor = await t.user(['auditor']);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'retention-referrals-'));
  const wav = fs.readFileSync(await makeMedia(dir, 'track.wav', 'wav', 1, 523));

  // A year and more of referrals (SOP 2.2): closed before the cut (due), on it and after (kept), open ones (kept).
  const plan: [string, State, 'due' | 'kept'][] = [
    ['2024-11-04T09:00:00Z', 'closed', 'due'],
    ['2024-12-18T15:00:00Z', 'closed', 'due'],
    ['2025-01-20T11:00:00Z', 'closed', 'due'],
    ['2025-03-09T23:59:00Z', 'closed', 'due'], // London 9 March 2025 (GMT): expired 9 March 2026
    ['2025-03-10T00:01:00Z', 'closed', 'kept'], // London 10 March 2025: expires today, kept until tomorrow
    ['2025-05-02T10:00:00Z', 'closed', 'kept'],
    ['2025-09-30T23:30:00Z', 'closed', 'kept'], // London 1 October (BST)
    ['2025-12-01T10:00:00Z', 'closed', 'kept'],
    ['2024-10-01T10:00:00Z', 'referred', 'kept'], // open for 17 months: never swept
    ['2024-12-01T10:00:00Z', 'in_review', 'kept'],
  ];
  for (const [i, [at, state, fate]] of plan.entries()) (fate === 'due' ? due : kept).push({ made: await madeAt(at, state, i), at, state });

  // Held before its 12 months ended (CPIA 1996): kept.
  heldDue = await madeAt('2025-02-03T10:00:00Z', 'closed', 20);
  now = new Date('2026-01-15T10:00:00Z');
  await t.services.referralHolds.place(actorOf(sergeant), heldDue.id, {
    investigationReference: 'OP-NIGHTJAR-4',
    reason: 'Disclosure to the CPS pending',
    reviewOn: '2026-03-01',
  });
  now = NOW;

  // The same bytes captured by a due referral and a kept one; other bytes the due one's alone.
  const shared = Buffer.concat([wav, randomBytes(32)]);
  const own = Buffer.concat([wav, randomBytes(32)]);
  [sharedSha, ownSha] = [sha256Of(shared), sha256Of(own)];
  sharedDue = await madeAt('2025-02-10T10:00:00Z', 'referred', 30);
  sharedKept = await madeAt('2025-02-11T10:00:00Z', 'referred', 31);
  for (const [m, files] of [
    [sharedDue, [shared, own]],
    [sharedKept, [shared]],
  ] as const)
    for (const data of files)
      expect((await upload(t, m.people.operative, m.id, [{ name: 'file', filename: 'clip.wav', data }])).status).toBe(201);
  // Closed on 10 February 2025 (the platform removed it), the other left open.
  now = new Date('2025-02-10T12:00:00Z');
  await t.services.platformReferrals.recordSubmission(actorOf(sharedDue.people.operative), sharedDue.id, 'youtube', {
    channel: 'trusted_flagger',
    submittedAt: now.toISOString(),
    externalReference: undefined,
  });
  await t.services.platformReferrals.recordDecision(actorOf(sharedDue.people.operative), sharedDue.id, 'youtube', {
    outcome: 'removed',
    decidedOn: '2025-02-10',
  });
  now = NOW;

  // Removed music: its library entry, held, outlives the deleted referral (its referral_id set null).
  musicDue = await removedMusic(t, (d) => (now = d ?? NOW), '2025-01-25', {
    filename: 'track.wav',
    data: Buffer.concat([wav, randomBytes(32)]),
  });
  await t.services.library.placeHold(actorOf(sergeant), musicDue.entry.id, {
    investigationReference: 'OP-LIB-9',
    reason: 'The track is evidence',
    reviewOn: '2026-06-01',
  });
}, 600_000);

afterAll(async () => {
  await t?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('the retention sweep over a year of referrals (SOP 2.2, DPA 2018 s.39)', () => {
  it('deletes exactly the closed referrals past 12 months and not held, with all they hold; facts unchanged', async () => {
    const goes = [...due.map((d) => d.made), sharedDue, musicDue.made];
    const stays = [...kept.map((d) => d.made), heldDue, sharedKept];
    expect((await referralRow(sharedDue.id))!.status).toBe('closed');
    const subjectFacts = await facts('subject');
    const noticeFacts = await facts('notice');
    expect(subjectFacts.length).toBeGreaterThan(3);
    expect(noticeFacts.length).toBeGreaterThan(0);
    const goneSubjects = await t.db
      .select()
      .from(subjects)
      .where(
        inArray(
          subjects.referralId,
          goes.map((m) => m.id),
        ),
      );

    const dry = await sweep(true);
    expect(
      dry
        .filter((i) => i.entity === 'referral')
        .map((i) => i.reference)
        .sort(),
    ).toEqual(goes.map((m) => m.reference).sort());
    for (const m of goes) expect(await referralRow(m.id)).toBeDefined();

    const items = (await sweep()).filter((i) => i.entity === 'referral');

    expect(items.map((i) => i.reference).sort()).toEqual(goes.map((m) => m.reference).sort());
    expect(items.every((i) => i.outcome === 'deleted')).toBe(true);
    const goneIds = goes.map((m) => m.id);
    for (const m of goes) expect(await referralRow(m.id), m.reference).toBeUndefined();
    for (const m of stays) expect(await referralRow(m.id), m.reference).toBeDefined();
    // Everything they held went with them (the cascades).
    for (const table of [subjects, reviews, referralEvents, captures] as const)
      expect(await t.db.select().from(table).where(inArray(table.referralId, goneIds))).toEqual([]);
    // The reports' figures are the same, by quarter and every column (decision 021).
    expect(await facts('subject')).toEqual(subjectFacts);
    expect(await facts('notice')).toEqual(noticeFacts);
    expect(await retainedCount()).toBe(goneSubjects.length);

    // Bytes a kept referral holds stay; the due referral's own went.
    expect(await t.db.select().from(evidenceObjects).where(eq(evidenceObjects.sha256, sharedSha))).toHaveLength(1);
    expect(await store.size(sharedSha)).not.toBeNull();
    expect(await t.db.select().from(evidenceObjects).where(eq(evidenceObjects.sha256, ownSha))).toEqual([]);
    expect(await store.size(ownSha)).toBeNull();
    // The held library entry outlives its referral.
    const [entry] = await t.db.select().from(libraryEntries).where(eq(libraryEntries.id, musicDue.entry.id));
    expect(entry).toMatchObject({ referralId: null, reference: musicDue.made.reference });

    // One certificate and one erase entry each, with ids, the rule and hashes only.
    const [cert, ...more] = await certificatesOf(sharedDue.id);
    expect(more).toEqual([]);
    expect(cert).toMatchObject({
      entity: 'referral',
      reference: sharedDue.reference,
      rule: 'SOP 2.2, DPA 2018 s.39: closed referral kept 12 months from closure on 2025-02-10, expired 2026-02-10',
      sha256s: [sharedSha, ownSha].sort(),
      deletedAt: NOW,
    });
    for (const m of goes) {
      expect(await certificatesOf(m.id)).toHaveLength(1);
      const [erase] = await erasesOf(m.id);
      expect(erase).toMatchObject({ actorId: null, purpose: 'SOP 2.2, DPA 2018 s.39: retention period ended (the retention sweep)' });
      expect(Object.keys(erase!.detail as object).sort()).toEqual(['certificateId', 'objectsDeleted', 'reference', 'sha256s']);
    }
    const said = JSON.stringify([items, await t.db.select().from(deletionCertificates)]);
    for (const personal of ['Jay-Dee', 'opp_block', 'youtube.com/watch', 'Zone 2 Smoke', 'Threatens a named rival'])
      expect(said).not.toContain(personal);

    // Idempotent: nothing more is due.
    expect((await sweep()).filter((i) => i.entity === 'referral')).toEqual([]);
  });

  it(`deletes each referral once when sweeps run at the same time (${TEST_DB})`, async () => {
    const batch: Made[] = [];
    for (let i = 0; i < 4; i++) batch.push(await madeAt(`2025-01-0${i + 2}T10:00:00Z`, 'closed', 40 + i));
    const runs = await Promise.all([sweep(), sweep(), sweep(), sweep()]);
    for (const m of batch) {
      const lines = runs.flat().filter((i) => i.reference === m.reference);
      expect(lines.filter((i) => i.outcome === 'deleted')).toHaveLength(1);
      expect(lines.filter((i) => i.outcome === 'failed')).toEqual([]);
      expect(await certificatesOf(m.id)).toHaveLength(1);
      expect(await erasesOf(m.id)).toHaveLength(1);
    }
  });

  it('lists referrals in the upcoming answer: what goes in the window, what is held, holds due for review', async () => {
    const answer = await (await t.api(sergeant)).get('/api/v1/retention/upcoming?days=30');
    expect(answer.status).toBe(200);
    const referralItems = (list: { kind: string; reference: string }[]) =>
      list.filter((i) => i.kind === 'referral').map((i) => i.reference);
    // Closed 10 March 2025 (expires today) is listed; 2 May 2025 expires after the window's 9 April 2026.
    expect(referralItems(answer.json.expiring)).toEqual([kept[0]!.made.reference]);
    expect(answer.json.expiring.find((i: { kind: string }) => i.kind === 'referral')).toEqual({
      kind: 'referral',
      id: kept[0]!.made.id,
      reference: kept[0]!.made.reference,
      expiresOn: '2026-03-10',
    });
    const held = answer.json.held.find((h: { id: string }) => h.id === heldDue.id);
    expect(held).toEqual({
      kind: 'referral',
      id: heldDue.id,
      reference: heldDue.reference,
      expiresOn: '2026-02-03',
      hold: {
        investigationReference: 'OP-NIGHTJAR-4',
        reason: 'Disclosure to the CPS pending',
        placedBy: { id: sergeant.id, username: sergeant.username, name: 'DS Rhiannon Ap-Gwilym' },
        placedAt: '2026-01-15T10:00:00.000Z',
        reviewOn: '2026-03-01',
        reviewDue: true,
      },
    });
    expect(referralItems(answer.json.reviewDue)).toEqual([heldDue.reference]);
    const page = await (await t.browser(sergeant)).get('/retention');
    expect(page.body).toContain(`href="/referrals/${heldDue.id}/hold" data-qa="referral-link">${heldDue.reference}`);
  });

  it('lists a restricted referral to auditors alone (DPA 2018 s.47, decision 023)', async () => {
    const auditorApi = await t.api(auditor);
    for (const id of [kept[0]!.made.id, heldDue.id])
      expect((await auditorApi.post(`/api/v1/referrals/${id}/restriction`, { reason: 'Accuracy contested by the subject' })).status).toBe(
        200,
      );
    const ids = (a: { json: { expiring: { id: string }[]; held: { id: string }[] } }) => [
      ...a.json.expiring.map((i) => i.id),
      ...a.json.held.map((i) => i.id),
    ];
    const bySergeant = ids(await (await t.api(sergeant)).get('/api/v1/retention/upcoming?days=30'));
    expect(bySergeant).not.toContain(kept[0]!.made.id);
    expect(bySergeant).not.toContain(heldDue.id);
    expect((await (await t.browser(sergeant)).get('/retention')).body).not.toContain(heldDue.reference);
    const byAuditor = ids(await auditorApi.get('/api/v1/retention/upcoming?days=30'));
    expect(byAuditor).toEqual(expect.arrayContaining([kept[0]!.made.id, heldDue.id]));
    for (const id of [kept[0]!.made.id, heldDue.id])
      expect((await auditorApi.post(`/api/v1/referrals/${id}/restriction/release`, { reason: 'Accuracy confirmed' })).status).toBe(200);
    expect(ids(await (await t.api(sergeant)).get('/api/v1/retention/upcoming?days=30'))).toContain(heldDue.id);
  });
});

describe('holds on closed referrals (CPIA 1996; issue 15 point 1)', () => {
  it('places, reviews and releases a hold, each audited with a referral event; refuses open, twice, bad input and other roles', async () => {
    const closed = await madeAt('2025-08-01T10:00:00Z', 'closed', 50);
    const open = kept.find((k) => k.state === 'in_review')!.made;
    const api = await t.api(sergeant);
    const body = { investigationReference: 'OP-KESTREL-2', reason: 'Named in a live murder investigation', reviewOn: '2026-06-30' };

    const placed = await api.post(`/api/v1/referrals/${closed.id}/hold`, body);
    expect(placed.status).toBe(200);
    expect(placed.json).toMatchObject({ id: closed.id, status: 'closed', expiresOn: '2026-08-01', hold: { ...body, reviewDue: false } });
    expect((await api.post(`/api/v1/referrals/${closed.id}/hold`, body)).status).toBe(409);
    expect((await api.post(`/api/v1/referrals/${open.id}/hold`, body)).status).toBe(409);
    const bad = await api.post(`/api/v1/referrals/${closed.id}/hold`, {
      ...body,
      reviewOn: '2026-02-30',
      investigationReference: 'x'.repeat(61),
    });
    expect(bad.status).toBe(400);
    expect(bad.json.fields.map((f: { path: string }) => f.path).sort()).toEqual(['investigationReference', 'reviewOn']);
    for (const u of [operative, auditor, closed.people.requester])
      expect((await (await t.api(u)).post(`/api/v1/referrals/${closed.id}/hold`, body)).status).toBe(403);

    const reviewed = await api.post(`/api/v1/referrals/${closed.id}/hold/review`, { reason: 'Trial set for 2027', reviewOn: '2027-01-10' });
    expect(reviewed.json.hold).toMatchObject({ investigationReference: 'OP-KESTREL-2', reviewOn: '2027-01-10' });
    const released = await api.post(`/api/v1/referrals/${closed.id}/hold/release`, { reason: 'Case concluded' });
    expect(released.json.hold).toBeNull();
    expect((await api.post(`/api/v1/referrals/${closed.id}/hold/release`, { reason: 'Again' })).status).toBe(409);

    const events = await t.db.select().from(referralEvents).where(eq(referralEvents.referralId, closed.id));
    expect(events.filter((e) => e.action.startsWith('hold_')).map((e) => e.action)).toEqual([
      'hold_placed',
      'hold_reviewed',
      'hold_released',
    ]);
    const audits = await t.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.entity, 'referral'), eq(auditLog.entityId, closed.id), eq(auditLog.operation, 'alter')));
    const holdsAudited = audits.map((a) => (a.detail as { hold?: string }).hold).filter((h) => h !== undefined);
    expect(holdsAudited).toEqual(['placed', 'reviewed', 'released']);
    // No free text in the audit (DPA 2018 s.62): the reasons are on the referral's events only.
    expect(JSON.stringify(audits)).not.toMatch(/murder|Trial set|concluded/);
  });

  it('offers the hold from the referral page and asks before releasing (CSRF forms)', async () => {
    const closed = await madeAt('2025-08-02T10:00:00Z', 'closed', 51);
    const b = await t.browser(sergeant);
    expect((await b.get(`/referrals/${closed.id}`)).body).toContain(`href="/referrals/${closed.id}/hold"`);
    const page = await b.get(`/referrals/${closed.id}/hold`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('data-qa="hold-form"');
    expect(page.body).toContain('name="_csrf"');
    const form = {
      investigationReference: 'OP-WREN-1',
      reason: 'Suspect charged',
      'reviewOn-day': '1',
      'reviewOn-month': '9',
      'reviewOn-year': '2026',
    };
    const empty = await b.post(`/referrals/${closed.id}/hold`, { ...form, investigationReference: '' });
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain('Enter the investigation reference');
    const held = await b.post(`/referrals/${closed.id}/hold`, form);
    expect(held.statusCode).toBe(302);
    expect((await referralRow(closed.id))!.holdInvestigationReference).toBe('OP-WREN-1');
    await b.get(`/referrals/${closed.id}/hold`);
    const ask = await b.post(`/referrals/${closed.id}/hold/release`, { reason: 'No longer needed' });
    expect(ask.statusCode).toBe(200);
    expect(ask.body).toContain('Are you sure you want to release the hold?');
    expect((await referralRow(closed.id))!.holdPlacedAt).not.toBeNull();
    const done = await b.post(`/referrals/${closed.id}/hold/release`, { reason: 'No longer needed', confirm: 'yes' });
    expect(done.statusCode).toBe(302);
    expect((await referralRow(closed.id))!.holdPlacedAt).toBeNull();
    // Without the CSRF token, refused.
    expect((await b.post(`/referrals/${closed.id}/hold`, { ...form, _csrf: '' })).statusCode).toBe(403);
    // An operative is not offered it.
    expect((await (await t.browser(operative)).get(`/referrals/${closed.id}`)).body).not.toContain('/hold"');
  });
});
