import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog } from '../src/db/schema/index.js';
import { referralIn, type Made } from './factories.js';
import { createTestApp, type ApiAnswer, type TestApp, type TestUser } from './harness.js';

/**
 * Subject access (DPA 2018 s.45, s.54; issue 15 points 3, 8; decision 024): the auditor's search,
 * requests with due dates, and the bundle checked field by field against a fixture with unicode,
 * hyphens, apostrophes and a third party on the same referral, on both databases.
 */
let t: TestApp;
let auditor: TestUser;
let made: Made;

const PERSON = 'Zoë Łukasz-O’Brien';
const HANDLE = 'zo_ldn';
const OTHER = 'Kane Smith';
const OTHER_HANDLE = 'ks_opps';
const RATIONALE = `${OTHER} (@${OTHER_HANDLE}) threatens ${PERSON}, born 3 March 2005, in the video; it names @${HANDLE} twice.`;
const RESEARCH = `Posts by @${OTHER_HANDLE} name @${HANDLE}; ${OTHER} is known on CRIMINT (born 02/01/2004).`;

const query = (o: Record<string, string>) => new URLSearchParams(o).toString();
let api: Awaited<ReturnType<TestApp['api']>>;
const search = (o: Record<string, string>) => api.get(`/api/v1/subject-access/search?${query(o)}`);
const kinds = (a: ApiAnswer) => a.json.items.map((i: { kind: string }) => i.kind).sort();

beforeAll(async () => {
  t = await createTestApp();
  auditor = await t.user(['auditor']);
  api = await t.api(auditor);
  made = await referralIn(t, 'referred', {
    referral: {
      rationale: RATIONALE,
      subjects: [
        { name: `${PERSON} (@${HANDLE})`, category: 'victim', ageBand: '18_24', dateOfBirth: '2005-03-03' },
        { name: `${OTHER} (@${OTHER_HANDLE})`, category: 'suspect', ageBand: '18_24', dateOfBirth: '2004-01-02' },
      ],
    },
    review: { researchSummary: RESEARCH },
  });
  // Another referral that names nobody searched for: it must not be found.
  await referralIn(t, 'submitted');
});
afterAll(() => t.close());

describe('the search (auditor)', () => {
  it('finds the person by name across the subject, the rationale and the review, and not the other subject', async () => {
    const a = await search({ name: PERSON });
    expect(a.status).toBe(200);
    expect(kinds(a)).toEqual(['referral_rationale', 'subject']);
    const subject = a.json.items.find((i: { kind: string }) => i.kind === 'subject');
    expect(subject).toMatchObject({ referralId: made.id, reference: made.reference, excerpt: `${PERSON} (@${HANDLE})` });
  });

  it('meets "Name (@handle)" and "@handle" and the bare handle alike', async () => {
    const queries: Record<string, string>[] = [{ handle: HANDLE }, { handle: `@${HANDLE}` }, { name: `Someone Else (@${HANDLE})` }];
    for (const q of queries) {
      const a = await search(q);
      expect(kinds(a), JSON.stringify(q)).toEqual(['referral_rationale', 'review', 'subject']);
    }
  });

  it('reads the date of birth in several formats, day first', async () => {
    for (const dateOfBirth of ['2005-03-03', '3/3/2005', '03.03.2005', '3 March 2005', 'March 3, 2005']) {
      const a = await search({ dateOfBirth });
      expect(a.status, dateOfBirth).toBe(200);
      expect(kinds(a), dateOfBirth).toEqual(['referral_rationale', 'subject']);
    }
  });

  it('refuses no criteria, a NUL, an unreadable date and an overlong name, naming the field', async () => {
    expect((await search({})).json.fields[0].path).toBe('name');
    expect((await search({ name: 'a\u0000b' })).json.fields[0].path).toBe('name');
    expect((await search({ dateOfBirth: '31/02/2005' })).json.fields[0].path).toBe('dateOfBirth');
    const long = await search({ name: 'x'.repeat(201) });
    expect(long.status).toBe(400);
    expect(long.json.fields[0].path).toBe('name');
  });

  it('is audited as a consultation without the name searched for', async () => {
    await search({ name: PERSON, dateOfBirth: '3/3/2005' });
    const entries = await t.db.select().from(auditLog).where(eq(auditLog.entity, 'subject_access_search'));
    expect(entries.length).toBeGreaterThan(0);
    const last = entries.at(-1)!;
    expect(last).toMatchObject({ operation: 'consult', actorId: auditor.id });
    expect(last.detail).toEqual({ criteria: ['name', 'dateOfBirth'], matched: 2 });
    expect(JSON.stringify(entries)).not.toMatch(/Zoë|Łukasz|2005-03-03/);
  });
});

