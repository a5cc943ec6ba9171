import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, personaSecrets, users } from '../src/db/schema/index.js';
import { PASSWORD, type ApiAnswer, type TestApp, type TestUser } from './harness.js';
import { personaApp, personaCast, personaIn, personaInput, type PersonaCast } from './personas-support.js';

/**
 * Issue 14 point 3: a persona's secrets are sealed at rest and leave only by a reveal, to an
 * entitled person who re-entered their own password, with a purpose, as an audited consultation.
 * Every answer, log line and audit entry of this file is scanned for the secrets at the end.
 */
let t: TestApp;
let cast: PersonaCast;
const logLines: string[] = [];
const answers: { url: string; body: string; reveal: boolean }[] = [];
const secrets = new Set<string>();

beforeAll(async () => {
  t = await personaApp({
    config: { signIn: { maxFailures: 3, lockoutMinutes: 15 } },
    logger: { level: 'debug', stream: { write: (line: string) => void logLines.push(line) } },
  });
  cast = await personaCast(t);
});
afterAll(() => t?.close());

/** An API call as `u`, its answer kept for the final scan. */
async function call(u: TestUser, method: 'get' | 'post', url: string, body?: unknown): Promise<ApiAnswer> {
  const api = await t.api(u);
  const res = method === 'get' ? await api.get(url) : await api.post(url, body);
  answers.push({ url, body: res.body, reveal: url.endsWith('/reveal') && res.status === 200 });
  return res;
}
const reveal = (u: TestUser, id: string, over: Record<string, unknown> = {}) =>
  call(u, 'post', `/api/v1/personas/${id}/reveal`, {
    purpose: 'Log in to view @smoke_zone2’s closed story for Op Lantern',
    currentPassword: PASSWORD,
    ...over,
  });
const failuresOf = async (u: TestUser) => (await t.db.select().from(users).where(eq(users.id, u.id)))[0]!.failedSignIns;

/** A persona in `status`, made through the service by the cast's operative; its password kept for the scan. */
async function made(status: 'requested' | 'active' | 'suspended' | 'retired' | 'refused') {
  const p = await personaIn(t, cast, status);
  secrets.add(p.password);
  return p;
}

