import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Made } from './factories.js';
import { actorOf, createTestApp, type TestApp, type TestUser } from './harness.js';
import { removedMusic } from './library-support.js';
import { makeMedia } from './media.js';

/**
 * Retention's API and page (SOP 2.2, 10.8; DESIGN.md "Data protection and fairness"; issue 13):
 * what expires in the window, what is held and why, the holds due for review, and the auditor's
 * certificates, with a fixed clock. Fields per role.
 */

// 10 March 2026 in London; the 30-day window runs to 9 April 2026.
const NOW = new Date('2026-03-10T10:00:00Z');
let now = NOW;
let t: TestApp;
let dir: string;
let wav: Buffer;
let auditor: TestUser;
let inspector: TestUser;
let operative: TestUser;
type Entry = Awaited<ReturnType<typeof removedMusic>>;
let soon: Entry;
let later: Entry;
let reviewDue: Entry;
let heldOn: Entry;
let deleted: Made[];

const TITLE = 'Peckham Riddim_2 – “Smoke” <i>official</i>';
const made = (on: string) =>
  removedMusic(
    t,
    (d) => (now = d ?? NOW),
    on,
    { filename: 'track.wav', data: wav },
    { contentTitle: TITLE, contentUrl: `https://youtu.be/r-${on}` },
  );

