import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, intelligenceRecords } from '../src/db/schema/index.js';
import { referralIn } from './factories.js';
import { createTestApp, type TestApp, type TestUser } from './harness.js';

const NOW = new Date('2026-03-10T10:00:00Z');

let t: TestApp;
let requester: TestUser;
let operative: TestUser;
let sergeant: TestUser;
let inspector: TestUser;

beforeAll(async () => {
  t = await createTestApp({ clock: () => NOW });
  requester = await t.user(['requester']);
  operative = await t.user(['operative']);
  sergeant = await t.user(['sergeant']);
  inspector = await t.user(['inspector']);
});
afterAll(() => t.close());

const post = async (u: TestUser, url: string, payload: unknown) => (await t.api(u)).post(url, payload);
const get = async (u: TestUser, url: string) => (await t.api(u)).get(url);

/** A referral to YouTube and Instagram, reviewed by the operative and approved by the sergeant. */
const referred = () =>
  referralIn(t, 'referred', {
    people: { requester, operative, sergeant },
    referral: {
      contentTitle: 'Drill video goading a rival group',
      platforms: ['youtube', 'instagram'],
      rationale: 'Taunts a rival group.',
    },
    review: {
      factors: ['inflammatory_language'],
      researchSummary: 'Linked to two stabbings this year.',
      rationale: 'Goads a rival group; likely to provoke violence.',
      platformReferrals: [
        { platform: 'youtube', termsBreached: ['violent_criminal_organisations', 'firearms'], draft: 'Please remove this video.' },
        { platform: 'instagram', termsBreached: ['violence_incitement'], draft: 'Please remove this post.' },
      ],
    },
    qa: { summary: 'Drill video naming a rival estate.' },
  });

describe('intelligence record (SOP 10.4)', () => {
  it('GET /api/v1/referrals/{id}/intelligence answers the six fields, the grading with its labels, and a plain-text copy', async () => {
    const { id, contentUrl } = await referred();
    const res = await get(inspector, `/api/v1/referrals/${id}/intelligence`);
    expect(res.status).toBe(200);
    const r = res.json;
    expect(r).toMatchObject({
      referralId: id,
      contentTitle: 'Drill video goading a rival group',
      contentUrl,
      platforms: [
        { key: 'instagram', name: 'Instagram' },
        { key: 'youtube', name: 'YouTube' },
      ],
      rationale: 'Goads a rival group; likely to provoke violence.',
      summary: 'Drill video naming a rival estate.',
      breach: 'Instagram: Violence and incitement\nYouTube: Violent criminal organisations; Firearms',
      grading: {
        code: 'B2P',
        sourceEvaluation: 'B',
        intelligenceAssessment: 2,
        handlingCode: 'P',
        handlingConditions: null,
        labels: { sourceEvaluation: 'B: Mostly reliable', handling: 'P: Lawful sharing permitted' },
      },
      forceReference: null,
      decisions: [],
    });
    expect(r.text).toContain('Title of content: Drill video goading a rival group');
    expect(r.text).toContain('Grading: B2P');
    expect(r.text).toContain('YouTube: Violent criminal organisations; Firearms');
  });

  it('answers 404 before approval and 403 to a requester', async () => {
    const { id } = await referralIn(t, 'submitted', { people: { requester } });
    expect((await get(operative, `/api/v1/referrals/${id}/intelligence`)).status).toBe(404);
    expect((await get(requester, `/api/v1/referrals/${id}/intelligence`)).status).toBe(403);
  });

  it('records the force intelligence system reference, audited as an alteration; refuses a blank or long one', async () => {
    const { id } = await referred();
    const res = await post(operative, `/api/v1/referrals/${id}/intelligence/reference`, { forceReference: ' CONNECT-INT-2026-0042 ' });
    expect(res.status).toBe(200);
    expect(res.json.forceReference).toBe('CONNECT-INT-2026-0042');
    const [row] = await t.db.select().from(intelligenceRecords).where(eq(intelligenceRecords.referralId, id));
    expect(row!.forceReference).toBe('CONNECT-INT-2026-0042');
    const entries = await t.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.entity, 'intelligence_record'), eq(auditLog.entityId, id)));
    expect(entries).toEqual([
      expect.objectContaining({
        operation: 'alter',
        actorUsername: operative.username,
        detail: { forceReference: 'CONNECT-INT-2026-0042', previous: null },
      }),
    ]);

    const long = await post(operative, `/api/v1/referrals/${id}/intelligence/reference`, { forceReference: 'x'.repeat(61) });
    expect(long.status).toBe(400);
    expect(long.json.fields[0].path).toBe('forceReference');
    expect((await post(operative, `/api/v1/referrals/${id}/intelligence/reference`, { forceReference: '  ' })).status).toBe(400);
    expect((await post(inspector, `/api/v1/referrals/${id}/intelligence/reference`, { forceReference: 'X1' })).status).toBe(403);
    const [after] = await t.db.select().from(intelligenceRecords).where(eq(intelligenceRecords.referralId, id));
    expect(after!.forceReference).toBe('CONNECT-INT-2026-0042');
  });

  it('the printable page shows the six fields, the grade and a copyable block; the reference form records it', async () => {
    const { id } = await referred();
    const detail = await (await t.browser(operative)).get(`/referrals/${id}`);
    expect(detail.body).toContain(`href="/referrals/${id}/intelligence" data-qa="intelligence-record-link"`);

    const b = await t.browser(sergeant);
    const page = await b.get(`/referrals/${id}/intelligence`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('data-qa="grade-code">B2P<');
    for (const label of [
      'Title of content',
      'Content URL',
      'Platforms/channels hosting content',
      'Rationale for referral to the platform',
      'Summary of the nature of the content',
      'Details of the breach of the terms of service',
    ])
      expect(page.body).toContain(label);
    expect(page.body).toMatch(/<textarea[^>]*readonly[^>]*>|<textarea[^>]*data-qa="intelligence-text"/);
    expect(page.body).toContain('2: Known personally to the source but not to the officer');

    const bad = await b.post(`/referrals/${id}/intelligence/reference`, { forceReference: 'x'.repeat(61) });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('href="#forceReference"');
    const ok = await b.post(`/referrals/${id}/intelligence/reference`, { forceReference: 'CONNECT-77' });
    expect(ok.statusCode).toBe(302);
    expect((await b.get(ok.headers.location!)).body).toContain('CONNECT-77');

    const inspectorPage = await (await t.browser(inspector)).get(`/referrals/${id}/intelligence`);
    expect(inspectorPage.statusCode).toBe(200);
    expect(inspectorPage.body).not.toContain('data-qa="save-reference"');
  });

  it('shows platform decisions added to the record (SOP 10.6)', async () => {
    const { id } = await referred();
    await t.db
      .update(intelligenceRecords)
      .set({ decisions: [{ platform: 'youtube', decision: 'removed', on: '2026-03-12' }] })
      .where(eq(intelligenceRecords.referralId, id));
    const page = await (await t.browser(inspector)).get(`/referrals/${id}/intelligence`);
    expect(page.body).toContain('12 March 2026');
    expect((await get(inspector, `/api/v1/referrals/${id}/intelligence`)).json.text).toContain(
      'Platform decision: YouTube: removed on 12 March 2026',
    );
  });
});