describe('requests and the bundle', () => {
  let id: string;
  let itemIds: string[];

  beforeAll(async () => {
    const found = await search({ handle: HANDLE });
    itemIds = found.json.items.map((i: { kind: string; id: string }) => `${i.kind}:${i.id}`);
    const created = await api.post('/api/v1/subject-access/requests', {
      subjectName: PERSON,
      receivedOn: '2026-01-31',
      itemIds,
      restriction: 'Part of the review is withheld while an investigation is open (s.45(4)(a)).',
    });
    expect(created.status).toBe(201);
    id = created.json.id;
    // s.54: one calendar month from 31 January is the last day of February.
    expect(created.json.dueOn).toBe('2026-02-28');
  });

  it('refuses an item that is not one, and a receipt date in the future, naming the field', async () => {
    const bad = await api.post('/api/v1/subject-access/requests', {
      subjectName: PERSON,
      receivedOn: '2026-01-31',
      itemIds: ['subject:00000000-0000-4000-8000-000000000000'],
    });
    expect(bad.status).toBe(400);
    expect(bad.json.fields[0].path).toBe('itemIds[0]');
    const future = await api.post('/api/v1/subject-access/requests', { subjectName: PERSON, receivedOn: '2999-01-01', itemIds });
    expect(future.json.fields[0].path).toBe('receivedOn');
  });

  it('lists the open request as overdue, extends it once by two months with a reason, and completes it once', async () => {
    const list = await api.get('/api/v1/subject-access/requests');
    expect(list.json.items.find((r: { id: string }) => r.id === id)).toMatchObject({ dueOn: '2026-02-28', overdue: true, items: 0 });
    const ext = await api.post(`/api/v1/subject-access/requests/${id}/extension`, { months: 2, reason: 'Complex: many records' });
    expect(ext.status).toBe(200);
    expect(ext.json).toMatchObject({ dueOn: '2026-04-30', originalDueOn: '2026-02-28', extendedTo: '2026-04-30' });
    expect((await api.post(`/api/v1/subject-access/requests/${id}/extension`, { months: 1, reason: 'x' })).status).toBe(409);
    expect((await api.post(`/api/v1/subject-access/requests/${id}/extension`, { months: 3, reason: 'x' })).status).toBe(400);
    const got = await api.get(`/api/v1/subject-access/requests/${id}`);
    expect(got.json).toMatchObject({ items: itemIds.length, restriction: { reason: expect.stringContaining('s.45(4)') } });
    expect(got.json.itemIds.sort()).toEqual([...itemIds].sort());
  });

  it('gives the statutory information and the person’s data, third parties redacted, field by field', async () => {
    const b = await api.get(`/api/v1/subject-access/requests/${id}/bundle`);
    expect(b.status).toBe(200);
    const bundle = b.json;
    expect(bundle.request).toEqual({ id, subjectName: PERSON, receivedOn: '2026-01-31', dueOn: '2026-04-30' });
    expect(bundle.purposes).toMatch(/prevention, investigation, detection or prosecution of criminal offences/);
    expect(bundle.legalBasis).toMatch(/section 35/);
    expect(bundle.categories.length).toBeGreaterThanOrEqual(4);
    expect(bundle.recipients).toMatch(/platforms/);
    expect(bundle.retention).toMatch(/12 months after it closes/);
    expect(bundle.rights.join(' ')).toMatch(/rectified.*erased.*restricted/s);
    expect(bundle.complaint).toEqual({
      text: expect.stringMatching(/Information Commissioner/),
      name: 'Information Commissioner’s Office',
      address: 'Wycliffe House, Water Lane, Wilmslow, Cheshire SK9 5AF',
      telephone: '0303 123 1113',
      website: 'https://ico.org.uk',
    });
    expect(bundle.restriction).toEqual({ reason: expect.stringContaining('s.45(4)(a)') });
    const byKind = Object.fromEntries(bundle.items.map((i: { kind: string }) => [i.kind, i]));
    expect(Object.keys(byKind).sort()).toEqual(['referral_rationale', 'review', 'subject']);
    // The person's own record, kept whole.
    expect(byKind.subject).toMatchObject({
      reference: made.reference,
      source: expect.stringMatching(/officer who made the referral/),
      data: { recordedAs: `${PERSON} (@${HANDLE})`, category: 'victim', ageBand: '18_24', dateOfBirth: '2005-03-03' },
    });
    // The rationale: the other subject's name and handle redacted; the person's own name, date of birth and handle kept.
    expect(byKind.referral_rationale.data.rationale).toBe(
      `[redacted: third party] ([redacted: third party]) threatens ${PERSON}, born 3 March 2005, in the video; it names @${HANDLE} twice.`,
    );
    expect(byKind.review.data.researchSummary).toBe(
      `Posts by [redacted: third party] name @${HANDLE}; [redacted: third party] is known on CRIMINT (born [redacted: third party]).`,
    );
    // No officer's name anywhere (applicant, reviewer): they are not part of the person's data.
    expect(JSON.stringify(bundle)).not.toMatch(/Aoife|Olúwaseun|Siân|Kane|ks_opps|2004/);
  });

  it('gives the same as a PDF, and each export is an audited disclosure', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: `/api/v1/subject-access/requests/${id}/bundle?format=pdf`,
      headers: await t.bearer(auditor),
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    const exports = await t.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.entity, 'subject_access_request'), eq(auditLog.operation, 'disclose')));
    expect(exports.map((e) => (e.detail as { format: string }).format).sort()).toEqual(['json', 'pdf']);
    expect(exports[0]).toMatchObject({ entityId: id, recipient: 'The data subject (DPA 2018 s.45)' });
    expect(JSON.stringify(exports)).not.toMatch(/Zoë|Łukasz/);
  });

  it('completes once; the request leaves the open list', async () => {
    expect((await api.post(`/api/v1/subject-access/requests/${id}/completion`)).status).toBe(200);
    expect((await api.post(`/api/v1/subject-access/requests/${id}/completion`)).status).toBe(409);
    const list = await api.get('/api/v1/subject-access/requests');
    expect(list.json.items.map((r: { id: string }) => r.id)).not.toContain(id);
  });

  it('is refused to every other role', async () => {
    for (const role of ['requester', 'operative', 'sergeant', 'inspector', 'authorising_officer', 'admin'] as const) {
      const other = await t.api(await t.user([role]));
      expect((await other.get(`/api/v1/subject-access/search?name=x`)).status).toBe(403);
      expect((await other.get(`/api/v1/subject-access/requests/${id}/bundle`)).status).toBe(403);
    }
  });
});

