import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { safeguardingComment } from '../src/domain/safeguarding.js';
import { createTestApp, type TestApp, type TestUser } from './harness.js';
import { apiSteps, castOf, fullReferral, JOURNEY_NOW, NAMES, REQUESTER_GAVE, UNIT_WORKING, type ApiSteps, type Cast } from './journey.js';

/**
 * Which fields of a referral each role sees (DESIGN.md "Who sees what"): the field × role table
 * beside the route × role one (test/route-roles.test.ts). A requester who holds no unit role sees,
 * of their own referrals, only what they gave and what happened to it, in the API and the pages
 * alike; the unit sees the whole referral.
 */
const REQUESTER_DETAIL = [
  'id',
  'reference',
  'status',
  'outcome',
  'contentTitle',
  'contentUrl',
  'platforms',
  'contentUploadedOn',
  'incidentReferences',
  'rationale',
  'subjects',
  'submittedAt',
  'closedAt',
  'timeline',
];
const REQUESTER_LIST = ['id', 'reference', 'status', 'outcome', 'contentTitle', 'contentUrl', 'platforms', 'submittedAt', 'closedAt'];
const UNIT_LIST = [...REQUESTER_LIST, 'requesterId', 'applicant', 'assignee'];
const UNIT_DETAIL = [
  ...UNIT_LIST,
  'contentUploadedOn',
  'draftAuthorId',
  'selfTaskedReason',
  'rationale',
  'incidentReferences',
  'subjects',
  'additionalRationales',
  'safeguarding',
  'platformReferrals',
  'timeline',
  'warnings',
];
const PLATFORM_REFERRAL = [
  'platform',
  'status',
  'final',
  'channel',
  'termsBreached',
  'draft',
  'submittedAt',
  'externalReference',
  'decision',
  'decidedOn',
  'appealed',
  'notAppealed',
  'appealReason',
  'finalDecision',
  'finalDecidedOn',
];
const SUBJECT = ['name', 'category', 'ageBand', 'dateOfBirth'];

type Json = Record<string, unknown>;
const keys = (o: unknown) => Object.keys(o as Json).sort();
const sorted = (k: string[]) => [...k].sort();

let t: TestApp;
let cast: Cast;
let steps: ApiSteps;
let id: string;
/** Everything of the unit's working, and the unit's members by name and account. */
let secrets: string[];

beforeAll(async () => {
  t = await createTestApp({ clock: () => JOURNEY_NOW });
  cast = await castOf(t);
  steps = apiSteps(t, cast);
  id = await fullReferral(steps);
  const unit = [cast.operative, cast.operative2, cast.sergeant, cast.sergeant2];
  secrets = [
    ...Object.values(UNIT_WORKING),
    ...unit.flatMap((u) => [u.id, u.username]),
    NAMES.operative,
    NAMES.operative2,
    NAMES.sergeant,
    NAMES.sergeant2,
  ];
});
afterAll(() => t.close());

const detail = async (u: TestUser) => {
  const res = await steps.get(u, `/referrals/${id}`);
  expect(res.status, res.body).toBe(200);
  return res.json as Json;
};
const listed = async (u: TestUser) => {
  const res = await steps.get(u, '/referrals?pageSize=100');
  expect(res.status, res.body).toBe(200);
  return (res.json as { items: Json[] }).items.find((i) => i.id === id);
};
const leaks = (text: string) => secrets.filter((s) => text.includes(s));

