import { and, eq, sql } from 'drizzle-orm';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  auditLog,
  captures,
  deletionCertificates,
  evidenceObjects,
  libraryEntries,
  libraryEntryCaptures,
  libraryHistory,
} from '../src/db/schema/index.js';
import { bytesStill } from '../src/modules/evidence/evidence.service.js';
import { openEvidenceStore } from '../src/storage/open-store.js';
import type { EvidenceStore } from '../src/storage/evidence-store.js';
import { racingStore, sha256Of, upload } from './evidence-support.js';
import { referralIn } from './factories.js';
import { actorOf, createTestApp, TEST_DB, type TestApp } from './harness.js';
import { removedMusic } from './library-support.js';
import { makeMedia } from './media.js';

/**
 * The retention sweep (SOP 10.8, 2.2; issue 13 point 3; decision 017): what goes, what stays, the
 * certificate and the `erase` entry, the bytes, dry runs, idempotence, parallel sweeps, a failure
 * mid-entry and crash recovery. Each test makes its own entries and asserts on them alone: every
 * sweep sweeps all that is due.
 */

// 10 March 2026 in London: an entry removed on 10 January 2025 expired on 10 January 2026.
const NOW = new Date('2026-03-10T10:00:00Z');
let now = NOW;
let t: TestApp;
let dir: string;
let wav: Buffer;
/** The same store as the app's (same DATA_DIR and key), to look at the bytes. */
let store: EvidenceStore;
const race = racingStore();

beforeAll(async () => {
  t = await createTestApp({ clock: () => now, jobs: 'send', wrapStore: race.wrap });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'retention-test-'));
  wav = fs.readFileSync(await makeMedia(dir, 'track.wav', 'wav', 1, 587));
  store = await openEvidenceStore(t.config);
});
afterAll(async () => {
  await t?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const CONTENT = {
  contentTitle: 'Zed-Block – “Opp Pack” <script>alert(1)</script>',
  contentUrl: 'https://www.youtube.com/watch?v=retain-me-0001',
};

/** A library entry removed on `on`, its captured track's bytes its own (a WAV with a unique tail). */
async function entryRemovedOn(on: string, referral: Record<string, unknown> = {}) {
  const data = Buffer.concat([wav, randomBytes(32)]);
  const { made, entry } = await removedMusic(t, (d) => (now = d ?? NOW), on, { filename: 'track.wav', data }, referral);
  return { made, entry, sha: sha256Of(data) };
}

/** Stands for issue 15's referral retention: the referral's own captures are gone, so only the entry holds the bytes. */
const dropReferralCaptures = (referralId: string) => t.db.delete(captures).where(eq(captures.referralId, referralId));

/** The sweep's lines about library entries: their referrals, closed by the removal, are swept too (issue 15; test/retention-referrals.test.ts). */
const sweep = async (dryRun = false) => (await t.services.retention.sweep({ dryRun })).filter((i) => i.entity === 'library_entry');
const entryRow = async (id: string) => (await t.db.select().from(libraryEntries).where(eq(libraryEntries.id, id)))[0];
const certificatesOf = (id: string) => t.db.select().from(deletionCertificates).where(eq(deletionCertificates.entityId, id));
const erasesOf = (id: string) =>
  t.db
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.entity, 'library_entry'), eq(auditLog.entityId, id), eq(auditLog.operation, 'erase')));
const objectRow = async (sha: string) => (await t.db.select().from(evidenceObjects).where(eq(evidenceObjects.sha256, sha)))[0];
const ruleFor = (removedOn: string, expiresOn: string) =>
  `SOP 10.8, 2.2: removed musical content kept 12 months from removal on ${removedOn}, expired ${expiresOn}`;

