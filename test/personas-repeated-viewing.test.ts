import { eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { personaUses } from '../src/db/schema/index.js';
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
