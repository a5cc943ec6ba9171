import type { ReviewFactor } from '../src/domain/vocabulary.js';
import type { Role } from '../src/domain/vocabulary.js';
import { needsSafeguarding } from '../src/domain/safeguarding.js';
import { qaSchema } from '../src/modules/review/review.schemas.js';
import { parse } from '../src/validation.js';
import { actorOf, type TestApp, type TestUser } from './harness.js';

/**
 * A referral in any state of its life cycle (DESIGN.md "Referral life cycle"), built through the
 * services as the people who take each step would, with the same validation the API applies: a
 * test that needs a referral awaiting QA asks for one rather than driving its own road there.
 * The defaults are realistic (hyphens, apostrophes, accents, handles); every part can be replaced.
 */

export const STATES = ['submitted', 'in_review', 'awaiting_qa', 'referred', 'closed'] as const;
export type State = (typeof STATES)[number];
/** How a referral ends: by review, by its requester, or by the platforms' decisions. */
export const CLOSINGS = ['no_further_action', 'withdrawn', 'removed', 'not_removed', 'partially_removed'] as const;
type Closing = (typeof CLOSINGS)[number];

/** Who is who in a test: a name a reader would notice on a page, and the roles they hold. */
export type CastSpec = Record<string, { displayName: string; roles: Role[] }>;

/** Makes one user per entry of `spec`, in its order. */
export async function castOf<S extends CastSpec>(t: TestApp, spec: S): Promise<Record<keyof S, TestUser>> {
  const cast = {} as Record<keyof S, TestUser>;
  for (const k of Object.keys(spec) as (keyof S)[])
    cast[k] = await t.user([...spec[k]!.roles], { displayName: spec[k]!.displayName, ocu: 'Central South', unit: 'Gangs Unit' });
  return cast;
}

/** The people of a referral's life: the QA sergeant is never the drafts' author (SOP 10.2). */
const PEOPLE = {
  requester: { displayName: 'PC Aoife Ní Bhriain-Jones', roles: ['requester'] },
  operative: { displayName: 'DC Olúwaseun Adé-Okafor', roles: ['operative'] },
  sergeant: { displayName: 'DS Siân O’Connor-Hughes', roles: ['sergeant'] },
} satisfies CastSpec;
type People = Record<keyof typeof PEOPLE, TestUser>;

const casts = new WeakMap<TestApp, Promise<People>>();
/** One cast per app, made on first use: every referral of a test file is then by the same people. */
function cast(t: TestApp): Promise<People> {
  const made = casts.get(t) ?? castOf(t, PEOPLE);
  casts.set(t, made);
  return made;
}

let urls = 0;
/** What a requester gives (SOP 8.3), with a URL no other referral of the run has. */
export function referralInput(over: Record<string, unknown> = {}) {
  urls++;
  return {
    contentTitle: 'Drill video – “Zone 2 Smoke”',
    contentUrl: `https://www.youtube.com/watch?v=fct${String(urls).padStart(8, '0')}`,
    platforms: ['youtube'],
    contentUploadedOn: '2026-03-01',
    incidentReferences: [{ system: 'CAD', reference: '4471/03MAR26' }],
    rationale: 'Threatens a named rival group after the stabbing on 3 March.',
    subjects: [{ name: '@smoke_zone2', category: 'suspect', ageBand: '18_24' }],
    ...over,
  };
}

/** What a requester gives with no subjects (no personal data): for the tests of intake itself. */
export const plainReferralInput = (over: Record<string, unknown> = {}) =>
  referralInput({
    contentTitle: 'Drill video naming a rival group',
    incidentReferences: [{ system: 'CAD', reference: '1234/01MAR26' }],
    rationale: 'Threatens a named rival group after a stabbing last week.',
    subjects: [],
    ...over,
  });

/** A review (as the API takes it) referring the content to YouTube and Instagram (SOP 9, 10.1). */
export const REVIEW_TO_YOUTUBE_AND_INSTAGRAM = {
  contentFormat: 'video',
  factors: [{ factor: 'inflammatory_language', note: 'Names the rival estate' }],
  researchSummary: 'Linked to two stabbings this year.',
  reviewedOn: '2026-03-10',
  outcome: 'refer',
  rationale: 'Goads a rival group; likely to provoke violence.',
  platformReferrals: [
    { platform: 'youtube', termsBreached: ['violent_criminal_organisations', 'firearms'], draft: 'Please remove this video.' },
    { platform: 'instagram', termsBreached: ['violence_incitement'], draft: 'Please remove this post.' },
  ],
};

type Options = {
  /** For `closed`: how it ended (no further action unless said). */
  closing?: Closing;
  /** Who acts (the file's cast unless said); `operative` claims, reviews and records the platforms' steps. */
  people?: Partial<People>;
  /** Replaces parts of what the requester gives (`referralInput`). */
  referral?: Record<string, unknown>;
  /** Replaces parts of the review; the drafts and the safeguarding answer are made to fit unless given. */
  review?: Record<string, unknown>;
  /** Replaces parts of the QA approval (the intelligence record). */
  qa?: Record<string, unknown>;
};