beforeAll(async () => {
  t = await createTestApp({ clock: () => now, jobs: 'send' });
  auditor = await t.user(['auditor']);
  inspector = await t.user(['inspector'], { displayName: 'DI Ines Inspector' });
  operative = await t.user(['operative']);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'retention-api-'));
  wav = fs.readFileSync(await makeMedia(dir, 'track.wav', 'wav', 1, 440));
  soon = await made('2025-03-20');
  later = await made('2025-06-01');
  reviewDue = await made('2025-01-07');
  heldOn = await made('2025-01-08');
  const hold = (e: Entry, reviewOn: string) =>
    t.services.library.placeHold(actorOf(inspector), e.entry.id, {
      investigationReference: 'OP-<b>TRIDENT</b>-77',
      reason: 'Relevant to a live investigation (CPIA 1996)',
      reviewOn,
    });
  now = new Date('2026-02-01T10:00:00Z');
  await hold(reviewDue, '2026-03-01');
  now = NOW;
  await hold(heldOn, '2026-09-01');
  deleted = [(await made('2025-01-09')).made, (await made('2025-01-10')).made];
  await t.services.retention.sweep({ dryRun: false });
}, 240_000);
afterAll(async () => {
  await t?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const CONTENT_FIELDS = ['contentTitle', 'contentUrl', 'rationale', 'summary', 'termsBreached', 'captureIds'];

describe('GET /api/v1/retention/upcoming', () => {
  it('lists what expires in 30 days, what is held and why, and the holds due for review, for each reader alike', async () => {
    for (const reader of [auditor, inspector, soon.made.people.sergeant]) {
      const answer = await (await t.api(reader)).get('/api/v1/retention/upcoming');
      expect(answer.status).toBe(200);
      const { today, until, days, expiring, held, reviewDue: due } = answer.json;
      expect({ today, until, days }).toEqual({ today: '2026-03-10', until: '2026-04-09', days: 30 });
      // The entry and its referral, closed by the same removal (issue 15 point 1: 12 months from closure).
      expect(expiring).toEqual([
        { kind: 'library_entry', id: soon.entry.id, reference: soon.made.reference, expiresOn: '2026-03-20' },
        { kind: 'referral', id: soon.made.id, reference: soon.made.reference, expiresOn: '2026-03-20' },
      ]);
      expect(held.map((h: { reference: string }) => h.reference)).toEqual([reviewDue.made.reference, heldOn.made.reference]);
      expect(held[0]).toEqual({
        kind: 'library_entry',
        id: reviewDue.entry.id,
        reference: reviewDue.made.reference,
        expiresOn: '2026-01-07',
        hold: {
          investigationReference: 'OP-<b>TRIDENT</b>-77',
          reason: 'Relevant to a live investigation (CPIA 1996)',
          placedBy: { id: inspector.id, username: inspector.username, name: 'DI Ines Inspector' },
          placedAt: '2026-02-01T10:00:00.000Z',
          reviewOn: '2026-03-01',
          reviewDue: true,
        },
      });
      expect(held[1].hold).toMatchObject({ reviewOn: '2026-09-01', reviewDue: false });
      expect(due.map((h: { id: string }) => h.id)).toEqual([reviewDue.entry.id]);
      for (const item of [...expiring, ...held]) for (const f of CONTENT_FIELDS) expect(item).not.toHaveProperty(f);
      expect(answer.body).not.toContain('Peckham');
    }
  });

  it('takes a window of 1 to 366 days', async () => {
    const api = await t.api(inspector);
    const wide = await api.get('/api/v1/retention/upcoming?days=100');
    expect(wide.json.until).toBe('2026-06-18');
    expect(wide.json.expiring.map((e: { id: string }) => e.id)).toEqual([soon.entry.id, later.entry.id, soon.made.id, later.made.id]);
    for (const bad of ['0', '367', '1.5', 'thirty', '-3']) {
      const r = await api.get(`/api/v1/retention/upcoming?days=${bad}`);
      expect(r.status, bad).toBe(400);
      expect(r.json.fields).toEqual([{ path: 'days', message: 'Days must be a whole number from 1 to 366' }]);
    }
    expect((await (await t.api(operative)).get('/api/v1/retention/upcoming')).status).toBe(403);
  });
});

describe('GET /api/v1/retention/certificates', () => {
  it('gives the auditor the certificates, paged, with exactly their fields', async () => {
    const api = await t.api(auditor);
    const all = await api.get('/api/v1/retention/certificates');
    expect(all.status).toBe(200);
    // Two entries, and four referrals closed by their removals over 12 months ago (issue 15 point 1).
    expect(all.json).toMatchObject({ total: 6, page: 1, pageSize: 20 });
    type Item = { reference: string; entity: string };
    const of = (entity: string) => all.json.items.filter((c: Item) => c.entity === entity).map((c: Item) => c.reference);
    expect(of('library_entry').sort()).toEqual(deleted.map((m) => m.reference).sort());
    expect(of('referral').sort()).toEqual([reviewDue.made, heldOn.made, ...deleted].map((m) => m.reference).sort());
    const first = all.json.items.find((c: Item) => c.entity === 'library_entry');
    expect(Object.keys(first).sort()).toEqual(['deletedAt', 'entity', 'entityId', 'id', 'reference', 'rule', 'sha256s']);
    expect(first).toMatchObject({
      deletedAt: NOW.toISOString(),
      entity: 'library_entry',
      sha256s: [expect.stringMatching(/^[0-9a-f]{64}$/)],
    });
    expect(all.body).not.toContain('Peckham');
    const second = await api.get('/api/v1/retention/certificates?page=2&pageSize=1');
    expect(second.json).toMatchObject({ total: 6, page: 2, pageSize: 1, items: [all.json.items[1]] });
    expect((await api.get('/api/v1/retention/certificates?pageSize=101')).status).toBe(400);
  });

  it('refuses everyone else, the inspector included', async () => {
    for (const u of [inspector, soon.made.people.sergeant, operative])
      expect((await (await t.api(u)).get('/api/v1/retention/certificates')).status).toBe(403);
  });
});

describe('the retention page', () => {
  it('shows a sergeant the three tables, linked to the library, and no certificates', async () => {
    const page = await (await t.browser(soon.made.people.sergeant)).get('/retention');
    expect(page.statusCode).toBe(200);
    for (const heading of ['Expiring in the next 30 days', 'Held', 'Holds due for review']) expect(page.body).toContain(heading);
    expect(page.body).toContain(`href="/library/${soon.entry.id}" data-qa="entry-link">${soon.made.reference}`);
    expect(page.body).toContain('OP-&lt;b&gt;TRIDENT&lt;/b&gt;-77');
    expect(page.body).toContain('DI Ines Inspector');
    expect(page.body).not.toContain('Deletion certificates');
    expect(page.body).not.toContain(deleted[0]!.reference);
    expect(page.body).not.toContain('Peckham');
  });

  it('shows an auditor the certificates, paged, and no link into the library they may not open', async () => {
    const b = await t.browser(auditor);
    const page = await b.get('/retention');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Deletion certificates');
    for (const m of deleted) expect(page.body).toContain(m.reference);
    expect(page.body).toContain('Showing 1 to 6 of 6');
    expect(page.body).toContain(soon.made.reference);
    expect(page.body).not.toContain('/library/');
    expect(page.body).not.toContain('Peckham');
    // A page number that is not one shows the first page.
    expect((await b.get('/retention?page=zero')).body).toContain('Showing 1 to 6 of 6');
    expect((await (await t.browser(operative)).get('/retention')).statusCode).toBe(403);
  });
});
