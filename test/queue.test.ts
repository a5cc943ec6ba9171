import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { referrals } from '../src/db/schema/index.js';
import { createTestApp, type TestApp, type TestUser } from './harness.js';

/**
 * The work queue (issue 3 point 2; SOP 8.5-8.6): filters, sort, paging and counts through the API
 * and the /queue page. Overdue: still submitted or in review more than 5 calendar days after
 * submission (src/domain/queue-rules.ts).
 */

// A fixed "now": 10 March 2026, mid-morning in London. `at` moves the clock to make older referrals.
const NOW = new Date('2026-03-10T10:00:00Z');
let now = NOW;
const daysAgo = (d: number) => new Date(NOW.getTime() - d * 86_400_000);

let t: TestApp;
let requester: TestUser;
let op1: TestUser;
let op2: TestUser;
let sergeant: TestUser;
let inspector: TestUser;
const h: Record<string, Record<string, string>> = {};
let seq = 0;
/** The fixture referrals by letter: see beforeAll. */
const ref: Record<string, { id: string; reference: string }> = {};

const post = (who: string, url: string, payload: unknown = {}) =>
  t.app.inject({ method: 'POST', url, headers: { ...h[who], 'content-type': 'application/json' }, payload: JSON.stringify(payload) });
const get = (who: string, url: string) => t.app.inject({ method: 'GET', url, headers: h[who] });
const ids = async (who: string, query: string) => {
  const res = await get(who, `/api/v1/referrals?${query}`);
  expect(res.statusCode, query).toBe(200);
  return (res.json().items as { id: string }[]).map((i) => i.id);
};
const letters = (list: string[]) =>
  list
    .map((id) => Object.entries(ref).find(([, r]) => r.id === id)?.[0] ?? '?')
    .sort()
    .join('');

/** A referral as the requester submits it, the seq-th of this file. */
const queueReferral = (platforms: string[]) => {
  seq++;
  return {
    contentTitle: `Queue video ${seq}`,
    contentUrl: `https://example.org/queue/${seq}`,
    platforms,
    contentUploadedOn: '2026-01-01',
    incidentReferences: [],
    rationale: 'Threatens a rival group.',
  };
};

async function submitAt(when: Date, platforms: string[]) {
  now = when;
  const res = await post('requester', '/api/v1/referrals', queueReferral(platforms));
  now = NOW;
  expect(res.statusCode).toBe(201);
  return res.json() as { id: string; reference: string };
}

beforeAll(async () => {
  t = await createTestApp({ clock: () => now });
  requester = await t.user(['requester']);
  op1 = await t.user(['operative'], { displayName: 'DC Ola Ade' });
  op2 = await t.user(['operative'], { displayName: 'DC Pat Rowe' });
  sergeant = await t.user(['sergeant'], { displayName: 'DS Kim Lee' });
  inspector = await t.user(['inspector']);
  for (const [k, u] of Object.entries({ requester, op1, op2, sergeant, inspector })) h[k] = await t.bearer(u);

  // A: 10 days, submitted, unassigned: overdue.       B: 7 days, in review (op1): overdue.
  // C: 6 days, awaiting QA (op1): not overdue.         D: 2 days, submitted: not overdue.
  // E: 1 hour, in review (op2).                        F: 3 days, withdrawn (closed).
  ref.A = await submitAt(daysAgo(10), ['youtube']);
  ref.B = await submitAt(daysAgo(7), ['instagram', 'youtube']);
  ref.C = await submitAt(daysAgo(6), ['reddit']);
  ref.D = await submitAt(daysAgo(2), ['youtube']);
  ref.E = await submitAt(new Date(NOW.getTime() - 3_600_000), ['tiktok']);
  ref.F = await submitAt(daysAgo(3), ['facebook']);
  expect((await post('op1', `/api/v1/referrals/${ref.B.id}/claim`)).statusCode).toBe(200);
  expect((await post('op1', `/api/v1/referrals/${ref.C.id}/claim`)).statusCode).toBe(200);
  expect((await post('op2', `/api/v1/referrals/${ref.E.id}/claim`)).statusCode).toBe(200);
  expect((await post('requester', `/api/v1/referrals/${ref.F.id}/withdraw`)).statusCode).toBe(200);
  // Review is another module's step: put C straight into awaiting QA, as a recorded review would.
  await t.db.update(referrals).set({ status: 'awaiting_qa', draftAuthorId: op1.id }).where(eq(referrals.id, ref.C.id));
});
afterAll(() => t.close());

