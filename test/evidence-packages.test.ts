import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyPackage } from '../src/modules/evidence/evidence-package.js';
import { castOf, referralIn } from './factories.js';
import { createTestApp, type TestApp, type TestUser } from './harness.js';
import { sha256Of, upload } from './evidence-support.js';
import { makeMedia } from './media.js';
import { temporaryDir } from './processes.js';

/** Issue 12 point 5 (SOP 3.1.2, 6.3): packages through the API, checked with the verifier the CLI uses. */
describe('evidence packages', () => {
  let t: TestApp;
  let people: Record<'operative' | 'sergeant' | 'inspector', TestUser>;
  const dir = temporaryDir('rd-evidence-packages-');
  let mp4: Buffer;
  let mp3: Buffer;

  beforeAll(async () => {
    t = await createTestApp({ jobs: 'send' });
    people = await castOf(t, {
      operative: { displayName: 'Dev Okafor', roles: ['operative'] },
      sergeant: { displayName: 'Sgt Mia Ford', roles: ['sergeant'] },
      inspector: { displayName: 'Insp Joe Bann', roles: ['inspector'] },
    });
    mp4 = fs.readFileSync(await makeMedia(dir.dir, 'clip.mp4', 'mp4', 2));
    mp3 = fs.readFileSync(await makeMedia(dir.dir, 'tone.mp3', 'mp3', 2));
  });
  afterAll(async () => {
    await t?.close();
    dir.remove();
  });

  /** A referred referral (it has its intelligence record, so its handling code) with two captures. */
  async function referredWithCaptures(qa: Record<string, unknown> = {}) {
    const r = await referralIn(t, 'referred', { people: { operative: people.operative, sergeant: people.sergeant }, qa });
    const a = await upload(t, people.operative, r.id, [{ name: 'file', filename: 'clip.mp4', data: mp4 }]);
    const b = await upload(t, people.operative, r.id, [{ name: 'file', filename: 'tone.mp3', data: mp3 }]);
    return { r, ids: [a.json.id as string, b.json.id as string] };
  }

  async function downloaded(referralId: string, packageId: string, who = people.operative) {
    const res = await t.app.inject({
      method: 'GET',
      url: `/api/v1/referrals/${referralId}/evidence-packages/${packageId}`,
      headers: await t.bearer(who),
    });
    const file = path.join(dir.dir, `${packageId}.zip`);
    fs.writeFileSync(file, res.rawPayload);
    return { res, file };
  }

  it('packs the chosen captures with a manifest holding their hashes and the handling code and conditions; the hashes verify', async () => {
    const { r, ids } = await referredWithCaptures({
      handlingCode: 'C',
      handlingConditions: 'Not to be disclosed outside Operation Larch without the SIO’s consent',
    });
    const api = await t.api(people.operative);
    const made = await api.post(`/api/v1/referrals/${r.id}/evidence-packages`, {
      recipient: 'DC Priya Shah, Operation Larch',
      purpose: 'Evidence for the investigation of the March stabbing',
      captureIds: [ids[1]],
    });
    expect(made.status).toBe(201);
    expect(made.json).toMatchObject({
      recipient: 'DC Priya Shah, Operation Larch',
      captureIds: [ids[1]],
      createdBy: { name: 'Dev Okafor' },
    });
    const { res, file } = await downloaded(r.id, made.json.id);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/zip');
    expect(sha256Of(res.rawPayload)).toBe(made.json.sha256);
    expect(res.rawPayload.length).toBe(made.json.size);
    const report = await verifyPackage(file);
    expect(report.ok).toBe(true);
    expect(report.packageSha256).toBe(made.json.sha256);
    expect(report.manifest).toMatchObject({
      reference: r.reference,
      createdBy: 'Dev Okafor',
      recipient: 'DC Priya Shah, Operation Larch',
      purpose: 'Evidence for the investigation of the March stabbing',
      handling: { handlingCode: 'C', handlingConditions: 'Not to be disclosed outside Operation Larch without the SIO’s consent' },
      files: [{ sha256: sha256Of(mp3), size: mp3.length, mediaType: 'audio/mpeg', capturedBy: 'Dev Okafor', source: { kind: 'upload' } }],
    });
    // The name in the zip comes from the capture, never from the uploaded name.
    expect(report.manifest!.files[0]!.path).toBe(`captures/${ids[1]}.mp3`);
  });

  it('packs every stored capture when none is chosen, and records the disclosure with its recipient and purpose', async () => {
    const { r, ids } = await referredWithCaptures();
    const api = await t.api(people.sergeant);
    const made = await api.post(`/api/v1/referrals/${r.id}/evidence-packages`, {
      recipient: 'CPS London South',
      purpose: 'Charging decision file',
    });
    expect(made.status).toBe(201);
    expect(made.json.captureIds).toEqual(ids);
    const { file } = await downloaded(r.id, made.json.id, people.sergeant);
    const report = await verifyPackage(file);
    expect(report.ok).toBe(true);
    expect(report.manifest!.handling).toEqual({ handlingCode: 'P', handlingConditions: null });
    expect(report.files.map((f) => f.sha256).sort()).toEqual([sha256Of(mp4), sha256Of(mp3)].sort());
    const disclosure = (await t.services.audit.list({ entity: 'evidence_package', entityId: made.json.id, operation: 'disclose' }, 1, 5))
      .items;
    expect(disclosure).toHaveLength(1);
    expect(disclosure[0]).toMatchObject({
      recipient: 'CPS London South',
      purpose: 'Charging decision file',
      actorUsername: people.sergeant.username,
    });
    const consults = (await t.services.audit.list({ entity: 'evidence_package', entityId: made.json.id, operation: 'consult' }, 1, 5))
      .items;
    expect(consults).toHaveLength(1);
  });

  it('refuses a package without a recipient or purpose, with unknown or repeated captures, or before the intelligence record exists', async () => {
    const { r, ids } = await referredWithCaptures();
    const api = await t.api(people.operative);
    const url = `/api/v1/referrals/${r.id}/evidence-packages`;
    const bad = await api.post(url, {
      recipient: ' ',
      purpose: '\u0000',
      captureIds: [ids[0], ids[0], '6b3a1c52-1111-4111-8111-111111111111'],
    });
    expect(bad.status).toBe(400);
    expect(bad.json.fields.map((f: { path: string }) => f.path).sort()).toEqual(['captureIds[1]', 'purpose', 'recipient']);
    const unknown = await api.post(url, {
      recipient: 'DC Shah',
      purpose: 'Investigation',
      captureIds: ['6b3a1c52-1111-4111-8111-111111111111'],
    });
    expect(unknown.status).toBe(400);
    expect(unknown.json.fields).toEqual([{ path: 'captureIds[0]', message: 'Not a stored capture of this referral' }]);
    const tooMany = await api.post(url, {
      recipient: 'DC Shah',
      purpose: 'Investigation',
      captureIds: Array.from({ length: 300 }, () => ids[0]),
    });
    expect(tooMany.status).toBe(400);
    expect(tooMany.json.fields).toEqual([{ path: 'captureIds', message: 'Choose at most 200 captures' }]);
    const early = await referralIn(t, 'in_review', { people: { operative: people.operative } });
    await upload(t, people.operative, early.id, [{ name: 'file', filename: 'a.mp3', data: mp3 }]);
    const notYet = await api.post(`/api/v1/referrals/${early.id}/evidence-packages`, { recipient: 'DC Shah', purpose: 'Investigation' });
    expect(notYet.status).toBe(409);
    expect(notYet.json.error).toMatch(/handling code/);
    expect((await (await t.api(people.inspector)).post(url, { recipient: 'DC Shah', purpose: 'Investigation' })).status).toBe(403);
  });

  it('finds a package whose file was changed after download', async () => {
    const { r } = await referredWithCaptures();
    const made = await (
      await t.api(people.operative)
    ).post(`/api/v1/referrals/${r.id}/evidence-packages`, { recipient: 'DC Shah', purpose: 'Investigation' });
    const { file } = await downloaded(r.id, made.json.id);
    const bytes = fs.readFileSync(file);
    // A byte in the middle of the stored media (entries are stored, not deflated).
    bytes[Math.floor(bytes.length / 2)]! ^= 0xff;
    fs.writeFileSync(file, bytes);
    const report = await verifyPackage(file);
    expect(report.ok).toBe(false);
    expect(report.files.some((f) => !f.ok)).toBe(true);
  });
});
