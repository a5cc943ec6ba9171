import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, personaSecrets, personaStatusHistory, personas } from '../src/db/schema/index.js';
import type { TestApp } from './harness.js';
import { personaApp, personaCast, personaIn, personaInput, type PersonaCast } from './personas-support.js';

// FOI 003 (the register's ten columns; a DI or equivalent agrees each persona); DESIGN.md "Persona register".
const NOW = new Date('2026-03-10T10:00:00Z');
let t: TestApp;
let cast: PersonaCast;
beforeAll(async () => {
  t = await personaApp({ clock: () => NOW });
  cast = await personaCast(t);
});
afterAll(() => t?.close());

const PERSONA_FIELDS = [
  'active',
  'authorisedAt',
  'authorisingOfficer',
  'creator',
  'dateOfBirthUsed',
  'emailAddress',
  'hasPassword',
  'id',
  'phoneNumber',
  'reviewDueOn',
  'reviewOverdue',
  'status',
  'userName',
  'website',
  'yearJoined',
];

describe('asking for a persona (FOI 003)', () => {
  it('answers 201 requested, the caller its creator and assignee, the secrets sealed and never answered', async () => {
    const input = personaInput({ recoveryCodes: 'AAAA-BBBB CCCC-DDDD', notes: 'First pet: Biscuit' });
    const res = await (await t.api(cast.operative)).post('/api/v1/personas', input);
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({
      status: 'requested',
      active: false,
      website: 'instagram.com',
      yearJoined: 2021,
      userName: input.userName,
      emailAddress: input.emailAddress,
      dateOfBirthUsed: '2001-07-14',
      phoneNumber: '+44 7700 900123',
      creator: { id: cast.operative.id, name: 'DC Olúwaseun Adé-Okafor' },
      authorisingOfficer: null,
      authorisedAt: null,
      reviewDueOn: null,
      hasPassword: true,
      secrets: ['password', 'recovery_codes', 'notes'],
      assignees: [{ id: cast.operative.id }],
      history: [{ from: null, to: 'requested', actor: { id: cast.operative.id } }],
    });
    for (const secret of [input.password, 'AAAA-BBBB', 'Biscuit']) expect(res.body).not.toContain(secret);
    const stored = await t.db.select().from(personaSecrets).where(eq(personaSecrets.personaId, res.json.id));
    expect(stored.map((s) => s.kind).sort()).toEqual(['notes', 'password', 'recovery_codes']);
    for (const s of stored) expect(s.sealed).not.toContain(input.password);
    const [entry] = await t.db.select().from(auditLog).where(eq(auditLog.entityId, res.json.id));
    expect(entry).toMatchObject({ operation: 'collect', entity: 'persona', detail: { secrets: ['password', 'recovery_codes', 'notes'] } });
  });

  it('lets a sergeant ask, and refuses an inspector, an authorising officer and an auditor (403)', async () => {
    expect((await (await t.api(cast.sergeant)).post('/api/v1/personas', personaInput())).status).toBe(201);
    for (const u of [cast.inspector, cast.officer, cast.auditor])
      expect((await (await t.api(u)).post('/api/v1/personas', personaInput())).status, u.username).toBe(403);
  });

  it('names each bad field: bounds, year joined, real date, email and phone shapes', async () => {
    const api = await t.api(cast.operative);
    const fieldsOf = async (over: Record<string, unknown>) =>
      ((await api.post('/api/v1/personas', personaInput(over))).json.fields ?? []).map((f: { path: string }) => f.path);
    expect(await fieldsOf({ yearJoined: 1989 })).toEqual(['yearJoined']);
    expect(await fieldsOf({ yearJoined: 2027 })).toEqual(['yearJoined']);
    expect(await fieldsOf({ yearJoined: 2021.5 })).toEqual(['yearJoined']);
    expect(await fieldsOf({ dateOfBirthUsed: '2001-02-30' })).toEqual(['dateOfBirthUsed']);
    expect(await fieldsOf({ dateOfBirthUsed: '2027-01-01' })).toEqual(['dateOfBirthUsed']);
    expect(await fieldsOf({ emailAddress: 'jade at example' })).toEqual(['emailAddress']);
    expect(await fieldsOf({ phoneNumber: 'call me' })).toEqual(['phoneNumber']);
    expect(await fieldsOf({ website: 'x'.repeat(101), justification: 'j'.repeat(4_001), password: 'p'.repeat(257) })).toEqual([
      'website',
      'password',
      'justification',
    ]);
    expect(await fieldsOf({ website: '', userName: '   ', password: '' })).toEqual(['website', 'userName', 'password']);
  });

  it('refuses hostile input with a 400 naming the field: NUL, lone surrogate, huge strings, 10,000-item arrays, wrong types', async () => {
    const api = await t.api(cast.operative);
    const before = (await t.db.select().from(personas)).length;
    const cases: [Record<string, unknown>, string][] = [
      [{ userName: 'jade\u0000m' }, 'userName'],
      [{ password: 'pa\uD800ss' }, 'password'],
      [{ justification: '\uDC00' }, 'justification'],
      [{ notes: 'x'.repeat(200_000) }, 'notes'],
      [{ recoveryCodes: Array.from({ length: 10_000 }, () => 'A') }, 'recoveryCodes'],
      [{ website: Array.from({ length: 10_000 }, () => 'instagram.com') }, 'website'],
      [{ yearJoined: '2021' }, 'yearJoined'],
      [{ emailAddress: { $ne: null } }, 'emailAddress'],
    ];
    for (const [over, field] of cases) {
      const res = await api.post('/api/v1/personas', personaInput(over));
      expect(res.status, field).toBe(400);
      expect(res.json.fields.map((f: { path: string }) => f.path)).toContain(field);
    }
    expect(await t.db.select().from(personas)).toHaveLength(before);
  });
});

