import { eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, personaUses } from '../src/db/schema/index.js';
import { referralIn } from './factories.js';
import type { TestApp, TestUser } from './harness.js';
import { personaApp, personaCast, personaIn, type PersonaCast } from './personas-support.js';
import { capturedLog, findSecrets, scanForSecrets } from './secret-scan.js';

/**
 * RIPA 2000's repeated-viewing prompt (issue 14 point 7; decision 019): uses through any persona
 * are counted on the same referral OR the same investigation reference within the period; the
 * count is serialised per key, so uses recorded at the same moment cannot all miss the prompt
 * (on PostgreSQL the requests truly race on separate connections).
 */
const START = new Date('2026-03-10T10:00:00Z');
let t: TestApp;
let cast: PersonaCast;
const log = capturedLog();
const secrets: string[] = [];
const answers: string[] = [];
beforeAll(async () => {
  t = await personaApp({ clock: () => START, personas: { repeatedViewing: { uses: 1, days: 28 } }, logger: log.logger });
  cast = await personaCast(t);
});
afterAll(() => t?.close());

async function active(by?: TestUser) {
  const p = await personaIn(t, cast, 'active', { by });
  secrets.push(p.password);
  return p;
}
async function use(u: TestUser, id: string, body: Record<string, unknown>) {
  const res = await (await t.api(u)).post(`/api/v1/personas/${id}/uses`, { purpose: 'View the closed story (Op Lantern)', ...body });
  answers.push(res.body);
  return res;
}

describe('what counts as the same (issue 14 point 7)', () => {
  it('counts the same investigation reference in any case and spacing, across personas', async () => {
    const [a, b] = [await active(), await active()];
    expect((await use(cast.operative, a.id, { investigationReference: 'Op Quartz 7' })).json.repeatedViewing.prompted).toBe(false);
    const again = await use(cast.operative, b.id, { investigationReference: '  op   QUARTZ 7 ' });
    expect(again.status).toBe(409);
    expect(again.json).toMatchObject({ code: 'repeated_viewing', repeatedViewing: { priorUses: 1 } });
    // Another investigation is another matter.
    expect((await use(cast.operative, b.id, { investigationReference: 'Op Quartz 8' })).status).toBe(201);
  });

  it('counts a use naming the referral and one naming only its investigation as one when either matches', async () => {
    const referral = await referralIn(t, 'in_review');
    const p = await active();
    expect((await use(cast.operative, p.id, { referralId: referral.id, investigationReference: 'Op Basalt' })).status).toBe(201);
    expect((await use(cast.operative, p.id, { investigationReference: 'Op Basalt' })).status).toBe(409);
    expect((await use(cast.operative, p.id, { referralId: referral.id })).status).toBe(409);
    const answered = await use(cast.operative, p.id, { referralId: referral.id, repeatedViewingAnswer: 'not_needed' });
    expect(answered.json).toMatchObject({
      referralReference: referral.reference,
      repeatedViewing: { prompted: true, answer: 'not_needed' },
    });
  });
});

