import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, personaReviews, personaStatusHistory } from '../src/db/schema/index.js';
import type { TestApp, TestUser } from './harness.js';
import { personaApp, personaCast, personaIn, type PersonaCast } from './personas-support.js';

/**
 * Only once (FOI 003): two authorising officers deciding on the same persona at the same moment,
 * or retiring it, make exactly one decision; the other is a 409. On PostgreSQL the requests run on
 * separate connections and truly race; the persona row's lock makes them take turns.
 */
let t: TestApp;
let cast: PersonaCast;
let secondOfficer: TestUser;
beforeAll(async () => {
  t = await personaApp();
  cast = await personaCast(t);
  secondOfficer = await t.user(['authorising_officer'], { displayName: 'DI Tomasz Wiśniewski' });
});
afterAll(() => t?.close());

const statuses = (answers: { status: number }[]) => answers.map((a) => a.status).sort();

describe('parallel decisions on one persona', () => {
  it('authorises exactly once when two officers authorise and refuse together', async () => {
    for (let round = 0; round < 5; round++) {
      const p = await personaIn(t, cast, 'requested');
      const [a, b] = [await t.api(cast.officer), await t.api(secondOfficer)];
      const answers = await Promise.all([
        a.post(`/api/v1/personas/${p.id}/authorisation`, { decision: 'authorise', reason: 'Necessary for Op Lantern.' }),
        b.post(`/api/v1/personas/${p.id}/authorisation`, { decision: 'refuse', reason: 'Not proportionate.' }),
      ]);
      expect(statuses(answers)).toEqual([200, 409]);
      const history = await t.db.select().from(personaStatusHistory).where(eq(personaStatusHistory.personaId, p.id));
      expect(history.map((h) => h.fromStatus)).toEqual([null, 'requested']);
      const alters = await t.db.select().from(auditLog).where(eq(auditLog.entityId, p.id));
      expect(alters.filter((e) => e.operation === 'alter')).toHaveLength(1);
    }
  });

  it('retires exactly once when two officers retire together; two continues are two reviews', async () => {
    const p = await personaIn(t, cast, 'active');
    const body = (decision: string) => ({
      necessity: 'Op Lantern closed.',
      proportionality: 'No longer proportionate.',
      decision,
      reason: 'Operation ended.',
    });
    const [a, b] = [await t.api(cast.officer), await t.api(secondOfficer)];
    const continued = await Promise.all([
      a.post(`/api/v1/personas/${p.id}/reviews`, body('continue')),
      b.post(`/api/v1/personas/${p.id}/reviews`, body('continue')),
    ]);
    expect(statuses(continued)).toEqual([200, 200]);
    const retired = await Promise.all([
      a.post(`/api/v1/personas/${p.id}/reviews`, body('retire')),
      b.post(`/api/v1/personas/${p.id}/reviews`, body('retire')),
    ]);
    expect(statuses(retired)).toEqual([200, 409]);
    const reviews = await t.db.select().from(personaReviews).where(eq(personaReviews.personaId, p.id));
    expect(reviews.map((r) => r.decision).sort()).toEqual(['continue', 'continue', 'retire']);
  });
});
