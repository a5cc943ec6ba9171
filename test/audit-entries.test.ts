import { asc, gt, max } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog } from '../src/db/schema/index.js';
import { CONSULT_PURPOSE } from '../src/modules/referrals/referrals.service.js';
import { DISCLOSURE_PURPOSE } from '../src/modules/platform-referrals/platform-referrals.service.js';
import { createTestApp, type ApiAnswer, type Browser, type TestApp } from './harness.js';
import { apiSteps, castOf, JOURNEY_NOW, pageSteps, type ApiSteps, type Cast } from './journey.js';

/**
 * A truthful audit log (DPA 2018 s.62, issue 10): each action writes exactly its own entries. A
 * command (claim, assign, review, QA, submission, decision, appeal, withdraw) writes one entry,
 * `alter` or, for a submission to a platform, `disclose` with its purpose, recipient and channel,
 * and never a `consult`: the updated referral the API gives back is part of the command. Only a
 * read that shows personal data (a referral's subjects) is a consultation, with its purpose.
 */
let t: TestApp;
let cast: Cast;
let api: ApiSteps;
let last = 0;

beforeAll(async () => {
  t = await createTestApp({ clock: () => JOURNEY_NOW });
  cast = await castOf(t);
  api = apiSteps(t, cast);
  // Tokens and sessions are made (and audited) before counting starts.
  await api.ready();
});
afterAll(() => t.close());

/** The entries written since the last call, in order. */
async function written() {
  const rows = await t.db.select().from(auditLog).where(gt(auditLog.seq, last)).orderBy(asc(auditLog.seq));
  last = rows.at(-1)?.seq ?? last;
  return rows;
}
/** How many entries of each operation were written since the last call. */
const byOperation = async () => {
  const counts: Record<string, number> = {};
  for (const e of await written()) counts[e.operation] = (counts[e.operation] ?? 0) + 1;
  return counts;
};
async function startCounting() {
  last = (await t.db.select({ seq: max(auditLog.seq) }).from(auditLog))[0]?.seq ?? 0;
}

/** One `alter` of this referral, and nothing else: the step's own entry. */
async function oneAlter(id: string, action: string) {
  const entries = await written();
  expect(entries.map((e) => [e.operation, e.entity, e.entityId, (e.detail as { action?: string }).action])).toEqual([
    ['alter', 'referral', id, action],
  ]);
}

const ok = async (res: Promise<ApiAnswer>, status = 200) => {
  const r = await res;
  expect(r.status, r.body).toBe(status);
  return r.json as { id: string };
};

describe('entries per action through the API (DPA 2018 s.62)', () => {
  it('writes one entry per command and a consultation only for a read that shows subjects', async () => {
    await startCounting();
    const { id } = await ok(api.intake(), 201);
    expect(await written()).toEqual([expect.objectContaining({ operation: 'collect', entity: 'referral', entityId: id, purpose: null })]);

    await ok(api.claim(id));
    await oneAlter(id, 'claimed');
    await ok(api.assign(id));
    await oneAlter(id, 'assigned');
    await ok(api.review(id));
    await oneAlter(id, 'reviewed_refer');
    await ok(api.qaReturn(id));
    await oneAlter(id, 'qa_returned');
    await ok(api.review(id));
    await oneAlter(id, 'reviewed_refer');
    await ok(api.qaApprove(id));
    await oneAlter(id, 'qa_approved');

    // SOP 10.5: a disclosure, with its purpose, its recipient and the channel it went through.
    await ok(api.submission(id));
    expect(await written()).toEqual([
      expect.objectContaining({
        operation: 'disclose',
        entityId: id,
        purpose: DISCLOSURE_PURPOSE,
        recipient: 'YouTube',
        detail: expect.objectContaining({ action: 'platform_submitted', channel: 'trusted_flagger' }),
      }),
    ]);
    await ok(api.decision(id));
    await oneAlter(id, 'platform_not_removed');
    await ok(api.appeal(id));
    await oneAlter(id, 'appeal_made');
    await ok(api.decision(id));
    await oneAlter(id, 'platform_upheld');

    // Reads: one consultation each, with its purpose, when the referral names subjects.
    await ok(api.get(cast.sergeant, `/referrals/${id}`));
    expect(await written()).toEqual([
      expect.objectContaining({
        operation: 'consult',
        entityId: id,
        actorUsername: cast.sergeant.username,
        purpose: CONSULT_PURPOSE.unit,
        detail: { subjects: 2 },
      }),
    ]);
    await ok(api.get(cast.requester, `/referrals/${id}`));
    expect(await written()).toEqual([expect.objectContaining({ operation: 'consult', purpose: CONSULT_PURPOSE.requester })]);
    await ok(api.get(cast.operative, '/referrals?pageSize=100'));
    expect(await byOperation()).toEqual({});
    await ok(api.get(cast.inspector, `/referrals/${id}/intelligence`));
    expect(await byOperation()).toEqual({});

    const bare = await ok(api.intake({ subjects: [] }), 201);
    expect(await byOperation()).toEqual({ collect: 1 });
    await ok(api.get(cast.operative, `/referrals/${bare.id}`));
    expect(await byOperation()).toEqual({});

    const withdrawn = await ok(api.intake(), 201);
    expect(await byOperation()).toEqual({ collect: 1 });
    await ok(api.withdraw(withdrawn.id));
    await oneAlter(withdrawn.id, 'withdrawn');
  });

  it('writes nothing for a refused command', async () => {
    const { id } = await ok(api.intake(), 201);
    await startCounting();
    expect((await api.review(id)).status).toBe(409);
    expect((await api.withdraw(id, cast.otherRequester)).status).toBe(404);
    expect(await byOperation()).toEqual({});
  });
});

