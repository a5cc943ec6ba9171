import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, personaStatusHistory } from '../src/db/schema/index.js';
import type { TestApp, TestUser } from './harness.js';
import { personaApp, personaCast, personaIn, type PersonaCast } from './personas-support.js';
import { capturedLog, findSecrets, scanForSecrets } from './secret-scan.js';

/**
 * Withdrawing a request no longer needed (issue 14 point 1: "→ retired"; decision 019): its
 * creator, or an authorising officer, ends a requested persona with a reason kept in the status
 * history; API and page; one transaction with its audit entry; a decision at the same moment
 * wins or loses whole (parallel on PostgreSQL). Every answer and page is scanned for the secrets.
 */
let t: TestApp;
let cast: PersonaCast;
const log = capturedLog();
const secrets: string[] = [];
const answers: { where: string; body: string }[] = [];
beforeAll(async () => {
  t = await personaApp({ logger: log.logger });
  cast = await personaCast(t);
});
afterAll(() => t?.close());

async function requested(by?: TestUser) {
  const p = await personaIn(t, cast, 'requested', { by });
  secrets.push(p.password);
  return p;
}
async function withdraw(u: TestUser, id: string, body: unknown) {
  const res = await (await t.api(u)).post(`/api/v1/personas/${id}/withdrawal`, body);
  answers.push({ where: `withdrawal ${id}`, body: JSON.stringify(res.json) });
  return res;
}
const REASON = 'Op Lantern closed before the persona was needed.';

describe('withdrawing a request (API)', () => {
  it('lets the creator withdraw: retired, the reason in the history and the retirement record, audited', async () => {
    const p = await requested();
    const res = await withdraw(cast.operative, p.id, { reason: REASON });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({
      status: 'retired',
      active: false,
      retirement: { by: { id: cast.operative.id }, reason: REASON },
      authorisingOfficer: null,
    });
    expect(res.json.history.map((h: { to: string; reason: string | null }) => [h.to, h.reason])).toEqual([
      ['requested', null],
      ['retired', REASON],
    ]);
    const entries = await t.db.select().from(auditLog).where(eq(auditLog.entityId, p.id));
    expect(entries.filter((e) => e.operation === 'alter')).toEqual([
      expect.objectContaining({ entity: 'persona', detail: { from: 'requested', to: 'retired', withdrawn: true } }),
    ]);
    // Final: no decision, use or second withdrawal after it.
    expect((await withdraw(cast.operative, p.id, { reason: REASON })).status).toBe(409);
    const decide = await (await t.api(cast.officer)).post(`/api/v1/personas/${p.id}/authorisation`, { decision: 'authorise', reason: 'x' });
    expect(decide.status).toBe(409);
  });

  it('lets an authorising officer withdraw; refuses another case worker (403) and an inspector (403), changing nothing', async () => {
    const p = await requested();
    // A sergeant assigns it to a second operative, who can see it but did not ask for it.
    await (await t.api(cast.sergeant)).post(`/api/v1/personas/${p.id}/assignees`, { userId: cast.otherOperative.id });
    expect((await withdraw(cast.otherOperative, p.id, { reason: REASON })).status).toBe(403);
    expect((await withdraw(cast.sergeant, p.id, { reason: REASON })).status).toBe(403);
    expect((await withdraw(cast.inspector, p.id, { reason: REASON })).status).toBe(403);
    expect((await withdraw(cast.requester, p.id, { reason: REASON })).status).toBe(404);
    const history = await t.db.select().from(personaStatusHistory).where(eq(personaStatusHistory.personaId, p.id));
    expect(history).toHaveLength(1);
    const res = await withdraw(cast.officer, p.id, { reason: 'Duplicate of another request.' });
    expect(res.json).toMatchObject({ status: 'retired', retirement: { by: { id: cast.officer.id } } });
  });

  it('refuses a persona past its request (409) and a missing, hostile or huge reason (400 naming reason)', async () => {
    for (const status of ['active', 'refused', 'suspended'] as const) {
      const p = await personaIn(t, cast, status);
      secrets.push(p.password);
      const res = await withdraw(cast.operative, p.id, { reason: REASON });
      expect(res.status, status).toBe(409);
      expect(res.json.error).toContain('cannot be withdrawn');
    }
    const p = await requested();
    for (const body of [{}, { reason: '' }, { reason: '   ' }, { reason: 'a\u0000b' }, { reason: 'x'.repeat(2_001) }, { reason: ['x'] }]) {
      const res = await withdraw(cast.operative, p.id, body);
      expect(res.status, JSON.stringify(body).slice(0, 40)).toBe(400);
      expect(res.json.fields.map((f: { path: string }) => f.path)).toEqual(['reason']);
    }
  });

  it('makes one outcome when a withdrawal and an authorisation come at the same moment', async () => {
    for (let round = 0; round < 4; round++) {
      const p = await requested();
      const [a, b] = [await t.api(cast.operative), await t.api(cast.officer)];
      const res = await Promise.all([
        a.post(`/api/v1/personas/${p.id}/withdrawal`, { reason: REASON }),
        b.post(`/api/v1/personas/${p.id}/authorisation`, { decision: 'authorise', reason: 'Necessary for Op Lantern.' }),
      ]);
      expect(res.map((r) => r.status).sort()).toEqual([200, 409]);
      const history = await t.db.select().from(personaStatusHistory).where(eq(personaStatusHistory.personaId, p.id));
      expect(history.map((h) => h.fromStatus)).toEqual([null, 'requested']);
      const alters = (await t.db.select().from(auditLog).where(eq(auditLog.entityId, p.id))).filter((e) => e.operation === 'alter');
      expect(alters).toHaveLength(1);
    }
  });
});

