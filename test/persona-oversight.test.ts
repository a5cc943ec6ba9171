import { randomBytes } from 'node:crypto';
import { desc } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog } from '../src/db/schema/index.js';
import { secretKey } from '../src/security/sealed-secrets.js';
import { castOf } from './factories.js';
import { createTestApp, TEST_DB, type TestApp, type TestUser } from './harness.js';
import { insertPersona, insertStatusChange, insertUse } from './persona-rows.js';
import { capturedLog, findSecrets, scanForSecrets } from './secret-scan.js';

/**
 * The oversight figures through the API (issue 14 point 6, 8): on a register built by hand, the
 * JSON and the CSV add up, each reader sees what their role may, requesters and admins are not
 * told the register exists, and every reading is a report in the audit log. Fixed clock: 5
 * December 2026, 10:00 London.
 */

const NOW = new Date('2026-12-05T10:00:00Z');
const PASSWORDS = ['Winter-Drill-2026!', 'N0t-F0r-Y0ur-Eyes“x”', '=cmd|"/c calc"!A1'];

let t: TestApp;
let log: ReturnType<typeof capturedLog>;
let cast: Record<'officer' | 'auditor' | 'operative' | 'inspector' | 'requester' | 'admin' | 'both', TestUser>;
let overdueId: string;

beforeAll(async () => {
  log = capturedLog();
  t = await createTestApp({ clock: () => NOW, logger: log.logger });
  cast = await castOf(t, {
    officer: { displayName: 'DI Aisling Ó Ceallaigh', roles: ['authorising_officer'] },
    auditor: { displayName: 'Audit Lead Priya Natarajan', roles: ['auditor'] },
    operative: { displayName: 'DC Olúwaseun Adé-Okafor', roles: ['operative'] },
    inspector: { displayName: 'Insp. Tom Hale', roles: ['inspector'] },
    requester: { displayName: 'PC Aoife Ní Bhriain-Jones', roles: ['requester'] },
    admin: { displayName: 'Admin Sam Lee', roles: ['admin'] },
    both: { displayName: 'PC and admin', roles: ['requester', 'admin'] },
  });
  const key = secretKey(randomBytes(32));
  const by = { creatorId: cast.operative.id, createdAt: new Date('2025-02-01T09:00:00Z') };
  const authorised = { ...by, authorisingOfficerId: cast.officer.id, authorisedAt: new Date('2025-03-01T12:00:00Z') };
  const a = await insertPersona(
    t.db,
    { ...authorised, website: 'TikTok', status: 'active', reviewDueOn: '2027-01-10' },
    { password: PASSWORDS[0] },
    key,
  );
  overdueId = await insertPersona(
    t.db,
    { ...authorised, website: ' tiktok', status: 'active', reviewDueOn: '2026-11-30' },
    { password: PASSWORDS[1] },
    key,
  );
  const retired = await insertPersona(
    t.db,
    { ...authorised, website: '=HYPERLINK("http://evil")', status: 'retired', retiredAt: new Date('2026-06-01T10:00:00Z') },
    { password: PASSWORDS[2] },
    key,
  );
  const refused = await insertPersona(t.db, { ...by, website: 'Instagram', status: 'refused' });
  await insertPersona(t.db, { ...by, website: 'Instagram', status: 'requested' });
  for (const [id, at] of [
    [a, '2025-03-01T12:00:00Z'],
    [overdueId, '2025-12-31T23:30:00Z'],
    [retired, '2026-01-01T00:00:00Z'],
  ] as const)
    await insertStatusChange(t.db, id, { at: new Date(at), from: 'requested', to: 'active', actorId: cast.officer.id });
  await insertStatusChange(t.db, refused, {
    at: new Date('2026-04-01T10:00:00Z'),
    from: 'requested',
    to: 'refused',
    actorId: cast.officer.id,
  });
  // Uses: two in January 2026 (23:59 UTC on 31 January is still January: London keeps GMT in winter), three in November.
  for (const at of ['2026-01-15T10:00:00Z', '2026-01-31T23:59:00Z', '2026-11-01T00:30:00Z', '2026-11-20T10:00:00Z', '2026-11-21T10:00:00Z'])
    await insertUse(t.db, a, { at: new Date(at), userId: cast.operative.id });
  // 23:30 UTC on 31 May is 00:30 BST on 1 June: a June use in London.
  await insertUse(t.db, overdueId, { at: new Date('2026-05-31T23:30:00Z'), userId: cast.operative.id });
});
afterAll(() => t.close());