describe('GET /api/v1/referrals: queue filters (issue 3)', () => {
  it('filters by one status, several statuses (repeated or comma-separated)', async () => {
    expect(letters(await ids('op1', 'status=submitted'))).toBe('AD');
    expect(letters(await ids('op1', 'status=submitted&status=in_review'))).toBe('ABDE');
    expect(letters(await ids('op1', 'status=awaiting_qa,closed'))).toBe('CF');
  });

  it('filters by platform, counting a referral with several platforms once', async () => {
    expect(letters(await ids('op2', 'platform=youtube'))).toBe('ABD');
    expect((await get('op2', '/api/v1/referrals?platform=youtube')).json().total).toBe(3);
  });

  it('filters by assignee: mine, unassigned, a named operative', async () => {
    expect(letters(await ids('op1', 'assignee=mine'))).toBe('BC');
    expect(letters(await ids('op2', 'assignee=mine'))).toBe('E');
    expect(letters(await ids('sergeant', 'assignee=unassigned'))).toBe('ADF');
    expect(letters(await ids('sergeant', `assignee=${op2.username}`))).toBe('E');
    expect(letters(await ids('sergeant', `assignee=${op1.id}&status=in_review`))).toBe('B');
  });

  it('filters overdue: still submitted or in review more than 5 days after submission (queue-rules SLA_DAYS)', async () => {
    expect(letters(await ids('inspector', 'overdue=true'))).toBe('AB');
    expect(letters(await ids('inspector', 'overdue=false'))).toBe('CDEF');
  });

  it('filters by age: submitted more than N days ago, or within N days', async () => {
    expect(letters(await ids('op1', 'olderThanDays=5'))).toBe('ABC');
    expect(letters(await ids('op1', 'olderThanDays=0'))).toBe('ABCDEF');
    expect(letters(await ids('op1', 'withinDays=2'))).toBe('DE');
    expect(letters(await ids('op1', 'olderThanDays=2&withinDays=7'))).toBe('BCF');
  });

  it('sorts newest first by default, oldest first, or by life-cycle status', async () => {
    expect((await ids('op1', '')).map((id) => letters([id])).join('')).toBe('EDFCBA');
    expect((await ids('op1', 'sort=submitted_desc')).map((id) => letters([id])).join('')).toBe('EDFCBA');
    expect((await ids('op1', 'sort=submitted_asc')).map((id) => letters([id])).join('')).toBe('ABCFDE');
    // submitted (oldest first), in review, awaiting QA, closed.
    expect((await ids('op1', 'sort=status')).map((id) => letters([id])).join('')).toBe('ADBECF');
  });

  it('pages with the total of all matches', async () => {
    const p1 = (await get('op1', '/api/v1/referrals?sort=submitted_asc&pageSize=4')).json();
    const p2 = (await get('op1', '/api/v1/referrals?sort=submitted_asc&pageSize=4&page=2')).json();
    expect(p1).toMatchObject({ total: 6, page: 1, pageSize: 4 });
    expect(p2).toMatchObject({ total: 6, page: 2, pageSize: 4 });
    expect(letters(p1.items.map((i: { id: string }) => i.id))).toBe('ABCF');
    expect(letters(p2.items.map((i: { id: string }) => i.id))).toBe('DE');
  });

  it('pages in life-cycle order across the statuses, and within the statuses asked for', async () => {
    // Each status is read in its own arm (issue 4); pages must cut across them as one list.
    const page = async (q: string) =>
      (await get('op1', `/api/v1/referrals?sort=status&pageSize=2&${q}`))
        .json()
        .items.map((i: { id: string }) => letters([i.id]))
        .join('');
    expect([await page('page=1'), await page('page=2'), await page('page=3'), await page('page=4')]).toEqual(['AD', 'BE', 'CF', '']);
    expect([await page('status=closed&status=submitted'), await page('status=closed&status=submitted&page=2')]).toEqual(['AD', 'F']);
    // One at a time: the second of a status is on page 2, so each arm must read past the offset.
    const one = async (n: number) =>
      (await get('op1', `/api/v1/referrals?sort=status&pageSize=1&page=${n}`))
        .json()
        .items.map((i: { id: string }) => letters([i.id]))
        .join('');
    expect((await Promise.all([1, 2, 3, 4, 5, 6].map(one))).join('')).toBe('ADBECF');
  });

  it('refuses bad query values with 400 naming the field', async () => {
    for (const [q, field] of [
      ['overdue=maybe', 'overdue'],
      ['olderThanDays=-1', 'olderThanDays'],
      ['olderThanDays=two', 'olderThanDays'],
      ['withinDays=1.5', 'withinDays'],
      ['sort=random', 'sort'],
      ['status=submitted,open', 'status'],
    ] as const) {
      for (const url of [`/api/v1/referrals?${q}`, `/api/v1/referrals/counts?${q}`]) {
        if (url.includes('counts') && /^(sort|status)=/.test(q)) continue;
        const res = await get('op1', url);
        expect(res.statusCode, url).toBe(400);
        expect(
          res.json().fields.map((f: { path: string }) => f.path),
          url,
        ).toContain(field);
      }
    }
  });

  it('holds a requester to their own referrals whatever the filters', async () => {
    const other = await t.user(['requester']);
    h.other = await t.bearer(other);
    expect((await get('other', '/api/v1/referrals?overdue=true')).json().total).toBe(0);
    expect(letters(await ids('requester', 'overdue=true'))).toBe('AB');
  });
});

