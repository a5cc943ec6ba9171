import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, subjects } from '../src/db/schema/index.js';
import { referralIn, referralInput, type Made } from './factories.js';
import { createTestApp, type Browser, type TestApp, type TestUser } from './harness.js';

/**
 * Issue 15 point 5, DESIGN.md "Data protection and fairness": a subject's ethnicity (19 GSS categories or
 * not stated, with who defined it) and sex are optional, stored, and never shown again: not in any
 * referral answer, page, list, search or export, for any role; only the equality report's aggregates
 * count them (decision 025).
 */
let t: TestApp;
let cast: Record<'requester' | 'operative' | 'sergeant' | 'inspector' | 'auditor' | 'admin', TestUser>;
let made: Made;

const EQUALITY_SUBJECTS = [
  {
    name: '@smoke_zone2',
    category: 'suspect',
    ageBand: '18_24',
    ethnicity: 'black_caribbean',
    ethnicityRecordedAs: 'officer_observed',
    sex: 'male',
  },
  { name: 'Ola Ní Dhuibhir-Smith', category: 'victim', ageBand: '25_plus', ethnicity: 'not_stated', sex: 'female' },
];
/** What would give the fields away: their names, their codes and the census words for the category. */
const TELLTALES = [/ethnic/i, /black_caribbean/, /Caribbean/, /officer_observed/i, /officer-observed/i, /"sex"/, /\bsex\b/i, /not_stated/];
const telltales = (text: string) => TELLTALES.filter((re) => re.test(text)).map(String);

beforeAll(async () => {
  t = await createTestApp();
  cast = {
    requester: await t.user(['requester']),
    operative: await t.user(['operative']),
    sergeant: await t.user(['sergeant']),
    inspector: await t.user(['inspector']),
    auditor: await t.user(['auditor']),
    admin: await t.user(['admin']),
  };
  made = await referralIn(t, 'closed', {
    closing: 'not_removed',
    people: { requester: cast.requester, operative: cast.operative, sergeant: cast.sergeant },
    referral: { subjects: EQUALITY_SUBJECTS },
  });
});
afterAll(() => t.close());

const post = async (body: Record<string, unknown>) => (await t.api(cast.requester)).post('/api/v1/referrals', body);

describe('the equality fields at intake (API)', () => {
  it('stores them as given; who defined "not stated" is not needed', async () => {
    const rows = await t.db
      .select({ ethnicity: subjects.ethnicity, recordedAs: subjects.ethnicityRecordedAs, sex: subjects.sex })
      .from(subjects)
      .where(eq(subjects.referralId, made.id))
      .orderBy(subjects.position);
    expect(rows).toEqual([
      { ethnicity: 'black_caribbean', recordedAs: 'officer_observed', sex: 'male' },
      { ethnicity: 'not_stated', recordedAs: null, sex: 'female' },
    ]);
  });

  it('keeps a request without them valid, and stores nothing for them', async () => {
    const res = await post(referralInput());
    expect(res.status, res.body).toBe(201);
    const [row] = await t.db.select().from(subjects).where(eq(subjects.referralId, res.json.id));
    expect(row).toMatchObject({ ethnicity: null, ethnicityRecordedAs: null, sex: null });
  });

  it.each([
    [{ ethnicity: 'asian_indian' }, 'subjects[0].ethnicityRecordedAs', 'Choose whether the person defined their ethnicity'],
    [{ ethnicityRecordedAs: 'self_defined' }, 'subjects[0].ethnicity', 'Choose an ethnic group, or leave out who defined it'],
    [{ ethnicity: 'british', ethnicityRecordedAs: 'self_defined' }, 'subjects[0].ethnicity', 'Choose an ethnic group from the list'],
    [{ ethnicity: 'white_roma', ethnicityRecordedAs: 'guessed' }, 'subjects[0].ethnicityRecordedAs', 'Choose whether'],
    [{ sex: 'x'.repeat(500) }, 'subjects[0].sex', 'Choose female, male or "Not stated"'],
  ])('answers a bad equality field with a 400 naming it (%#)', async (fields, path, message) => {
    const res = await post(referralInput({ subjects: [{ name: '@x', category: 'suspect', ageBand: '18_24', ...fields }] }));
    expect(res.status, res.body).toBe(400);
    expect(res.json.fields).toEqual(expect.arrayContaining([expect.objectContaining({ path, message: expect.stringContaining(message) })]));
  });
});