export type Made = { id: string; reference: string; contentUrl: string; platforms: string[]; people: People };

/** A referral in `state` (for `closed`, ended by `options.closing`), built through the services. */
export async function referralIn(t: TestApp, state: State, options: Options = {}): Promise<Made> {
  const people = { ...(await cast(t)), ...options.people };
  const closing = state === 'closed' ? (options.closing ?? 'no_further_action') : undefined;
  const input = referralInput({
    ...(closing === 'partially_removed' ? { platforms: ['youtube', 'instagram'] } : {}),
    ...options.referral,
  });
  const submitted = await t.services.referrals.submit(actorOf(people.requester), parse(t.services.referrals.schemas().newReferral, input));
  const { id, reference } = submitted.referral as { id: string; reference: string };
  const made: Made = { id, reference, contentUrl: input.contentUrl as string, platforms: input.platforms as string[], people };
  if (state === 'submitted') return made;
  if (closing === 'withdrawn') {
    await t.services.referrals.withdraw(actorOf(people.requester), id, 'The video has already been taken down.');
    return made;
  }

  const operative = actorOf(people.operative);
  await t.services.lifecycle.apply(operative, id, { kind: 'claim' });
  if (state === 'in_review') return made;

  await t.services.review.review(
    operative,
    id,
    parse(t.services.review.schemas().review, await reviewInput(t, input, closing, options.review)),
  );
  if (state === 'awaiting_qa' || closing === 'no_further_action') return made;

  await t.services.review.qa(
    actorOf(people.sergeant),
    id,
    parse(qaSchema, {
      decision: 'approve',
      intelligence: {
        summary: 'Drill video goading a rival estate after the March stabbing',
        sourceEvaluation: 'B',
        intelligenceAssessment: 2,
        handlingCode: 'P',
        ...options.qa,
      },
    }),
  );
  if (state === 'referred') return made;

  await platformsEnd(t, made, closing!);
  return made;
}

/** The review: refer to every platform of the referral with its first clause, or no further action. */
async function reviewInput(t: TestApp, input: ReturnType<typeof referralInput>, closing: Closing | undefined, over = {}) {
  const directory = await t.services.platforms.list();
  const review: Record<string, unknown> = {
    contentFormat: 'video',
    factors: [{ factor: 'inflammatory_language', note: 'Goads the Zed-Block estate by name' }],
    researchSummary: 'Seen on CRIMINT beside two stabbings in Peckham this year',
    reviewedOn: t.services.review.today(),
    ...(closing === 'no_further_action'
      ? { outcome: 'no_further_action', rationale: 'Does not breach the platforms’ terms.', platformReferrals: [] }
      : {
          outcome: 'refer',
          rationale: 'Brandishes a blade at the camera, likely to provoke retaliation',
          platformReferrals: (input.platforms as string[]).map((platform) => ({
            platform,
            termsBreached: [directory.find((p) => p.key === platform)!.clauses[0]!.key],
            draft: 'Please remove this video: a machete is brandished at the camera as a threat.',
          })),
        }),
    ...over,
  };
  // DESIGN.md "Safeguarding": the reviewer answers for a child subject or a concern of exploitation.
  const subjects = (input.subjects ?? []) as { ageBand: string }[];
  const factors = (review.factors as ({ factor: ReviewFactor } | ReviewFactor)[]).map((f) => (typeof f === 'string' ? f : f.factor));
  if (!review.safeguarding && needsSafeguarding(subjects, factors))
    review.safeguarding = { action: 'referred', detail: 'Southwark MASH, ref MASH-26-0311, spoke to DS Okafor' };
  return review;
}

/** SOP 10.5-10.7: each platform's submission and decision, until the referral closes as asked. */
async function platformsEnd(t: TestApp, made: Made, closing: Closing) {
  const steps = t.services.platformReferrals;
  const operative = actorOf(made.people.operative);
  const sergeant = actorOf(made.people.sergeant);
  const now = t.now();
  const decidedOn = t.services.review.today();
  for (const [i, platform] of made.platforms.entries()) {
    const removed = closing === 'removed' || (closing === 'partially_removed' && i === 0);
    await steps.recordSubmission(operative, made.id, platform, {
      channel: 'trusted_flagger',
      submittedAt: now.toISOString(),
      externalReference: `TF-2026-${String(i + 417).padStart(5, '0')}`,
    });
    await steps.recordDecision(operative, made.id, platform, { outcome: removed ? 'removed' : 'not_removed', decidedOn });
    if (!removed)
      await steps.recordAppeal(sergeant, made.id, platform, { appeal: false, reason: 'The platform’s reasons are sound; no appeal' });
  }
}