describe('revealing a secret (issue 14 point 3)', () => {
  it('reveals the password to the assigned operative, and records a consultation with the purpose, never the value', async () => {
    const p = await made('active');
    const res = await reveal(cast.operative, p.id);
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ password: p.password });
    const [entry] = await t.db.select().from(auditLog).where(eq(auditLog.operation, 'consult'));
    expect(entry).toMatchObject({
      actorId: cast.operative.id,
      entity: 'persona',
      entityId: p.id,
      purpose: 'Log in to view @smoke_zone2’s closed story for Op Lantern',
      detail: { revealed: 'password' },
    });
  });

  it('reveals recovery codes and notes one kind at a time; a kind not held is 404', async () => {
    const created = await call(
      cast.operative,
      'post',
      '/api/v1/personas',
      personaInput({ recoveryCodes: 'QX7P-99LM RR2D-0T4K', notes: 'Security answer: Pontypridd' }),
    );
    secrets.add('QX7P-99LM RR2D-0T4K').add('Security answer: Pontypridd').add(created.json.password);
    const id = created.json.id as string;
    await call(cast.officer, 'post', `/api/v1/personas/${id}/authorisation`, { decision: 'authorise', reason: 'Necessary.' });
    expect((await reveal(cast.operative, id, { kind: 'recovery_codes' })).json).toEqual({ recoveryCodes: 'QX7P-99LM RR2D-0T4K' });
    expect((await reveal(cast.operative, id, { kind: 'notes' })).json).toEqual({ notes: 'Security answer: Pontypridd' });
    const plain = await made('active');
    expect((await reveal(cast.operative, plain.id, { kind: 'notes' })).status).toBe(404);
    expect((await reveal(cast.operative, plain.id, { kind: 'pin' })).status).toBe(400);
  });

  it('reveals to an authorising officer; refuses an unassigned operative (403) and an inspector (403)', async () => {
    const p = await made('active');
    expect((await reveal(cast.officer, p.id)).json).toEqual({ password: p.password });
    expect((await reveal(cast.sergeant, p.id)).status).toBe(403);
    expect((await reveal(cast.inspector, p.id)).status).toBe(403);
    const other = await reveal(cast.otherOperative, p.id);
    expect(other.status).toBe(404); // an operative does not see a persona not assigned to them
  });

  it('reveals while active or suspended only (409 when requested, refused or retired)', async () => {
    expect((await reveal(cast.operative, (await made('suspended')).id)).status).toBe(200);
    for (const status of ['requested', 'refused', 'retired'] as const) {
      const res = await reveal(cast.operative, (await made(status)).id);
      expect(res.status, status).toBe(409);
    }
  });

  it('answers 403 to a wrong own password, counts it as a failed sign-in, and locks after too many', async () => {
    const u = await t.user(['operative']);
    const p = await made('active');
    await call(cast.sergeant, 'post', `/api/v1/personas/${p.id}/assignees`, { userId: u.id });
    const wrong = await reveal(u, p.id, { currentPassword: 'not my password' });
    expect(wrong.status).toBe(403);
    expect(wrong.json.error).toBe('That is not your password: enter the password you sign in with');
    expect(wrong.body).not.toContain(p.password);
    expect(await failuresOf(u)).toBe(1);
    const refused = await t.db.select().from(auditLog).where(eq(auditLog.entityId, u.id));
    expect(refused.at(-1)).toMatchObject({ operation: 'sign_in_failed', detail: { step: 'persona reveal', failures: 1 } });
    await reveal(u, p.id, { currentPassword: 'still wrong' });
    const third = await reveal(u, p.id, { currentPassword: 'wrong again' });
    expect(third.json.error).toContain('locked');
    const right = await reveal(u, p.id);
    expect(right.status).toBe(403);
    expect(right.json.error).toContain('locked');
    expect(await t.db.select().from(auditLog).where(eq(auditLog.actorId, u.id))).not.toContainEqual(
      expect.objectContaining({ operation: 'consult' }),
    );
  });

  it('keeps the secrets sealed at rest: no stored row holds a secret, and a sealed value moved to another persona does not open', async () => {
    const a = await made('active');
    const b = await made('active');
    const stored = await t.db.select().from(personaSecrets);
    for (const row of stored) for (const s of secrets) expect(row.sealed).not.toContain(s);
    const [sealedA] = await t.db.select().from(personaSecrets).where(eq(personaSecrets.personaId, a.id));
    await t.db.update(personaSecrets).set({ sealed: sealedA!.sealed }).where(eq(personaSecrets.personaId, b.id));
    const moved = await reveal(cast.operative, b.id);
    expect(moved.status).toBe(503);
    expect(moved.json.error).toBe('This secret does not open with the persona key the server holds: ask the system administrator');
    expect(moved.body).not.toContain(a.password);
  });
});

describe('no secret anywhere but a reveal’s answer', () => {
  it('finds none in any other answer, any detail or list, any log line, or the audit log', async () => {
    const p = await made('active');
    for (const u of [cast.operative, cast.sergeant, cast.officer, cast.inspector]) {
      await call(u, 'get', '/api/v1/personas?pageSize=100');
      await call(u, 'get', `/api/v1/personas/${p.id}`);
      await call(u, 'get', `/api/v1/personas/${p.id}/uses`);
    }
    await call(cast.operative, 'get', '/api/v1/openapi.json');
    expect(secrets.size).toBeGreaterThan(10);
    const audit = JSON.stringify(await t.db.select().from(auditLog));
    const leaks: string[] = [];
    for (const s of secrets) {
      for (const a of answers) if (!a.reveal && a.body.includes(s)) leaks.push(`answer ${a.url}`);
      if (audit.includes(s)) leaks.push('audit log');
      if (logLines.some((l) => l.includes(s))) leaks.push('log');
    }
    expect(leaks).toEqual([]);
    expect(answers.filter((a) => a.reveal).length).toBeGreaterThan(3);
    expect(logLines.length).toBeGreaterThan(10);
  });
});