describe('the retention sweep (SOP 10.8, 2.2)', () => {
  it('deletes an expired entry with its bytes, leaving a certificate and an erase entry with nothing of the content', async () => {
    const gone = await entryRemovedOn('2025-01-10', CONTENT);
    await dropReferralCaptures(gone.made.id);
    // A derived image of the capture (its waveform) goes with it.
    const png = Buffer.concat([Buffer.from('\x89PNG\r\n\x1a\n', 'latin1'), randomBytes(64)]);
    const image = await store.put(Readable.from([png]), { maxBytes: 1024 });
    await t.db.insert(evidenceObjects).values({ sha256: image.sha256, size: image.size, mediaType: 'image/png', storedAt: NOW });
    await t.db.update(evidenceObjects).set({ waveformSha256: image.sha256 }).where(eq(evidenceObjects.sha256, gone.sha));
    expect(await store.size(gone.sha)).toBe(wav.length + 32);

    const items = await sweep();

    expect(items.filter((i) => i.reference === gone.made.reference)).toEqual([
      {
        reference: gone.made.reference,
        entity: 'library_entry',
        rule: ruleFor('2025-01-10', '2026-01-10'),
        deleted: true,
        outcome: 'deleted',
      },
    ]);
    expect(await entryRow(gone.entry.id)).toBeUndefined();
    // The cascades took the entry's captures and history.
    expect(await t.db.select().from(libraryEntryCaptures).where(eq(libraryEntryCaptures.entryId, gone.entry.id))).toEqual([]);
    expect(await t.db.select().from(libraryHistory).where(eq(libraryHistory.entryId, gone.entry.id))).toEqual([]);
    expect(await objectRow(gone.sha)).toBeUndefined();
    expect(await objectRow(image.sha256)).toBeUndefined();
    expect(await store.size(gone.sha)).toBeNull();
    expect(await store.size(image.sha256)).toBeNull();

    // The certificate: what, when, under which rule, the hashes; no column of content exists to fill.
    expect(await certificatesOf(gone.entry.id)).toEqual([
      {
        id: expect.any(String),
        deletedAt: NOW,
        entity: 'library_entry',
        entityId: gone.entry.id,
        reference: gone.made.reference,
        rule: ruleFor('2025-01-10', '2026-01-10'),
        sha256s: [gone.sha],
      },
    ]);
    const [erase, ...more] = await erasesOf(gone.entry.id);
    expect(more).toEqual([]);
    expect(erase).toMatchObject({ actorId: null, purpose: 'SOP 10.8, 2.2: retention period ended (the retention sweep)' });
    expect(erase!.detail).toMatchObject({ reference: gone.made.reference, sha256s: [gone.sha], objectsDeleted: 2 });
    const said = JSON.stringify([erase, items, await certificatesOf(gone.entry.id)]);
    for (const content of [CONTENT.contentTitle, CONTENT.contentUrl, 'retain-me', gone.entry.rationale, gone.entry.summary])
      expect(said).not.toContain(content);
  });

  it('keeps a held entry, one not yet expired and one expiring today; keeps bytes the referral’s capture still holds', async () => {
    const held = await entryRemovedOn('2025-01-11');
    await t.services.library.placeHold(actorOf(held.made.people.sergeant), held.entry.id, {
      investigationReference: 'OP-TRIDENT-77',
      reason: 'Evidence in a live investigation',
      reviewOn: '2026-09-01',
    });
    await dropReferralCaptures(held.made.id);
    const today = await entryRemovedOn('2025-03-10');
    const later = await entryRemovedOn('2025-06-01');
    const shared = await entryRemovedOn('2025-01-12');
    // Its referral, closed by the removal, is held: its capture outlives the entry (issue 15 point 1).
    await t.services.referralHolds.place(actorOf(shared.made.people.sergeant), shared.made.id, {
      investigationReference: 'OP-SHARED-12',
      reason: 'The referral is evidence',
      reviewOn: '2026-09-01',
    });

    const items = await sweep();

    const references = items.map((i) => i.reference);
    for (const kept of [held, today, later]) {
      expect(references).not.toContain(kept.made.reference);
      expect(await entryRow(kept.entry.id)).toBeDefined();
      expect(await store.size(kept.sha)).not.toBeNull();
    }
    // The entry goes; its bytes stay while the referral's capture holds them, certified all the same.
    expect(await entryRow(shared.entry.id)).toBeUndefined();
    expect((await certificatesOf(shared.entry.id)).map((c) => c.sha256s)).toEqual([[shared.sha]]);
    expect(await objectRow(shared.sha)).toBeDefined();
    expect(await store.size(shared.sha)).toBe(wav.length + 32);
  });

  it('changes nothing on a dry run, and a second sweep does nothing (idempotent)', async () => {
    const due = await entryRemovedOn('2025-02-01');
    await dropReferralCaptures(due.made.id);
    const audited = async () => (await t.db.select({ n: sql<number>`count(*)::int` }).from(auditLog))[0]!.n;
    const before = await audited();

    const dry = await sweep(true);
    expect(dry.find((i) => i.reference === due.made.reference)).toMatchObject({ deleted: false, outcome: 'due' });
    expect(await entryRow(due.entry.id)).toBeDefined();
    expect(await certificatesOf(due.entry.id)).toEqual([]);
    expect(await store.size(due.sha)).not.toBeNull();
    expect(await audited()).toBe(before);

    expect((await sweep()).find((i) => i.reference === due.made.reference)).toMatchObject({ deleted: true });
    const again = await sweep();
    expect(again.map((i) => i.reference)).not.toContain(due.made.reference);
    expect(await certificatesOf(due.entry.id)).toHaveLength(1);
    expect(await erasesOf(due.entry.id)).toHaveLength(1);
  });

  it(`deletes each entry once when sweeps run at the same time (${TEST_DB})`, async () => {
    const due = [];
    for (let i = 0; i < 4; i++) due.push(await entryRemovedOn(`2025-02-0${i + 2}`));
    for (const d of due) await dropReferralCaptures(d.made.id);

    const runs = await Promise.all([sweep(), sweep(), sweep(), sweep()]);

    for (const d of due) {
      const lines = runs.flat().filter((i) => i.reference === d.made.reference);
      expect(lines.filter((i) => i.outcome === 'deleted')).toHaveLength(1);
      expect(lines.filter((i) => i.outcome === 'failed')).toEqual([]);
      expect(await certificatesOf(d.entry.id)).toHaveLength(1);
      expect(await erasesOf(d.entry.id)).toHaveLength(1);
      expect(await store.size(d.sha)).toBeNull();
    }
  });

  it('leaves an entry whole when its deletion fails midway, and deletes the others', async () => {
    const failing = await entryRemovedOn('2025-02-10');
    const fine = await entryRemovedOn('2025-02-11');
    for (const d of [failing, fine]) await dropReferralCaptures(d.made.id);
    // The certificate's insert fails for this entry alone, after the entry's own delete in the same transaction.
    await t.db.execute(
      sql.raw(`CREATE FUNCTION refuse_certificate() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.reference = '${failing.made.reference}' THEN RAISE EXCEPTION 'disk full'; END IF; RETURN NEW; END $$`),
    );
    await t.db.execute(
      sql`CREATE TRIGGER refuse_certificate BEFORE INSERT ON deletion_certificates FOR EACH ROW EXECUTE FUNCTION refuse_certificate()`,
    );
    let items;
    try {
      items = await sweep();
    } finally {
      await t.db.execute(sql`DROP TRIGGER refuse_certificate ON deletion_certificates`);
      await t.db.execute(sql`DROP FUNCTION refuse_certificate()`);
    }

    expect(items.find((i) => i.reference === failing.made.reference)).toMatchObject({ deleted: false, outcome: 'failed' });
    expect(items.find((i) => i.reference === fine.made.reference)).toMatchObject({ deleted: true });
    expect(await entryRow(failing.entry.id)).toMatchObject({ reference: failing.made.reference });
    expect(await t.db.select().from(libraryEntryCaptures).where(eq(libraryEntryCaptures.entryId, failing.entry.id))).toHaveLength(1);
    expect(await objectRow(failing.sha)).toBeDefined();
    expect(await store.size(failing.sha)).not.toBeNull();
    expect(await certificatesOf(failing.entry.id)).toEqual([]);
    expect(await erasesOf(failing.entry.id)).toEqual([]);
    expect(await entryRow(fine.entry.id)).toBeUndefined();

    // The next sweep finishes it.
    expect((await sweep()).find((i) => i.reference === failing.made.reference)).toMatchObject({ deleted: true });
    expect(await store.size(failing.sha)).toBeNull();
  });

  it('mends a crash between the commit and the bytes: certified bytes with no row are deleted by the next sweep', async () => {
    const put = async () => store.put(Readable.from([randomBytes(256)]), { maxBytes: 1024 });
    const orphan = await put();
    const reUploaded = await put();
    // Stored again since: its row is back, so its bytes are another record's now.
    await t.db
      .insert(evidenceObjects)
      .values({ sha256: reUploaded.sha256, size: 256, mediaType: 'application/octet-stream', storedAt: NOW });
    await t.db.insert(deletionCertificates).values({
      deletedAt: new Date(NOW.getTime() - 3600_000),
      entity: 'library_entry',
      entityId: '00000000-0000-4000-8000-000000000001',
      reference: 'OHRT-2026-999999',
      rule: ruleFor('2025-01-01', '2026-01-01'),
      sha256s: [orphan.sha256, reUploaded.sha256],
    });

    await sweep();

    expect(await store.size(orphan.sha256)).toBeNull();
    expect(await store.size(reUploaded.sha256)).toBe(256);
  });
});