describe('GET /api/v1/referrals/{id} and the list, field by role (DESIGN.md "Who sees what")', () => {
  it('gives a requester with no unit role only the listed fields of their own referral', async () => {
    const r = await detail(cast.requester);
    expect(keys(r)).toEqual(sorted(REQUESTER_DETAIL));
    expect(r).toMatchObject({ status: 'closed', outcome: 'not_removed', rationale: REQUESTER_GAVE.rationale });
    expect((r.subjects as Json[]).map(keys)).toEqual([sorted(SUBJECT), sorted(SUBJECT)]);
    // Their own step named as them; the unit's step that closed it, as the unit; no comments.
    expect(r.timeline).toEqual([
      { at: JOURNEY_NOW.toISOString(), actor: { name: NAMES.requester }, action: 'submitted' },
      { at: JOURNEY_NOW.toISOString(), actor: { name: 'Online Harm Referral Team' }, action: 'closed' },
    ]);
    expect(leaks(JSON.stringify(r))).toEqual([]);

    const item = await listed(cast.requester);
    expect(keys(item)).toEqual(sorted(REQUESTER_LIST));
    expect(leaks(JSON.stringify(item))).toEqual([]);
  });

  for (const who of ['requesterOperative', 'operative', 'sergeant', 'inspector'] as const) {
    it(`gives ${who} the whole referral`, async () => {
      const r = await detail(cast[who]);
      expect(keys(r)).toEqual(sorted(UNIT_DETAIL));
      expect((r.platformReferrals as Json[]).map(keys)).toEqual([sorted(PLATFORM_REFERRAL)]);
      expect(r.platformReferrals).toEqual([
        expect.objectContaining({ draft: UNIT_WORKING.draft, appealReason: UNIT_WORKING.appealReason, finalDecision: 'upheld' }),
      ]);
      expect(r).toMatchObject({ draftAuthorId: cast.operative.id, assignee: { name: NAMES.operative } });
      const timeline = r.timeline as Json[];
      for (const e of timeline) expect(['action', 'actor', 'at', 'comment', 'platform']).toEqual(expect.arrayContaining(keys(e)));
      // Each review recorded its safeguarding answer (DESIGN.md "Safeguarding"): the unit sees it, with its detail.
      const answer = safeguardingComment({ stage: 'review', action: 'not_needed', detail: UNIT_WORKING.safeguardingDetail });
      expect(timeline.map((e) => e.comment).filter(Boolean)).toEqual([answer, UNIT_WORKING.qaComment, answer, UNIT_WORKING.appealReason]);
      expect(r.safeguarding).toEqual([
        expect.objectContaining({ stage: 'review', detail: UNIT_WORKING.safeguardingDetail }),
        expect.objectContaining({ stage: 'review', detail: UNIT_WORKING.safeguardingDetail }),
      ]);
      expect(timeline.map((e) => (e.actor as Json).name)).toContain(NAMES.sergeant2);
      expect(keys(await listed(cast[who]))).toEqual(sorted(UNIT_LIST));
    });
  }

  it('answers another requester 404 and leaves it out of their list; admin and auditor 403', async () => {
    expect((await steps.get(cast.otherRequester, `/referrals/${id}`)).status).toBe(404);
    expect(await listed(cast.otherRequester)).toBeUndefined();
    for (const u of [cast.admin, cast.auditor]) {
      expect((await steps.get(u, `/referrals/${id}`)).status).toBe(403);
      expect((await steps.get(u, '/referrals')).status).toBe(403);
    }
  });

  it('answers a requester’s submission and withdrawal in their shape too; a requester who is also an operative in the unit’s', async () => {
    const created = await steps.intake();
    expect(created.status).toBe(201);
    // The intake's check of the URL they gave comes with the submission's answer only.
    expect(keys(created.json)).toEqual(sorted([...REQUESTER_DETAIL, 'warnings']));
    const withdrawn = await steps.withdraw(created.json.id);
    expect(withdrawn.status).toBe(200);
    expect(keys(withdrawn.json)).toEqual(sorted(REQUESTER_DETAIL));
    expect(withdrawn.json.timeline.map((e: Json) => [(e.actor as Json).name, e.action])).toEqual([
      [NAMES.requester, 'submitted'],
      [NAMES.requester, 'withdrawn'],
    ]);

    const own = await steps.intake({}, cast.requesterOperative);
    expect(keys(own.json)).toEqual(sorted(UNIT_DETAIL));
    expect(keys((await steps.withdraw(own.json.id, cast.requesterOperative)).json)).toEqual(sorted(UNIT_DETAIL));
  });

  it('documents both shapes in OpenAPI, the requester’s with exactly its fields', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json();
    const shapes = doc.paths['/api/v1/referrals/{id}'].get.responses['200'].content['application/json'].schema.anyOf as Json[];
    expect(shapes.map((s) => keys(s.properties))).toEqual([sorted(UNIT_DETAIL), sorted([...REQUESTER_DETAIL, 'warnings'])]);
    const list = doc.paths['/api/v1/referrals'].get.responses['200'].content['application/json'].schema;
    expect(list.properties.items.items.anyOf.map((s: Json) => keys(s.properties))).toEqual([sorted(UNIT_LIST), sorted(REQUESTER_LIST)]);
  });
});

describe('the referral page and My referrals, by role', () => {
  it('shows the requester what they gave and none of the unit’s working or its members', async () => {
    const b = await t.browser(cast.requester);
    const page = await b.get(`/referrals/${id}`);
    expect(page.statusCode).toBe(200);
    for (const s of [REQUESTER_GAVE.subject, REQUESTER_GAVE.rationale, NAMES.requester, 'Online Harm Referral Team'])
      expect(page.body).toContain(s);
    expect(leaks(page.body)).toEqual([]);
    for (const qa of ['assignee', 'review-panel', 'platform-referrals', 'additional-rationales'])
      expect(page.body).not.toContain(`data-qa="${qa}"`);

    const mine = await b.get('/referrals/mine');
    expect(mine.statusCode).toBe(200);
    expect(mine.body).toContain(`href="/referrals/${id}"`);
    expect(leaks(mine.body)).toEqual([]);
  });

  it('shows the unit all of it: the sergeant’s page holds the working and who did it', async () => {
    const page = await (await t.browser(cast.sergeant)).get(`/referrals/${id}`);
    expect(page.statusCode).toBe(200);
    // The intelligence record has its own page (SOP 10.4); ids and usernames are not shown.
    const shown = [...Object.values(UNIT_WORKING).filter((s) => s !== UNIT_WORKING.intelligenceSummary), NAMES.operative];
    for (const s of [...shown, NAMES.operative2, NAMES.sergeant, NAMES.sergeant2]) expect(page.body).toContain(s);
    expect(page.body).toContain('data-qa="review-panel"');
  });

  it('answers another requester 404 and admin and auditor 403', async () => {
    expect((await (await t.browser(cast.otherRequester)).get(`/referrals/${id}`)).statusCode).toBe(404);
    for (const u of [cast.admin, cast.auditor]) expect((await (await t.browser(u)).get(`/referrals/${id}`)).statusCode).toBe(403);
  });
});
