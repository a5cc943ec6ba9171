import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { referrals, retainedNoticeFacts, retainedSubjectFacts } from '../src/db/schema/index.js';
import { referralIn } from './factories.js';
import { createTestApp, type TestApp, type TestUser } from './harness.js';

/**
 * Issue 15 points 4, 5, 7 and 8 through the API, on a hand-built fixture: two referrals in 2026 Q1
 * (one removed, one closed with no further action) with 23 subjects, and retained facts (decision 021:
 * what a retention sweep leaves of deleted referrals) in 2025. The expected figures are worked by hand
 * from London's Census 2021 populations (White 4,731,172; Black 1,188,370; docs/equality-method.md).
 */
const NOW = new Date('2026-03-10T10:00:00Z');
let t: TestApp;
let inspector: TestUser;
let auditor: TestUser;
let others: TestUser[];
let removedId: string;

const many = (n: number, s: Record<string, string>) =>
  Array.from({ length: n }, (_, i) => ({ name: `@subject_${s.ethnicity ?? 'none'}_${s.ageBand}_${i}`, category: 'other', ...s }));

beforeAll(async () => {
  t = await createTestApp({ clock: () => NOW });
  inspector = await t.user(['inspector']);
  auditor = await t.user(['auditor']);
  others = [await t.user(['requester']), await t.user(['operative']), await t.user(['sergeant']), await t.user(['admin'])];
  ({ id: removedId } = await referralIn(t, 'closed', {
    closing: 'removed',
    referral: {
      subjects: [
        ...many(6, { ageBand: '18_24', ethnicity: 'white_british', ethnicityRecordedAs: 'officer_observed' }),
        ...many(5, { ageBand: '18_24', ethnicity: 'black_african', ethnicityRecordedAs: 'self_defined', sex: 'male' }),
      ],
    },
  }));
  await referralIn(t, 'closed', {
    closing: 'no_further_action',
    referral: {
      subjects: [
        ...many(5, { ageBand: '25_plus', ethnicity: 'black_caribbean', ethnicityRecordedAs: 'self_defined' }),
        ...many(4, { ageBand: '25_plus', ethnicity: 'asian_indian', ethnicityRecordedAs: 'officer_observed' }),
        ...many(1, { ageBand: 'under_13', ethnicity: 'not_stated' }),
        ...many(1, { ageBand: 'under_13' }),
      ],
    },
  });
  // What the sweep kept of referrals deleted earlier: five White 16-17-year-olds in 2025 Q4, one subject in 2024.
  const subjectFact = { category: 'suspect', status: 'closed', outcome: 'removed', referred: true };
  await t.db
    .insert(retainedSubjectFacts)
    .values([
      ...Array.from({ length: 5 }, () => ({ ...subjectFact, quarter: '2025-10-01', ageBand: '16_17', ethnicity: 'white_irish' })),
      { ...subjectFact, quarter: '2024-04-01', ageBand: 'under_13', ethnicity: 'black_other' },
    ]);
  // Seven notices sent in 2025: five to YouTube, two to TikTok.
  const notice = { channel: 'trusted_flagger', appealed: false, involvesChild: false, decision: 'removed', finalDecision: null };
  await t.db.insert(retainedNoticeFacts).values([
    { ...notice, quarter: '2025-01-01', platform: 'youtube', factors: ['inflammatory_language'], daysToDecision: 1, involvesChild: true },
    { ...notice, quarter: '2025-01-01', platform: 'youtube', factors: ['illegal_commodity_sales'], daysToDecision: 2 },
    { ...notice, quarter: '2025-04-01', platform: 'youtube', factors: ['humiliation', 'gang_affiliated_subjects'], daysToDecision: 4 },
    { ...notice, quarter: '2025-07-01', platform: 'youtube', factors: ['exploitation_concern'], daysToDecision: 10, involvesChild: true },
    {
      ...notice,
      quarter: '2025-10-01',
      platform: 'youtube',
      factors: ['public_safety_disorder'],
      decision: 'not_removed',
      finalDecision: 'removed',
      appealed: true,
      daysToDecision: 3,
    },
    {
      ...notice,
      quarter: '2025-10-01',
      platform: 'tiktok',
      factors: [],
      decision: 'not_removed',
      finalDecision: 'upheld',
      appealed: true,
      daysToDecision: 30,
    },
    {
      ...notice,
      quarter: '2025-10-01',
      platform: 'tiktok',
      factors: ['inflammatory_language'],
      decision: null,
      daysToDecision: null,
      involvesChild: true,
    },
  ]);
});
afterAll(() => t.close());

const get = async (u: TestUser, url: string) => (await t.api(u)).get(`/api/v1${url}`);
const reportEntries = async () => (await t.services.audit.list({ entity: 'report' }, 1, 100)).items;