describe('the equality fields are never shown (field × role)', () => {
  const API = (id: string) => [
    `/api/v1/referrals/${id}`,
    '/api/v1/referrals?pageSize=100',
    `/api/v1/referrals?reference=${made.reference}`,
  ];
  const PAGES = (id: string) => [
    `/referrals/${id}`,
    `/referrals/${id}/intelligence`,
    `/referrals/${id}/evidence`,
    '/queue',
    `/queue?reference=${made.reference}`,
    '/referrals/mine',
    '/',
    '/audit',
    '/retention',
  ];

  for (const who of ['requester', 'operative', 'sergeant', 'inspector', 'auditor', 'admin'] as const) {
    it(`shows ${who} none of them in any answer or page that opens`, async () => {
      const api = await t.api(cast[who]);
      let opened = 0;
      for (const url of API(made.id)) {
        const res = await api.get(url);
        if (res.status !== 200) continue;
        opened++;
        expect(telltales(res.body), url).toEqual([]);
      }
      const b: Browser = await t.browser(cast[who]);
      for (const url of PAGES(made.id)) {
        const res = await b.get(url);
        if (res.statusCode !== 200) continue;
        opened++;
        // The layout may name the equality report in its header for inspectors and auditors: strip links.
        expect(telltales(res.body.replace(/<a [^>]*href="\/reports[^"]*"[^>]*>[^<]*<\/a>/g, '')), `${who} ${url}`).toEqual([]);
      }
      expect(opened).toBeGreaterThan(0);
    });
  }

  it('writes none of them into the audit log (DPA 2018 s.62 entries hold counts, not people)', async () => {
    const rows = await t.db.select({ detail: auditLog.detail }).from(auditLog);
    expect(telltales(JSON.stringify(rows))).toEqual([]);
  });
});

describe('the equality questions on the intake pages', () => {
  it('asks them optionally, grouped by the census groups, and stores the answers', async () => {
    const b = await t.browser(cast.requester);
    await b.get('/referrals/new/content');
    await b.post('/referrals/new/content', { contentTitle: 'Drill video', contentUrl: 'https://www.youtube.com/watch?v=eqFields001' });
    await b.post('/referrals/new/platforms', { platforms: ['youtube'] });
    await b.post('/referrals/new/uploaded', {
      'contentUploadedOn-day': '1',
      'contentUploadedOn-month': '3',
      'contentUploadedOn-year': '2026',
    });
    await b.post('/referrals/new/incident-references', {});
    await b.post('/referrals/new/rationale', { rationale: 'Threatens a rival group.' });
    await b.post('/referrals/new/subjects', { hasSubjects: 'yes' });
    const form = await b.get('/referrals/new/subjects/add');
    expect(form.body).toContain('Equality monitoring (optional)');
    expect(form.body).toContain('Equality Act 2010, section 149');
    for (const group of [
      'White',
      'Mixed or Multiple ethnic groups',
      'Asian or Asian British',
      'Black, Black British, Caribbean or African',
    ])
      expect(form.body).toContain(`<optgroup label="${group}">`);
    expect(form.body.match(/<option value="[a-z_]+"/g)).toHaveLength(20);

    const base = { name: '@eq_handle', category: 'suspect', ageBand: '25_plus' };
    const missing = await b.post('/referrals/new/subjects/add', { ...base, ethnicity: 'asian_chinese' });
    expect(missing.statusCode).toBe(400);
    expect(missing.body).toContain('href="#ethnicityRecordedAs"');
    expect(missing.body).toContain('Choose whether the person defined their ethnicity or an officer observed it');
    expect(missing.body).toContain('value="asian_chinese" selected');

    const added = await b.post('/referrals/new/subjects/add', {
      ...base,
      ethnicity: 'asian_chinese',
      ethnicityRecordedAs: 'self_defined',
      sex: 'female',
    });
    expect(added.statusCode).toBe(302);
    await b.get('/referrals/new/check');
    expect((await b.post('/referrals/new/check')).headers.location).toBe('/referrals/new/confirmation');
    const [row] = await t.db
      .select({ ethnicity: subjects.ethnicity, recordedAs: subjects.ethnicityRecordedAs, sex: subjects.sex })
      .from(subjects)
      .where(eq(subjects.name, '@eq_handle'));
    expect(row).toEqual({ ethnicity: 'asian_chinese', recordedAs: 'self_defined', sex: 'female' });
  });
});
