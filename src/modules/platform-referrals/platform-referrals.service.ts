import { formatDateTime, londonToday } from '../../domain/dates.js';
import type { Actor } from '../../domain/actor.js';
import type { PlatformDecision } from '../../domain/vocabulary.js';
import { InvalidTransition, NotFound, ValidationFailed } from '../../errors.js';
import type { LifecycleService, TransitionContext } from '../casework/lifecycle.service.js';
import type { LibraryEntryMaker } from '../library/library.service.js';
import type { PlatformsService } from '../platforms/platforms.service.js';
import { createPlatformReferralsRepository } from './platform-referrals.repository.js';
import { platformReferralSchemas, type AppealInput, type DecisionInput, type Submission } from './platform-referrals.schemas.js';

/** What the platform steps are built from. */
export type PlatformReferralsDeps = {
  clock: () => Date;
  lifecycle: LifecycleService;
  platforms: PlatformsService;
  /** SOP 10.8: makes the Domain library entry when musical content is removed, in the decision's transaction. */
  enterLibrary: LibraryEntryMaker;
};

/** DPA 2018 s.62(2): why a submission discloses the referral to a platform. */
export const DISCLOSURE_PURPOSE = 'Referral to the platform for removal of the content (SOP 10.5)';

/**
 * Submission, decision and appeal of one platform referral (SOP 10.5-10.7). Each is one step of
 * the life cycle (services.lifecycle.apply): the state machine decides, this service writes the
 * step's own data in the same transaction, and the referral closes with its outcome when every
 * platform referral is final. Each answers what changed; the API adds the updated referral the
 * contract gives back, which is part of the step, not a consultation (issue 10).
 *
 * A platform that is not in the directory answers 404 (no such resource). A directory platform
 * this referral was not referred to answers 409, as the state machine says: the referral is not
 * in a state where that platform can take a step.
 */