describe('authorisation (FOI 003: a DI or equivalent, never the creator)', () => {
  it('authorises: active, the officer and time recorded, the first review three months on, history and audit written', async () => {
    const p = await personaIn(t, cast, 'requested');
    const res = await (
      await t.api(cast.officer)
    ).post(`/api/v1/personas/${p.id}/authorisation`, {
      decision: 'authorise',
      reason: 'Necessary for Op Lantern; no less intrusive way.',
    });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({
      status: 'active',
      active: true,
      authorisingOfficer: { id: cast.officer.id, name: 'DI Ines Ó Briain' },
      authorisedAt: NOW.toISOString(),
      authorisationReason: 'Necessary for Op Lantern; no less intrusive way.',
      reviewDueOn: '2026-06-10',
      reviewOverdue: false,
    });
    expect(res.json.history.map((h: { to: string }) => h.to)).toEqual(['requested', 'active']);
    const entries = await t.db.select().from(auditLog).where(eq(auditLog.entityId, p.id));
    expect(entries.map((e) => e.operation)).toEqual(['collect', 'alter']);
    expect(entries[1]!.detail).toMatchObject({ from: 'requested', to: 'active', decision: 'authorise', reviewDueOn: '2026-06-10' });
  });

  it('refuses with the reason; nothing happens from refused after that (409)', async () => {
    const p = await personaIn(t, cast, 'requested');
    const api = await t.api(cast.officer);
    const res = await api.post(`/api/v1/personas/${p.id}/authorisation`, { decision: 'refuse', reason: 'Open-source viewing will do.' });
    expect(res.json).toMatchObject({
      status: 'refused',
      active: false,
      reviewDueOn: null,
      authorisationReason: 'Open-source viewing will do.',
    });
    const again = await api.post(`/api/v1/personas/${p.id}/authorisation`, { decision: 'authorise', reason: 'Changed my mind.' });
    expect(again.status).toBe(409);
    expect(again.json.error).toBe('This persona is refused: it cannot be authorised');
  });

  it('answers 403 to the creator even when they hold authorising_officer, and changes nothing', async () => {
    const both = await t.user(['sergeant', 'authorising_officer']);
    const p = await personaIn(t, cast, 'requested', { by: both });
    const res = await (await t.api(both)).post(`/api/v1/personas/${p.id}/authorisation`, { decision: 'authorise', reason: 'Mine.' });
    expect(res.status).toBe(403);
    expect((await t.db.select().from(personas).where(eq(personas.id, p.id)))[0]!.status).toBe('requested');
  });

  it('answers 409 from a status other than requested, and 400 without a reason or decision', async () => {
    const p = await personaIn(t, cast, 'active');
    const api = await t.api(cast.officer);
    expect((await api.post(`/api/v1/personas/${p.id}/authorisation`, { decision: 'refuse', reason: 'Late.' })).status).toBe(409);
    const bad = await api.post(`/api/v1/personas/${p.id}/authorisation`, { decision: 'maybe', reason: ' ' });
    expect(bad.json.fields.map((f: { path: string }) => f.path)).toEqual(['decision', 'reason']);
    const history = await t.db.select().from(personaStatusHistory).where(eq(personaStatusHistory.personaId, p.id));
    expect(history).toHaveLength(2);
  });
});