describe('GET /api/v1/reports/equality (issue 15 point 5)', () => {
  it('counts subjects per group, with rates, ratios to White and intervals, and suppresses counts below 5', async () => {
    const res = await get(inspector, '/reports/equality?from=2026-01-01&to=2026-03-31');
    expect(res.status, res.body).toBe(200);
    const r = res.json;
    expect(r).toMatchObject({ from: '2026-01-01', to: '2026-03-31' });
    expect(r.populationSource).toContain('Census 2021');
    expect(r.groups).toEqual([
      { group: 'white', subjects: 6, ratePer1000: 0.001268, ratioToWhite: 1, ci95: null, suppressed: false },
      { group: 'mixed', subjects: null, ratePer1000: null, ratioToWhite: null, ci95: null, suppressed: true },
      { group: 'asian', subjects: null, ratePer1000: null, ratioToWhite: null, ci95: null, suppressed: true },
      // 10 / 1,188,370 × 1,000; (10 / 1,188,370) / (6 / 4,731,172) = 6.64, interval 2.41 to 18.26.
      { group: 'black', subjects: 10, ratePer1000: 0.008415, ratioToWhite: 6.64, ci95: { lower: 2.41, upper: 18.26 }, suppressed: false },
      { group: 'other', subjects: null, ratePer1000: null, ratioToWhite: null, ci95: null, suppressed: true },
    ]);
    // Referred and removed: the first referral's 6 White and 5 Black subjects.
    for (const outcome of ['referred', 'removed'])
      expect(r.byOutcome[outcome].find((g: { group: string }) => g.group === 'black')).toEqual({
        group: 'black',
        subjects: 5,
        ratePer1000: 0.004207,
        ratioToWhite: 3.32,
        ci95: { lower: 1.01, upper: 10.87 },
        suppressed: false,
      });
    // No further action: 5 Black, but the White count (0) is suppressed, so no ratio.
    expect(
      r.byOutcome.no_further_action.map((g: { subjects: number | null; ratioToWhite: number | null }) => [g.subjects, g.ratioToWhite]),
    ).toEqual([
      [null, null],
      [null, null],
      [null, null],
      [5, null],
      [null, null],
    ]);
    expect(r).toMatchObject({ notStated: null, notRecorded: null });
  });

  it('widens the period to whole quarters and counts the retained facts with the live ones (UNION ALL)', async () => {
    const r = (await get(auditor, '/reports/equality?from=2025-11-15&to=2026-02-01')).json;
    expect(r).toMatchObject({ from: '2025-10-01', to: '2026-03-31' });
    // 6 live + 5 retained White; (10 / 1,188,370) / (11 / 4,731,172) = 3.62, interval 1.54 to 8.52.
    expect(r.groups[0]).toMatchObject({ group: 'white', subjects: 11, ratePer1000: 0.002325 });
    expect(r.groups[3]).toMatchObject({ group: 'black', subjects: 10, ratioToWhite: 3.62, ci95: { lower: 1.54, upper: 8.52 } });
  });

  it('gives the same figures as CSV, suppressed figures as empty fields', async () => {
    const res = await get(inspector, '/reports/equality?from=2026-01-01&to=2026-03-31&format=csv');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    const lines = res.body.split('\r\n');
    expect(lines[0]).toBe('breakdown,group,subjects,rate_per_1000,ratio_to_white,ci95_lower,ci95_upper,suppressed');
    expect(lines).toContain('all,black,10,0.008415,6.64,2.41,18.26,no');
    expect(lines).toContain('all,asian,,,,,,yes');
    expect(lines).toContain('no_further_action,black,5,0.004207,,,,no');
    expect(lines.filter(Boolean)).toHaveLength(1 + 4 * 5);
  });
});

describe('GET /api/v1/reports/children (issue 15 point 4)', () => {
  it('counts subjects per quarter by age band, every quarter of the period, the retained ones too', async () => {
    const res = await get(inspector, '/reports/children?from=2025-10-01&to=2026-03-31');
    expect(res.status, res.body).toBe(200);
    expect(res.json.quarters).toEqual([
      {
        quarter: '2025 Q4',
        start: '2025-10-01',
        byAgeBand: { under_13: 0, '13_15': 0, '16_17': 5, '18_24': 0, '25_plus': 0, unknown: 0 },
        children: 5,
        subjects: 5,
      },
      {
        quarter: '2026 Q1',
        start: '2026-01-01',
        byAgeBand: { under_13: 2, '13_15': 0, '16_17': 0, '18_24': 11, '25_plus': 9, unknown: 0 },
        children: 2,
        subjects: 22,
      },
    ]);
    expect(res.json.totals).toEqual({ children: 7, subjects: 27 });
    const csv = await get(auditor, '/reports/children?from=2025-10-01&to=2026-03-31&format=csv');
    expect(csv.body).toBe(
      'quarter,under_13,13_15,16_17,18_24,25_plus,unknown,children,subjects\r\n2025 Q4,0,0,5,0,0,0,5,5\r\n2026 Q1,2,0,0,11,9,0,2,22\r\n',
    );
  });

  it('defaults to the four quarters up to today’s', async () => {
    const r = (await get(inspector, '/reports/children')).json;
    expect(r).toMatchObject({ from: '2025-04-01', to: '2026-03-31' });
    expect(r.quarters.map((q: { quarter: string }) => q.quarter)).toEqual(['2025 Q2', '2025 Q3', '2025 Q4', '2026 Q1']);
  });
});

