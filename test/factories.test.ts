import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { platformReferrals, referrals } from '../src/db/schema/index.js';
import { CLOSINGS, referralIn, STATES } from './factories.js';
import { createTestApp, type TestApp } from './harness.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ clock: () => new Date('2026-03-10T10:00:00Z') });
});
afterAll(() => t.close());

const stored = async (id: string) => {
  const [r] = await t.db.select({ status: referrals.status, outcome: referrals.outcome }).from(referrals).where(eq(referrals.id, id));
  const prs = await t.db
    .select({ platform: platformReferrals.platform, status: platformReferrals.status })
    .from(platformReferrals)
    .where(eq(platformReferrals.referralId, id))
    .orderBy(platformReferrals.platform);
  return { ...r!, platforms: prs };
};

describe('referralIn: a referral in any state, through the services', () => {
  it.each(STATES.filter((s) => s !== 'closed'))('reaches %s', async (state) => {
    const r = await referralIn(t, state);
    expect(await stored(r.id)).toMatchObject({ status: state, outcome: null });
  });

  it.each(CLOSINGS)('closes by %s', async (closing) => {
    const r = await referralIn(t, 'closed', { closing });
    const s = await stored(r.id);
    expect(s.status).toBe('closed');
    expect(s.outcome).toBe(closing);
    if (closing === 'partially_removed')
      expect(s.platforms).toEqual([
        { platform: 'instagram', status: 'not_removed' },
        { platform: 'youtube', status: 'removed' },
      ]);
  });

  it('answers the safeguarding question for a child subject at review, and never lets the author approve', async () => {
    const r = await referralIn(t, 'referred', { referral: { subjects: [{ name: '@lil_zé_2011', category: 'victim', ageBand: '13_15' }] } });
    expect((await stored(r.id)).status).toBe('referred');
    expect(r.people.sergeant.id).not.toBe(r.people.operative.id);
  });
});