describe('who sees the register (issue 14 point 8; decision 019)', () => {
  it('answers requesters and admins 404 on every route, as an unknown path; auditors 403', async () => {
    const p = await personaIn(t, cast, 'active');
    for (const u of [cast.requester, cast.admin]) {
      const api = await t.api(u);
      for (const res of [
        await api.get('/api/v1/personas'),
        await api.get(`/api/v1/personas/${p.id}`),
        await api.post(`/api/v1/personas/${p.id}/reveal`, { purpose: 'x', currentPassword: 'y' }),
      ]) {
        expect(res.status).toBe(404);
        expect(res.json).toEqual({ error: 'Not found' });
      }
    }
    expect((await (await t.api(cast.auditor)).get('/api/v1/personas')).status).toBe(403);
    // Hidden only from someone with no other role: an admin who is also a requester still gets 404, an auditor-requester 403.
    expect((await (await t.api(await t.user(['admin', 'requester']))).get('/api/v1/personas')).status).toBe(404);
    expect((await (await t.api(await t.user(['requester', 'auditor']))).get('/api/v1/personas')).status).toBe(403);
    expect((await (await t.api(await t.user(['requester', 'operative']))).get('/api/v1/personas')).status).toBe(200);
  });

  it('shows an operative only the personas assigned to them; sergeants, inspectors and officers see all', async () => {
    const mine = await personaIn(t, cast, 'active');
    const theirs = await personaIn(t, cast, 'active', { by: cast.sergeant });
    const idsSeenBy = async (u: typeof cast.operative) =>
      ((await (await t.api(u)).get('/api/v1/personas?pageSize=100')).json.items as { id: string }[]).map((i) => i.id);
    expect(await idsSeenBy(cast.operative)).toContain(mine.id);
    expect(await idsSeenBy(cast.operative)).not.toContain(theirs.id);
    expect((await (await t.api(cast.operative)).get(`/api/v1/personas/${theirs.id}`)).status).toBe(404);
    for (const u of [cast.sergeant, cast.inspector, cast.officer])
      expect(await idsSeenBy(u)).toEqual(expect.arrayContaining([mine.id, theirs.id]));
  });

  it('lists exactly the contract’s fields (plus reviewOverdue), filters by status and website, and pages', async () => {
    await personaIn(t, cast, 'requested', { input: { website: 'TikTok.com' } });
    const api = await t.api(cast.officer);
    const list = await api.get('/api/v1/personas?website=tiktok.com&status=requested&pageSize=1');
    expect(list.status).toBe(200);
    expect(list.json).toMatchObject({ page: 1, pageSize: 1, total: 1 });
    expect(Object.keys(list.json.items[0]).sort()).toEqual(PERSONA_FIELDS);
    expect((await api.get('/api/v1/personas?status=dormant')).json.fields[0].path).toBe('status');
    expect((await api.get('/api/v1/personas?pageSize=101')).status).toBe(400);
    expect((await api.get('/api/v1/personas/not-a-uuid')).status).toBe(404);
  });
});