describe('the auditor’s pages', () => {
  it('search, pick with checkboxes, record; the list shows the due date; the request page links the downloads', async () => {
    const b = await t.browser(auditor);
    const page = await b.get(`/subject-access?${query({ handle: `@${HANDLE}` })}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('3 found');
    const boxes = [...page.body.matchAll(/name="itemIds" type="checkbox" value="([^"]+)"/g)].map((m) => m[1]!);
    expect(boxes).toHaveLength(3);
    const missing = await b.post('/subject-access/requests', { handle: `@${HANDLE}`, subjectName: PERSON });
    expect(missing.statusCode).toBe(400);
    expect(missing.body).toContain('Choose the items that relate to the person');
    const done = await b.post('/subject-access/requests', {
      handle: `@${HANDLE}`,
      subjectName: PERSON,
      'receivedOn-day': '5',
      'receivedOn-month': '11',
      'receivedOn-year': '2026',
      itemIds: boxes.slice(0, 2),
    });
    expect(done.statusCode).toBe(302);
    const at = (done.headers.location as string).split('?')[0]!;
    const requestPage = await b.get(done.headers.location as string);
    expect(requestPage.body).toContain('The request is recorded.');
    expect(requestPage.body).toContain('5 December 2026');
    expect(requestPage.body).toMatch(/bundle\?format=pdf/);
    const list = await b.get('/subject-access/requests');
    expect(list.body).toContain(PERSON.replace('’', '&#8217;').slice(0, 3));
    const ext = await b.post(`${at}/extension`, { months: '1', reason: 'Complex' });
    expect(ext.statusCode).toBe(302);
    expect((await b.get(at)).body).toContain('5 January 2027');
    const again = await b.post(`${at}/completion`, {});
    expect(again.statusCode).toBe(302);
    const twice = await b.post(`${at}/completion`, {});
    expect(twice.statusCode).toBe(400);
  });

  it('are refused to the unit', async () => {
    expect((await (await t.browser(made.people.sergeant)).get('/subject-access')).statusCode).toBe(403);
  });
});