describe(`the persona oversight figures on ${TEST_DB}`, () => {
  it('adds up for an authorising officer, with the overdue reviews listed', async () => {
    const res = await (await t.api(cast.officer)).get('/api/v1/personas/oversight');
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      asOf: '2026-12-05',
      totals: { personas: 5, requested: 1, refused: 1, active: 2, suspended: 0, retired: 1, uses: 6, overdueReviews: 1 },
      authorisationsByYear: [
        { year: 2025, authorised: 2, refused: 0 },
        { year: 2026, authorised: 1, refused: 1 },
      ],
      byPlatform: [
        { website: 'instagram', personas: 2, requested: 1, refused: 1, active: 0, suspended: 0, retired: 0 },
        { website: 'tiktok', personas: 2, requested: 0, refused: 0, active: 2, suspended: 0, retired: 0 },
        { website: '=hyperlink("http://evil")', personas: 1, requested: 0, refused: 0, active: 0, suspended: 0, retired: 1 },
      ],
      usesByMonth: [
        { month: '2026-01', uses: 2 },
        { month: '2026-06', uses: 1 },
        { month: '2026-11', uses: 3 },
      ],
      overdueReviews: { count: 1, items: [{ id: overdueId, website: 'tiktok', reviewDueOn: '2026-11-30', daysOverdue: 5 }] },
    });
  });

  it('gives an auditor the same figures, the overdue reviews by number only', async () => {
    const officer = (await (await t.api(cast.officer)).get('/api/v1/personas/oversight')).json;
    const res = await (await t.api(cast.auditor)).get('/api/v1/personas/oversight');
    expect(res.status).toBe(200);
    expect(res.json.overdueReviews).toEqual({ count: 1 });
    expect({ ...res.json, overdueReviews: null }).toEqual({ ...officer, overdueReviews: null });
    expect(res.body).not.toContain(overdueId);
  });

  it('answers the CSV: RFC 4180, the hostile website defused, the same figures as the JSON', async () => {
    const res = await (await t.api(cast.auditor)).get('/api/v1/personas/oversight.csv');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe('attachment; filename="persona-oversight.csv"');
    const lines = res.body.split('\r\n');
    expect(lines[0]).toBe('figure,group,measure,value');
    expect(lines.at(-1)).toBe('');
    expect(lines).toContain('totals,all,personas,5');
    expect(lines).toContain('totals,all,overdueReviews,1');
    expect(lines).toContain('authorisations,2026,refused,1');
    expect(lines).toContain('uses,2026-06,uses,1');
    expect(lines).toContain(`platform,"'=hyperlink(""http://evil"")",retired,1`);
    expect(lines.filter((l) => /^platform,.*,personas,\d+$/.test(l)).reduce((s, l) => s + Number(l.split(',').at(-1)), 0)).toBe(5);
    expect(res.body).not.toContain(overdueId);
  });

  it('records every reading as a report in the audit log, naming its format', async () => {
    await (await t.api(cast.officer)).get('/api/v1/personas/oversight.csv');
    const [entry] = await t.db.select().from(auditLog).orderBy(desc(auditLog.seq)).limit(1);
    expect(entry).toMatchObject({
      actorId: cast.officer.id,
      operation: 'consult',
      entity: 'persona_oversight',
      detail: { report: 'persona_oversight', format: 'csv' },
    });
  });

  it('is 404 to requesters and admins, as an unknown path; 403 to the unit; 401 signed out', async () => {
    const unknown = await (await t.api(cast.requester)).get('/api/v1/no-such-thing');
    for (const who of [cast.requester, cast.admin, cast.both])
      for (const url of ['/api/v1/personas/oversight', '/api/v1/personas/oversight.csv']) {
        const res = await (await t.api(who)).get(url);
        expect({ who: who.roles, url, status: res.status, body: res.json }).toEqual({
          who: who.roles,
          url,
          status: 404,
          body: unknown.json,
        });
      }
    for (const who of [cast.operative, cast.inspector])
      expect((await (await t.api(who)).get('/api/v1/personas/oversight')).status).toBe(403);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/personas/oversight' })).statusCode).toBe(401);
  });

  it('leaves no persona password in any answer, the database or the log', async () => {
    const answers = [
      await (await t.api(cast.officer)).get('/api/v1/personas/oversight'),
      await (await t.api(cast.officer)).get('/api/v1/personas/oversight.csv'),
    ];
    expect(answers.flatMap((a, i) => findSecrets(`answer ${i}`, a.body, PASSWORDS))).toEqual([]);
    expect(await scanForSecrets(t.db, PASSWORDS, { logLines: log.lines })).toEqual([]);
    expect(log.lines.some((l) => l.includes('/api/v1/personas/oversight'))).toBe(true);
  });
});