describe('entries per action through the pages (DPA 2018 s.62)', () => {
  let browsers: Record<'requester' | 'operative' | 'operative2' | 'sergeant' | 'sergeant2', Browser>;
  beforeAll(async () => {
    browsers = {
      requester: await t.browser(cast.requester),
      operative: await t.browser(cast.operative),
      operative2: await t.browser(cast.operative2),
      sergeant: await t.browser(cast.sergeant),
      sergeant2: await t.browser(cast.sergeant2),
    };
    // A page first, for each browser's CSRF token.
    for (const b of Object.values(browsers)) await b.get('/account/password');
  });

  it('writes one entry per command, none for the forms, and a consultation for the referral page', async () => {
    const pages = pageSteps(browsers, cast);
    const { id } = await ok(api.intake(), 201);
    await startCounting();

    // Issue 10: a page claim wrote a false `consult`, because the command answered with a read.
    await pages.claim(id);
    await oneAlter(id, 'claimed');
    // Each of these fetches its form first (a read that shows no subjects: no entry), then posts it.
    await pages.assign(id);
    await oneAlter(id, 'assigned');
    await pages.review(id);
    await oneAlter(id, 'reviewed_refer');
    await pages.qaReturn(id);
    await oneAlter(id, 'qa_returned');
    await pages.review(id);
    await oneAlter(id, 'reviewed_refer');
    await pages.qaApprove(id);
    await oneAlter(id, 'qa_approved');
    await pages.submission(id);
    expect(await written()).toEqual([
      expect.objectContaining({ operation: 'disclose', entityId: id, purpose: DISCLOSURE_PURPOSE, recipient: 'YouTube' }),
    ]);
    await pages.decision(id);
    await oneAlter(id, 'platform_not_removed');
    await pages.appeal(id);
    await oneAlter(id, 'appeal_made');
    await pages.decision(id);
    await oneAlter(id, 'platform_upheld');

    // The referral page shows the subjects: a consultation, with the reader's purpose.
    expect((await browsers.sergeant.get(`/referrals/${id}`)).statusCode).toBe(200);
    expect(await written()).toEqual([expect.objectContaining({ operation: 'consult', entityId: id, purpose: CONSULT_PURPOSE.unit })]);
    expect((await browsers.requester.get(`/referrals/${id}`)).statusCode).toBe(200);
    expect(await written()).toEqual([expect.objectContaining({ operation: 'consult', purpose: CONSULT_PURPOSE.requester })]);
    // Lists show no subjects.
    expect((await browsers.operative.get('/queue')).statusCode).toBe(200);
    expect((await browsers.requester.get('/referrals/mine')).statusCode).toBe(200);
    expect(await byOperation()).toEqual({});

    const other = await ok(api.intake(), 201);
    expect(await byOperation()).toEqual({ collect: 1 });
    await pages.withdraw(other.id);
    await oneAlter(other.id, 'withdrawn');
  });
});