describe('the race rule (decisions 014, 017)', () => {
  it('fails an upload cleanly (503, nothing kept) when the sweep deleted its bytes between the put and the row', async () => {
    const made = await referralIn(t, 'referred');
    const data = Buffer.concat([wav, randomBytes(32)]);
    const answer = await race.lose(() => upload(t, made.people.operative, made.id, [{ name: 'file', filename: 'track.wav', data }]));
    expect(answer.status).toBe(503);
    expect(answer.json.error).toBe('The file was being deleted by the retention sweep as it arrived: nothing was kept, upload it again');
    expect(await t.db.select().from(captures).where(eq(captures.referralId, made.id))).toEqual([]);
    expect(await objectRow(sha256Of(data))).toBeUndefined();
    // Sent again, it is stored.
    expect((await upload(t, made.people.operative, made.id, [{ name: 'file', filename: 'track.wav', data }])).status).toBe(201);
    expect(await store.size(sha256Of(data))).toBe(data.length);
  });

  it('refuses to make a row for bytes deleted since the put, under the hash’s lock', async () => {
    const stored = await store.put(Readable.from([randomBytes(128)]), { maxBytes: 1024 });
    expect(await t.db.transaction((tx) => bytesStill(tx, store, stored.sha256))).toBe(true);
    await store.delete(stored.sha256);
    expect(await t.db.transaction((tx) => bytesStill(tx, store, stored.sha256))).toBe(false);
  });
});