describe('GET /api/v1/referrals/counts (issue 3)', () => {
  it('counts referrals per status', async () => {
    const res = await get('sergeant', '/api/v1/referrals/counts');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ submitted: 2, in_review: 2, awaiting_qa: 1, referred: 0, closed: 1 });
  });

  it('applies the other filters', async () => {
    expect((await get('op1', '/api/v1/referrals/counts?platform=youtube')).json()).toEqual({
      submitted: 2,
      in_review: 1,
      awaiting_qa: 0,
      referred: 0,
      closed: 0,
    });
    expect((await get('op1', '/api/v1/referrals/counts?assignee=mine')).json()).toMatchObject({
      in_review: 1,
      awaiting_qa: 1,
      submitted: 0,
    });
    expect((await get('op1', '/api/v1/referrals/counts?overdue=true')).json()).toMatchObject({
      submitted: 1,
      in_review: 1,
      awaiting_qa: 0,
    });
  });

  it('is for the unit only: requester, admin and auditor get 403', async () => {
    const admin = await t.user(['admin']);
    const auditor = await t.user(['auditor']);
    h.admin = await t.bearer(admin);
    h.auditor = await t.bearer(auditor);
    for (const who of ['requester', 'admin', 'auditor']) expect((await get(who, '/api/v1/referrals/counts')).statusCode, who).toBe(403);
    expect((await get('inspector', '/api/v1/referrals/counts')).statusCode).toBe(200);
  });
});