describe('the same subject (issue 14 point 7; never the referrals’ subjects, issue 15 point 6)', () => {
  it('meets "Name (@handle)" and "@handle" across referrals and personas, keeps the subject, and prompts', async () => {
    const [r1, r2] = [await referralIn(t, 'in_review'), await referralIn(t, 'in_review')];
    const [a, b] = [await active(), await active()];
    const first = await use(cast.operative, a.id, { referralId: r1.id, subject: 'Jayden Doe (@JD_dr1ll)' });
    expect(first.json).toMatchObject({ subject: 'Jayden Doe (@JD_dr1ll)', repeatedViewing: { prompted: false } });
    const [row] = await t.db.select().from(personaUses).where(eq(personaUses.id, first.json.id));
    expect(row).toMatchObject({ subject: 'Jayden Doe (@JD_dr1ll)', subjectKey: 'handle:jddr1ll' });
    const second = await use(cast.operative, b.id, { referralId: r2.id, subject: '@jd_dr1ll' });
    expect(second.status).toBe(409);
    expect(second.json.code).toBe('repeated_viewing');
    // Someone else, on a third referral: no prompt.
    const r3 = await referralIn(t, 'in_review');
    expect((await use(cast.operative, b.id, { referralId: r3.id, subject: '@someone_else' })).status).toBe(201);
    // The audit entry says a subject was named, never who.
    const [entry] = await t.db.select().from(auditLog).where(eq(auditLog.entityId, first.json.id));
    expect(entry!.detail).toMatchObject({ subjectNamed: true });
    expect(JSON.stringify(entry)).not.toContain('dr1ll');
  });

  it('does not count the people recorded on the referrals: two referrals naming the same subject are not one', async () => {
    const subjects = [{ name: 'Kemi Adebayo-Lewis', category: 'suspect', ageBand: '18_24' }];
    const [r1, r2] = [
      await referralIn(t, 'in_review', { referral: { subjects } }),
      await referralIn(t, 'in_review', { referral: { subjects } }),
    ];
    const p = await active();
    expect((await use(cast.operative, p.id, { referralId: r1.id })).status).toBe(201);
    expect((await use(cast.operative, p.id, { referralId: r2.id })).status).toBe(201);
  });

  it('refuses a subject with no letter or digit, hostile or too long (400 naming subject)', async () => {
    const p = await active();
    for (const subject of ['@@ --', 'a\u0000b', 'x'.repeat(201), ['@x']]) {
      const res = await use(cast.operative, p.id, { investigationReference: 'Op Granite', subject });
      expect(res.status, String(subject).slice(0, 20)).toBe(400);
      expect(res.json.fields.map((f: { path: string }) => f.path)).toEqual(['subject']);
    }
  });

  it('logs reading a use log that names a subject as a consultation, and one that names none not', async () => {
    const p = await active();
    const before = async () =>
      (await t.db.select().from(auditLog).where(eq(auditLog.entityId, p.id))).filter((e) => e.operation === 'consult');
    await use(cast.operative, p.id, { investigationReference: `Op Slate ${p.id}` });
    await (await t.api(cast.sergeant)).get(`/api/v1/personas/${p.id}/uses`);
    expect(await before()).toEqual([]);
    await use(cast.operative, p.id, {
      investigationReference: `Op Slate ${p.id}`,
      subject: '@slate_target',
      repeatedViewingAnswer: 'not_needed',
    });
    const log = await (await t.api(cast.sergeant)).get(`/api/v1/personas/${p.id}/uses`);
    expect(log.json.items.map((i: { subject: string | null }) => i.subject).sort()).toEqual(['@slate_target', null]);
    expect(await before()).toEqual([expect.objectContaining({ entity: 'persona', detail: { uses: 2, subjects: 1 } })]);
    const mine = await (await t.api(cast.operative)).get('/api/v1/personas/uses?user=me&pageSize=100');
    expect(mine.status).toBe(200);
    const byUser = await t.db.select().from(auditLog).where(eq(auditLog.entityId, cast.operative.id));
    expect(byUser.filter((e) => e.operation === 'consult' && e.entity === 'persona_uses_of_user')).toHaveLength(1);
  });
});

describe('uses at the same moment (only once)', () => {
  it('never lets parallel uses of one referral through different personas all miss the prompt', async () => {
    for (let round = 0; round < 3; round++) {
      const referral = await referralIn(t, 'in_review');
      const personas = [await active(), await active(cast.sergeant), await active(cast.otherOperative)];
      const users = [cast.operative, cast.sergeant, cast.otherOperative];
      const res = await Promise.all(personas.map((p, i) => use(users[i]!, p.id, { referralId: referral.id })));
      // With the prompt from one earlier use, exactly one of three goes through unprompted; the others are asked.
      expect(res.map((r) => r.status).sort()).toEqual([201, 409, 409]);
      const rows = await t.db.select().from(personaUses).where(eq(personaUses.referralId, referral.id));
      expect(rows).toHaveLength(1);
    }
  });

  it('serialises by subject: "@handle" and "Name (@handle)" at the same moment on different referrals', async () => {
    const [r1, r2] = [await referralIn(t, 'in_review'), await referralIn(t, 'in_review')];
    const [a, b] = [await active(), await active(cast.sergeant)];
    const handle = `k${Date.now()}`;
    const res = await Promise.all([
      use(cast.operative, a.id, { referralId: r1.id, subject: `@${handle}` }),
      use(cast.sergeant, b.id, { referralId: r2.id, subject: `Kane Doe (@${handle})` }),
    ]);
    expect(res.map((r) => r.status).sort()).toEqual([201, 409]);
  });

  it('serialises by investigation reference too', async () => {
    const personas = [await active(), await active(cast.sergeant)];
    const users = [cast.operative, cast.sergeant];
    const ref = `Op Flint ${Date.now()}`;
    const res = await Promise.all(personas.map((p, i) => use(users[i]!, p.id, { investigationReference: ref })));
    expect(res.map((r) => r.status).sort()).toEqual([201, 409]);
    const rows = await t.db
      .select()
      .from(personaUses)
      .where(
        inArray(
          personaUses.personaId,
          personas.map((p) => p.id),
        ),
      );
    expect(rows).toHaveLength(1);
  });

  it('leaves no secret in any answer, log line or stored column', async () => {
    expect(answers.flatMap((a, i) => findSecrets(`answer ${i}`, a, secrets))).toEqual([]);
    expect(await scanForSecrets(t.db, secrets, { logLines: log.lines })).toEqual([]);
  });
});