describe('GET /api/v1/reports/transparency (issue 15 point 7)', () => {
  it('counts a year’s notices by platform, SOP 4.1.6 type and platform action, with the median, appeals and children’s share', async () => {
    const res = await get(auditor, '/reports/transparency?year=2025');
    expect(res.status, res.body).toBe(200);
    const r = res.json;
    expect(r).toMatchObject({ year: 2025, from: '2025-01-01', to: '2025-12-31', notices: 7 });
    expect(r.byPlatform).toEqual([
      { key: 'tiktok', notices: null },
      { key: 'youtube', notices: 5 },
    ]);
    // provoking violence: inflammatory ×2, gang affiliation, public safety = 4 (suppressed); the others 1 each.
    expect(r.byContentType).toEqual([
      { key: 'illegal_commodities', notices: null },
      { key: 'provoking_violence', notices: null },
      { key: 'inflammatory_distressing', notices: null },
      { key: 'exploitation', notices: null },
      { key: 'not_recorded', notices: null },
    ]);
    // removed: 4 first time + 1 overturned on appeal = 5; not removed: 1 upheld; awaiting: 1.
    expect(r.byPlatformAction).toEqual([
      { key: 'removed', notices: 5 },
      { key: 'not_removed', notices: null },
      { key: 'awaiting_decision', notices: null },
    ]);
    // Days 1, 2, 3, 4, 10, 30: the median of six is (3 + 4) / 2.
    expect(r).toMatchObject({ medianDaysToDecision: 3.5, decisions: 6, appeals: null, overturns: null });
    expect(r.children).toEqual({ notices: null, percent: null });
    expect(r.equality.groups[0]).toMatchObject({ group: 'white', subjects: 5 });
  });

  it('answers CSV with the same figures, and suppresses nearly everything in a thin year', async () => {
    const csv = (await get(inspector, '/reports/transparency?year=2025&format=csv')).body.split('\r\n');
    expect(csv[0]).toBe('figure,key,value');
    expect(csv).toEqual(
      expect.arrayContaining([
        'notices,,7',
        'median_days_to_decision,,3.5',
        'platform,youtube,5',
        'platform,tiktok,',
        'platform_action,removed,5',
      ]),
    );
    expect(csv).toContain('equality_subjects,white,5');
    // 2026: one notice so far (the removed referral's), every count suppressed.
    const thin = (await get(inspector, '/reports/transparency?year=2026')).json;
    expect(thin).toMatchObject({ notices: null, medianDaysToDecision: null, byPlatform: [{ key: 'youtube', notices: null }] });
  });
});

describe('the reports’ roles, input and audit (issue 15 point 8)', () => {
  const URLS = ['/reports/children', '/reports/equality', '/reports/transparency', '/reports/equality?format=csv'];

  it('refuses every other role with 403', async () => {
    for (const u of others) for (const url of URLS) expect((await get(u, url)).status, `${u.roles} ${url}`).toBe(403);
  });

  it('answers bad input with a 400 naming the field', async () => {
    const cases: [string, string][] = [
      ['/reports/equality?from=2026-03-01&to=2026-01-01', 'to'],
      ['/reports/equality?from=2026-02-30', 'from'],
      ['/reports/children?to=yesterday', 'to'],
      ['/reports/children?from=2000-01-01&to=2026-01-01', 'to'],
      ['/reports/equality?format=xml', 'format'],
      ['/reports/transparency?year=twenty', 'year'],
      ['/reports/transparency?year=1999', 'year'],
    ];
    for (const [url, field] of cases) {
      const res = await get(inspector, url);
      expect(res.status, url).toBe(400);
      expect(
        res.json.fields.map((f: { path: string }) => f.path),
        url,
      ).toContain(field);
    }
  });

  it('records every generation and export as a report in the audit log, with its period and format and no figure', async () => {
    const before = (await reportEntries()).length;
    await get(auditor, '/reports/equality?from=2026-01-01&to=2026-03-31&format=csv');
    await get(inspector, '/reports/transparency?year=2025');
    await get(others[0]!, '/reports/children');
    const entries = (await reportEntries()).slice(0, 2);
    expect((await reportEntries()).length).toBe(before + 2);
    expect(entries.map((e) => [e.operation, e.detail])).toEqual([
      ['consult', { report: 'transparency', format: 'json', from: '2025-01-01', to: '2025-12-31' }],
      ['consult', { report: 'equality', format: 'csv', from: '2026-01-01', to: '2026-03-31' }],
    ]);
  });
});