describe('/queue page (issue 3)', () => {
  it('renders the filters, the counts per status and the referrals, for an operative', async () => {
    const b = await t.browser(op1);
    const res = await b.get('/queue');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('data-qa="queue-filters"');
    expect(res.body).toMatch(/<form method="get" action="\/queue"/);
    expect(res.body).toMatch(/name="status"[^>]*value="awaiting_qa"/);
    const tabs = res.body.slice(res.body.indexOf('data-qa="status-counts"'));
    for (const text of ['All (6)', 'Submitted (2)', 'In review (2)', 'Awaiting QA (1)', 'Referred (0)', 'Closed (1)'])
      expect(tabs).toContain(text);
    for (const r of Object.values(ref)) expect(res.body).toContain(`href="/referrals/${r.id}"`);
    // Overdue tags on A and B only; a claim button on unassigned submitted rows.
    expect(res.body.match(/govuk-tag--red/g)).toHaveLength(2);
    expect(res.body).toContain(`data-qa="claim-${ref.A!.reference}"`);
    expect(res.body).not.toContain(`data-qa="claim-${ref.B!.reference}"`);
    expect(res.body).toContain('href="/queue"'); // the navigation link
    // Sergeants only: the prominent Awaiting QA link.
    expect(res.body).not.toContain('data-qa="awaiting-qa"');
  });

  it("applies filters from the form's query string and keeps them in the tabs and the selected-filter tags", async () => {
    const b = await t.browser(op1);
    const res = await b.get('/queue?status=submitted&status=in_review&platform=youtube&overdue=true&sort=submitted_asc');
    expect(res.statusCode).toBe(200);
    const table = res.body.slice(res.body.indexOf('data-qa="queue"'));
    expect(table).toContain(ref.A!.reference);
    expect(table).toContain(ref.B!.reference);
    expect(table).not.toContain(ref.D!.reference);
    expect(res.body).toContain('2 referrals');
    // The Closed tab keeps the platform, overdue and sort filters.
    expect(res.body).toContain('href="/queue?status=closed&amp;platform=youtube&amp;overdue=true&amp;sort=submitted_asc"');
    expect(res.body).toContain('Selected filters');
  });

  it('shows a sergeant what awaits QA, and the Awaiting QA view lists it', async () => {
    const b = await t.browser(sergeant);
    const res = await b.get('/queue');
    expect(res.body).toMatch(/data-qa="awaiting-qa"><a [^>]*href="\/queue\?status=awaiting_qa">Awaiting QA \(1\)/);
    const qa = await b.get('/queue?status=awaiting_qa');
    expect(qa.body).toContain(ref.C!.reference);
    expect(qa.body).not.toContain(ref.A!.reference);
  });

  it('shows bad filter values as errors rather than failing', async () => {
    const b = await t.browser(op1);
    const res = await b.get('/queue?olderThanDays=lots');
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('There is a problem');
    expect(res.body).toContain('Older than must be a whole number of days');
  });

  it('is for the unit: a requester gets 403', async () => {
    const b = await t.browser(requester);
    expect((await b.get('/queue')).statusCode).toBe(403);
  });

  it('pages 25 at a time with the filters kept in the page links', async () => {
    // Its own app: the 27 referrals it needs would change the shared fixture under the other tests,
    // which may run before or after it (issue 11: tests do not depend on each other's order).
    const own = await createTestApp({ clock: () => now });
    try {
      const api = await own.api(await own.user(['requester']));
      for (let i = 0; i < 27; i++) expect((await api.post('/api/v1/referrals', queueReferral(['youtube']))).status).toBe(201);
      expect((await api.post('/api/v1/referrals', queueReferral(['tiktok']))).status).toBe(201);
      const b = await own.browser(await own.user(['operative']));
      const first = await b.get('/queue?platform=youtube');
      // 27 youtube referrals, two pages.
      expect(first.body).toContain('27 referrals');
      expect(first.body.match(/data-qa="referral-link"/g)).toHaveLength(25);
      expect(first.body).toContain('href="/queue?platform=youtube&amp;page=2"');
      const second = await b.get('/queue?platform=youtube&page=2');
      expect(second.body.match(/data-qa="referral-link"/g)).toHaveLength(2);
      expect(second.body).toContain('href="/queue?platform=youtube"'); // previous: page 1, filters kept
    } finally {
      await own.close();
    }
  });
});