export function createPlatformReferralsService({ clock, lifecycle, platforms, enterLibrary }: PlatformReferralsDeps) {
  const repo = createPlatformReferralsRepository();
  const schemas = platformReferralSchemas(clock);

  /** The directory entry, read before any transaction opens (one connection on the embedded database). */
  async function directoryEntry(platform: string) {
    const entry = (await platforms.list()).find((p) => p.key === platform);
    if (!entry) throw new NotFound(`${platform} is not a platform in the directory`);
    return entry;
  }

  /** The platform referral row inside the transaction (the state machine has already found it). */
  async function rowOf(ctx: TransitionContext, referralId: string, platform: string) {
    const row = await repo.find(ctx.tx, referralId, platform);
    if (!row) throw new InvalidTransition(`This referral has no platform referral for ${platform}`);
    return row;
  }

  return {
    /** The schemas, reading the clock as they validate (API and pages validate with the same ones). */
    schemas: () => schemas,

    /**
     * SOP 10.5: the referral went to the platform. Sending it is a disclosure outside law
     * enforcement (DPA 2018 s.62), so it is audited as `disclose` with its purpose, the platform
     * as recipient and the channel it went through. A channel other than the directory's is
     * recorded as the officer says: it is their fact.
     */
    async recordSubmission(actor: Actor, referralId: string, platform: string, input: Submission) {
      const entry = await directoryEntry(platform);
      return lifecycle.apply(
        actor,
        referralId,
        { kind: 'submission', platform },
        {
          operation: 'disclose',
          purpose: DISCLOSURE_PURPOSE,
          recipient: entry.name,
          auditDetail: {
            channel: input.channel,
            ...(input.channel !== entry.channel ? { directoryChannel: entry.channel } : {}),
            submittedAt: input.submittedAt,
            externalReference: input.externalReference ?? null,
          },
          write: async ({ tx }) => {
            const submittedAt = new Date(input.submittedAt);
            // SOP 10.2-10.5: a referral goes to the platform only once QA has approved it, so it
            // cannot have been sent before the approval; such a time is a typing mistake (400).
            // Compared to the minute: the form takes hours and minutes, so "sent at 10:31" after
            // an approval at 10:31:45 is the same minute, not earlier.
            const approvedAt = await repo.approvedAt(tx, referralId);
            if (approvedAt && submittedAt.getTime() < approvedAt.getTime() - (approvedAt.getTime() % 60_000))
              throw new ValidationFailed([
                {
                  path: 'submittedAt',
                  message: `The time the referral was sent cannot be before it was approved at QA (${formatDateTime(approvedAt)})`,
                },
              ]);
            await repo.recordSubmission(tx, referralId, platform, {
              channel: input.channel,
              submittedAt,
              externalReference: input.externalReference ?? null,
            });
          },
        },
      );
    },

    /**
     * SOP 10.6: the platform's decision on the submission, or (10.7) after an appeal its final
     * word. After an appeal `not_removed` is read as `upheld`; before one, `upheld` makes no sense
     * and is refused (409). The date may not be before the submission (or the first decision).
     * The decision is added to the intelligence record if one exists, in the same transaction.
     */
    async recordDecision(actor: Actor, referralId: string, platform: string, input: DecisionInput) {
      await directoryEntry(platform);
      const auditDetail: Record<string, unknown> = { decidedOn: input.decidedOn };
      return lifecycle.apply(
        actor,
        referralId,
        { kind: 'decision', platform, outcome: input.outcome === 'removed' ? 'removed' : 'not_removed' },
        {
          auditDetail,
          write: async (ctx) => {
            const row = await rowOf(ctx, referralId, platform);
            let recorded: PlatformDecision;
            if (row.status === 'appealed') {
              recorded = input.outcome === 'removed' ? 'removed' : 'upheld';
              if (row.decidedOn && input.decidedOn < row.decidedOn)
                throw new InvalidTransition(`The final decision cannot be dated before the first decision (${row.decidedOn})`);
              await repo.recordFinalDecision(ctx.tx, referralId, platform, recorded, input.decidedOn);
            } else {
              if (input.outcome === 'upheld') throw new InvalidTransition('A decision can be upheld only after an appeal');
              recorded = input.outcome;
              const submittedOn = row.submittedAt ? londonToday(row.submittedAt) : null;
              if (submittedOn && input.decidedOn < submittedOn)
                throw new InvalidTransition(`The decision cannot be dated before the submission (${submittedOn})`);
              await repo.recordDecision(ctx.tx, referralId, platform, recorded, input.decidedOn);
            }
            auditDetail.outcome = recorded;
            // SOP 10.6: recorded on the intelligence record too. The audit entry is written after
            // this callback, so it says whether a record was there to update.
            auditDetail.intelligenceRecord = await repo.appendIntelligenceDecision(ctx.tx, referralId, {
              platform,
              decision: recorded,
              on: input.decidedOn,
            });
            // SOP 10.8: removed musical content enters the Domain library with this decision, or not at all.
            if (recorded === 'removed' && (await repo.latestReviewMusical(ctx.tx, referralId)))
              auditDetail.libraryEntry = await enterLibrary(ctx.tx, actor, referralId, input.decidedOn, ctx.now);
          },
        },
      );
    },

    /** SOP 10.7: on not removed, an appeal or a recorded reason not to appeal; the reason goes on the timeline. */
    async recordAppeal(actor: Actor, referralId: string, platform: string, input: AppealInput) {
      await directoryEntry(platform);
      return lifecycle.apply(
        actor,
        referralId,
        { kind: 'appeal', platform, appeal: input.appeal },
        {
          comment: input.reason,
          auditDetail: { appeal: input.appeal },
          write: ({ tx, now }) =>
            repo
              .recordAppeal(tx, referralId, platform, { appealReason: input.reason, appealedAt: input.appeal ? now : null })
              .then(() => undefined),
        },
      );
    },
  };
}
