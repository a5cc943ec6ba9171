import { eq } from 'drizzle-orm';
import { expect } from 'vitest';
import { libraryEntries } from '../src/db/schema/index.js';
import { upload } from './evidence-support.js';
import { referralIn, type Made } from './factories.js';
import { actorOf, type TestApp } from './harness.js';

/** The review's answer that makes a referral's removal enter the Domain library (SOP 10.8). */
export const MUSICAL = { review: { musical: true } };

/** SOP 10.5: the referral went to `platform` now. */
export const submitTo = (t: TestApp, made: Made, platform: string) =>
  t.services.platformReferrals.recordSubmission(actorOf(made.people.operative), made.id, platform, {
    channel: 'trusted_flagger',
    submittedAt: t.now().toISOString(),
    externalReference: undefined,
  });

export const decideOn = (
  t: TestApp,
  made: Made,
  platform: string,
  outcome: 'removed' | 'not_removed',
  decidedOn = t.services.review.today(),
) => t.services.platformReferrals.recordDecision(actorOf(made.people.operative), made.id, platform, { outcome, decidedOn });

export const entriesOf = (t: TestApp, referralId: string) =>
  t.db.select().from(libraryEntries).where(eq(libraryEntries.referralId, referralId));

/**
 * A musical referral, referred, with `file` captured, removed by its first platform on `on`: the
 * test's clock is set to that day (`setNow`) and back (`setNow(null)`) after.
 */
export async function removedMusic(
  t: TestApp,
  setNow: (d: Date | null) => void,
  on: string,
  file: { filename: string; data: Buffer },
  referral: Record<string, unknown> = {},
) {
  setNow(new Date(`${on}T10:00:00Z`));
  try {
    const made = await referralIn(t, 'referred', { ...MUSICAL, referral: { contentUploadedOn: '2025-01-06', ...referral } });
    expect((await upload(t, made.people.operative, made.id, [{ name: 'file', ...file }])).status).toBe(201);
    await submitTo(t, made, made.platforms[0]!);
    await decideOn(t, made, made.platforms[0]!, 'removed', on);
    const [entry] = await entriesOf(t, made.id);
    return { made, entry: entry! };
  } finally {
    setNow(null);
  }
}