describe('the reports’ pages (issue 15 points 4, 5, 7)', () => {
  it('shows the equality figures as an accessible chart and a table with the same figures, and links the CSV', async () => {
    const b = await t.browser(inspector);
    const page = await b.get('/reports/equality?from=2026-01-01&to=2026-03-31');
    expect(page.statusCode).toBe(200);
    const svg = /<svg[^>]*>[\s\S]*<\/svg>/.exec(page.body)![0];
    expect(svg).toMatch(/^<svg[^>]* role="img" aria-labelledby="equality-chart-title equality-chart-desc"/);
    expect(svg).toContain('<title id="equality-chart-title">Subjects from 2026-01-01 to 2026-03-31');
    // Readable without colour: every figure in words, in the SVG's description and on its bars.
    expect(svg).toContain('Black, Black British, Caribbean or African: 6.64 (2.41 to 18.26)');
    expect(svg).toContain('suppressed: fewer than 5');
    expect(svg).not.toMatch(/<script|on[a-z]+=/i);
    const table = /data-qa="groups"[\s\S]*?<\/table>/.exec(page.body)![0];
    for (const figure of [
      'Black, Black British, Caribbean or African',
      '10',
      '0.008415',
      '6.64',
      '2.41 to 18.26',
      'Fewer than 5 (suppressed)',
    ])
      expect(table).toContain(figure);
    expect(page.body).toContain('href="/api/v1/reports/equality?from=2026-01-01&amp;to=2026-03-31&amp;format=csv"');
    expect(page.body).toContain('Census 2021');
  });

  it('shows the children’s and transparency pages, and a bad period as an error on the form', async () => {
    const b = await t.browser(auditor);
    const children = await b.get('/reports/children?from=2025-10-01&to=2026-03-31');
    expect(children.statusCode).toBe(200);
    expect(children.body).toContain('2025 Q4');
    const transparency = await b.get('/reports/transparency?year=2025');
    expect(transparency.statusCode).toBe(200);
    expect(transparency.body).toContain('Transparency report 2025');
    expect(transparency.body).toContain('Content likely to provoke a real world act of violence');
    // The platforms by their directory names, not their keys.
    expect(transparency.body).toMatch(/<td class="govuk-table__cell">YouTube<\/td>/);
    expect(transparency.body).not.toMatch(/<td class="govuk-table__cell">youtube<\/td>/);
    const bad = await b.get('/reports/equality?from=2026-02-30');
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('href="#from"');
    expect(bad.body).not.toContain('data-qa="equality-chart"');
    expect((await (await t.browser(others[1]!)).get('/reports/equality')).statusCode).toBe(403);
  });
});

// Last: it deletes a referral. Decision 021: the sweep copies a referral's facts into the retained tables in the
// transaction that deletes it; the reports read both, so no published figure changes.
describe('the figures after a referral is deleted as the retention sweep deletes it', () => {
  it('are the same in every report', async () => {
    const urls = [
      '/reports/equality?from=2026-01-01&to=2026-03-31',
      '/reports/children?from=2025-10-01&to=2026-03-31',
      '/reports/transparency?year=2026',
    ];
    const before = await Promise.all(urls.map(async (u) => (await get(inspector, u)).json));
    await t.db.transaction(async (tx) => {
      await tx.execute(sql`INSERT INTO retained_subject_facts (quarter, category, age_band, ethnicity, ethnicity_recorded_as, sex, status, outcome, referred)
        SELECT quarter, category, age_band, ethnicity, ethnicity_recorded_as, sex, status, outcome, referred FROM live_subject_facts WHERE referral_id = ${removedId}`);
      await tx.execute(sql`INSERT INTO retained_notice_facts (quarter, platform, channel, factors, decision, final_decision, days_to_decision, appealed, involves_child)
        SELECT quarter, platform, channel, factors, decision, final_decision, days_to_decision, appealed, involves_child FROM live_notice_facts WHERE referral_id = ${removedId}`);
      await tx.delete(referrals).where(eq(referrals.id, removedId));
    });
    expect(await t.db.select().from(referrals).where(eq(referrals.id, removedId))).toEqual([]);
    const after = await Promise.all(urls.map(async (u) => (await get(inspector, u)).json));
    expect(after).toEqual(before);
    expect(before[0].groups[0].subjects).toBe(6);
  });
});