describe('withdrawing a request (pages)', () => {
  it('offers the creator a confirmation page; errors linked; then retired with the reason shown', async () => {
    const p = await requested();
    const b = await t.browser(cast.operative);
    const page = await b.get(`/personas/${p.id}`);
    expect(page.body).toContain('data-qa="withdraw-link"');
    const confirm = await b.get(`/personas/${p.id}/withdrawal`);
    expect(confirm.statusCode).toBe(200);
    expect(confirm.body).toContain('data-qa="withdraw-form"');
    expect(confirm.body).toContain('name="_csrf"');
    const empty = await b.post(`/personas/${p.id}/withdrawal`, { reason: '' });
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain('href="#reason"');
    const forged = await b.post(`/personas/${p.id}/withdrawal`, { _csrf: 'forged', reason: REASON });
    expect(forged.statusCode).toBe(403);
    const done = await b.post(`/personas/${p.id}/withdrawal`, { reason: REASON });
    expect(done.statusCode).toBe(302);
    const after = await b.get(done.headers.location as string);
    expect(after.body).toContain('The request is withdrawn');
    expect(after.body).toContain(REASON);
    expect(after.body).not.toContain('data-qa="withdraw-link"');
    // Too late now: the confirmation says so, and a second post is a 409 on the page.
    expect((await b.get(`/personas/${p.id}/withdrawal`)).body).toContain('data-qa="not-requested"');
    const again = await b.post(`/personas/${p.id}/withdrawal`, { reason: REASON });
    expect(again.statusCode).toBe(409);
    expect(again.body).toContain('href="#withdraw-heading"');
    for (const r of [page, confirm, empty, after, again]) answers.push({ where: 'page', body: r.body });
  });

  it('offers the link only to the creator and authorising officers, and refuses others the page (403)', async () => {
    const p = await requested();
    await (await t.api(cast.sergeant)).post(`/api/v1/personas/${p.id}/assignees`, { userId: cast.otherOperative.id });
    for (const [u, offered] of [
      [cast.officer, true],
      [cast.sergeant, false],
      [cast.otherOperative, false],
      [cast.inspector, false],
    ] as const) {
      const b = await t.browser(u);
      const body = (await b.get(`/personas/${p.id}`)).body;
      answers.push({ where: 'page', body });
      expect(body.includes('data-qa="withdraw-link"'), u.username).toBe(offered);
      expect((await b.get(`/personas/${p.id}/withdrawal`)).statusCode, u.username).toBe(offered ? 200 : 403);
    }
  });

  it('leaves no secret in any answer, page, log line or stored column', async () => {
    expect(secrets.length).toBeGreaterThan(5);
    const all = secrets.flatMap((x) => [x, x.replace(/&/g, '&amp;')]);
    expect(answers.flatMap((a) => findSecrets(a.where, a.body, all))).toEqual([]);
    expect(await scanForSecrets(t.db, all, { logLines: log.lines })).toEqual([]);
  });
});
