import type { Actor } from '../../domain/actor.js';
import { findLeaks, type PersonalData } from '../../domain/data-sharing-guard.js';
import { londonToday } from '../../domain/dates.js';
import { identitiesOf } from '../../domain/subject-identities.js';
import { breachDetails, fillTemplate, gapsIn } from '../../domain/referral-draft.js';
import { isChildAgeBand, needsSafeguarding } from '../../domain/safeguarding.js';
import { NotFound, ValidationFailed, type FieldError } from '../../errors.js';
import type { Db } from '../../db/client.js';
import type { AuditService } from '../audit/audit.service.js';
import type { LifecycleService } from '../casework/lifecycle.service.js';
import type { PlatformRow, PlatformsService } from '../platforms/platforms.service.js';
import { createSafeguardingRepository } from '../referrals/safeguarding.repository.js';
import { leakMessage, presentIntelligence, presentReview } from './review.presenter.js';
import { createReviewRepository, type ReferralFacts } from './review.repository.js';
import { reviewSchemas, type DraftQuery, type QaInput, type ReviewInput } from './review.schemas.js';
import type { ReviewFactor } from '../../domain/vocabulary.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * SOP 6.4: the referral's own personal data. A subject field may hold a name, a handle or both
 * ("Jayden Doe (@jd_drill)"): each is looked for as what it is. A reference is looked for with its
 * system ("CAD 1234/22Nov"), and the guard finds it without. The content's title and address are
 * what the content itself shows: the draft may repeat them.
 */
export function personalDataOf(
  facts: Pick<ReferralFacts, 'subjects' | 'incidentReferences' | 'contentTitle' | 'contentUrl'>,
): PersonalData {
  const identities = facts.subjects.map((s) => identitiesOf(s.name));
  return {
    subjectNames: identities.flatMap((i) => i.names),
    handles: identities.flatMap((i) => i.handles),
    datesOfBirth: facts.subjects.flatMap((s) => (s.dateOfBirth ? [s.dateOfBirth] : [])),
    incidentReferences: facts.incidentReferences.map(({ system, reference }) =>
      reference.toUpperCase().startsWith(system) ? reference : `${system} ${reference}`,
    ),
    shownByContent: [facts.contentTitle, facts.contentUrl],
  };
}

/** Why the review needs a safeguarding answer, in the words the form shows. */
const safeguardingMessage = (subjects: readonly { ageBand: string }[]) =>
  subjects.some((s) => isChildAgeBand(s.ageBand))
    ? 'Record what has been done to safeguard the child: a subject is under 18'
    : 'Record what has been done to safeguard the person at risk: the review found a concern of exploitation (SOP 9.2.7)';

/** What review, QA and the intelligence record are built from. */
export type ReviewDeps = { db: Db; clock: () => Date; audit: AuditService; platforms: PlatformsService; lifecycle: LifecycleService };

/** Review and assessment (SOP 9, 8.6), drafting (10.1), QA (10.2) and the intelligence record (10.4). */
export function createReviewService({ db, clock, audit, platforms, lifecycle }: ReviewDeps) {
  const repo = createReviewRepository();
  const safeguarding = createSafeguardingRepository();
  const today = () => londonToday(clock());
  const schemas = reviewSchemas(today);

  // Read before any transaction opens: on the embedded database a query outside an open
  // transaction would wait for it to end.
  async function loadFacts(id: string) {
    if (!UUID.test(id)) throw new NotFound('No such referral');
    const facts = await repo.facts(db, id);
    if (!facts) throw new NotFound('No such referral');
    return facts;
  }

  const clausesOf = (p: PlatformRow | undefined, keys: readonly string[]) =>
    keys.map((k) => p?.clauses.find((c) => c.key === k)?.title ?? k);

  /** SOP 10.1: a platform's template filled with what is known; the rest stays as placeholders. */
  function draftFor(facts: ReferralFacts, p: PlatformRow, terms: readonly string[], rationale?: string) {
    return fillTemplate(p.template, {
      contentTitle: facts.contentTitle,
      contentUrl: facts.contentUrl,
      platformName: p.name,
      termsBreached: clausesOf(p, terms),
      rationale,
    });
  }

  /** The checks that need the referral and the directory; every problem is named at its path. */
  function reviewProblems(input: ReviewInput, facts: ReferralFacts, directory: PlatformRow[]) {
    const errors: FieldError[] = [];
    const submittedOn = londonToday(facts.submittedAt);
    if (input.reviewedOn < submittedOn)
      errors.push({ path: 'reviewedOn', message: 'The date of the review must be on or after the day the referral was submitted' });
    // DESIGN.md "Safeguarding", SOP 9.2.7: the reviewer's own answer, whatever the requester said.
    if (
      !input.safeguarding &&
      needsSafeguarding(
        facts.subjects,
        input.factors.map((f) => f.factor as ReviewFactor),
      )
    )
      errors.push({ path: 'safeguarding', message: safeguardingMessage(facts.subjects) });
    const personal = personalDataOf(facts);
    const drafts = input.platformReferrals.map((pr, i) => {
      const at = `platformReferrals[${i}]`;
      const p = directory.find((d) => d.key === pr.platform);
      // SOP 8.6.4: the platforms referred to are ones hosting this content (8.3.6).
      if (!p || !facts.platforms.includes(pr.platform)) {
        errors.push({ path: `${at}.platform`, message: `${p?.name ?? pr.platform} is not one of this referral's platforms` });
        return pr.draft;
      }
      // SOP 9.4: only clauses of that platform's terms, as the directory lists them.
      pr.termsBreached.forEach((k, j) => {
        if (!p.clauses.some((c) => c.key === k))
          errors.push({ path: `${at}.termsBreached[${j}]`, message: `${k} is not one of ${p.name}'s clauses in the directory` });
      });
      const draft = fillTemplate(pr.draft, {
        contentTitle: facts.contentTitle,
        contentUrl: facts.contentUrl,
        platformName: p.name,
        termsBreached: clausesOf(p, pr.termsBreached),
        rationale: input.rationale,
      });
      // SOP 6.4: nothing leaves for a platform that the content itself does not show.
      const leaks = findLeaks(draft, personal);
      if (leaks.length) errors.push({ path: `${at}.draft`, message: leakMessage(p.name, leaks) });
      // SOP 10.1: what goes to QA is the text the platform will get, with nothing left to fill.
      const gaps = gapsIn(draft);
      if (gaps.length)
        errors.push({ path: `${at}.draft`, message: `The referral to ${p.name} still has a gap to fill: replace ${gaps.join(', ')}` });
      return draft;
    });
    return { errors, drafts };
  }

  return {
    today,
    schemas: () => schemas,

    /**
     * The review page's preview (issue 10): each platform's draft exactly as it would go to QA and
     * then the platform, after the same checks as `review`, without recording anything.
     */
    async preview(id: string, input: ReviewInput) {
      const facts = await loadFacts(id);
      const directory = await platforms.list();
      const { errors, drafts } = reviewProblems(input, facts, directory);
      if (errors.length) throw new ValidationFailed(errors);
      return input.platformReferrals.map((pr, i) => {
        const p = directory.find((d) => d.key === pr.platform);
        return { platform: pr.platform, name: p?.name ?? pr.platform, clauses: clausesOf(p, pr.termsBreached), draft: drafts[i]! };
      });
    },

    /** SOP 9, 8.6: the assignee records the review; refer sends the drafts to QA, NFA closes it (8.6.2). Answers what changed. */
    async review(actor: Actor, id: string, input: ReviewInput) {
      const facts = await loadFacts(id);
      const directory = await platforms.list();
      const { errors, drafts } = reviewProblems(input, facts, directory);
      if (errors.length) throw new ValidationFailed(errors);
      return lifecycle.apply(
        actor,
        id,
        { kind: 'review', outcome: input.outcome, platforms: input.platformReferrals.map((p) => p.platform) },
        {
          // Counts and keys only: the review's text (and the safeguarding detail) stays in the review.
          auditDetail: {
            outcome: input.outcome,
            musical: input.musical,
            factors: input.factors.map((f) => f.factor),
            platforms: input.platformReferrals.length,
            ...(input.safeguarding ? { safeguarding: input.safeguarding.action } : {}),
          },
          write: async ({ tx, now }) => {
            // The latest review stands (a QA return means another): keep their times strictly
            // increasing, even when a clock gives two reviews the same millisecond.
            const previous = await repo.latestReview(tx, id);
            const createdAt = previous && previous.createdAt >= now ? new Date(previous.createdAt.getTime() + 1) : now;
            await repo.insertReview(tx, {
              referralId: id,
              reviewerId: actor.id,
              contentFormat: input.contentFormat,
              musical: input.musical,
              factors: input.factors.map((f) => ({ factor: f.factor as ReviewFactor, note: f.note })),
              researchSummary: input.researchSummary,
              researchReferences: input.researchReferences || null,
              reviewedOn: input.reviewedOn,
              outcome: input.outcome,
              rationale: input.rationale,
              createdAt,
            });
            if (input.safeguarding) await safeguarding.record(tx, id, { stage: 'review', ...input.safeguarding }, actor.id, now);
            if (input.outcome === 'refer')
              await repo.replaceDrafts(
                tx,
                id,
                input.platformReferrals.map((p, i) => ({ platform: p.platform, termsBreached: p.termsBreached, draft: drafts[i]! })),
              );
          },
        },
      );
    },

    /** SOP 10.1: a draft for one platform of the referral, from its template. */
    async draft(_actor: Actor, id: string, q: DraftQuery) {
      const facts = await loadFacts(id);
      const directory = await platforms.list();
      const p = directory.find((d) => d.key === q.platform);
      if (!p || !facts.platforms.includes(q.platform))
        throw new ValidationFailed([{ path: 'platform', message: `${q.platform} is not one of this referral's platforms` }]);
      const bad = q.termsBreached.flatMap((k, j) =>
        p.clauses.some((c) => c.key === k)
          ? []
          : [{ path: `termsBreached[${j}]`, message: `${k} is not one of ${p.name}'s clauses in the directory` }],
      );
      if (bad.length) throw new ValidationFailed(bad);
      return { platform: p.key, termsBreached: q.termsBreached, draft: draftFor(facts, p, q.termsBreached, q.rationale) };
    },

    /** Drafts for each of the referral's platforms, for the review page (the latest drafts when there are some). */
    async draftsForPage(id: string) {
      const facts = await loadFacts(id);
      const directory = await platforms.list();
      return {
        facts,
        platforms: facts.platforms.map((key) => {
          const p = directory.find((d) => d.key === key);
          return {
            key,
            name: p?.name ?? key,
            clauses: p?.clauses ?? [],
            draft: p ? draftFor(facts, p, []) : '',
          };
        }),
      };
    },

    /**
     * SOP 10.2: a sergeant who did not write the drafts approves or returns them. Approval makes the
     * intelligence record (SOP 10.4) in the same transaction, graded 3x5x2 as the sergeant sets it.
     * Answers what changed.
     */
    async qa(actor: Actor, id: string, input: QaInput) {
      const facts = await loadFacts(id);
      const directory = await platforms.list();
      const intelligence = input.intelligence;
      return lifecycle.apply(
        actor,
        id,
        { kind: 'qa', decision: input.decision },
        {
          comment: input.comment || null,
          auditDetail: intelligence
            ? {
                intelligenceRecord: true,
                grading: `${intelligence.grading.sourceEvaluation}${intelligence.grading.intelligenceAssessment}${intelligence.grading.handlingCode}`,
              }
            : {},
          write: async ({ tx, now, state }) => {
            if (!intelligence) return;
            const review = await repo.latestReview(tx, id);
            if (!review) throw new ValidationFailed([{ path: 'decision', message: 'There is no review to approve' }]);
            const g = intelligence.grading;
            await repo.insertIntelligence(tx, {
              referralId: id,
              contentTitle: facts.contentTitle, // 10.4.1
              contentUrl: facts.contentUrl, // 10.4.2
              platforms: facts.platforms, // 10.4.3
              rationale: review.rationale, // 10.4.4
              summary: intelligence.summary, // 10.4.5
              // 10.4.6: the clauses cited for each platform referred to.
              breach: breachDetails(
                (await repo.drafts(tx, id))
                  .filter((d) => state.platformReferrals.some((p) => p.platform === d.platform))
                  .map((d) => {
                    const p = directory.find((x) => x.key === d.platform);
                    return { platformName: p?.name ?? d.platform, clauseTitles: clausesOf(p, d.termsBreached) };
                  }),
              ),
              sourceEvaluation: g.sourceEvaluation,
              intelligenceAssessment: String(g.intelligenceAssessment),
              handlingCode: g.handlingCode,
              handlingConditions: g.handlingCode === 'C' ? g.handlingConditions : null,
              createdAt: now,
              createdBy: actor.id,
            });
          },
        },
      );
    },

    /** The latest review and whether an intelligence record exists, for the referral page's panel. */
    async panel(id: string) {
      if (!UUID.test(id)) return { review: null, hasIntelligence: false };
      const review = await repo.latestReview(db, id);
      const record = await repo.intelligence(db, id);
      return { review: review ? presentReview(review) : null, hasIntelligence: record !== undefined };
    },

    latestReview: async (id: string) => {
      const row = UUID.test(id) ? await repo.latestReview(db, id) : undefined;
      return row ? presentReview(row) : null;
    },

    /** SOP 10.4: the record for the force intelligence system. */
    async intelligence(_actor: Actor, id: string) {
      if (!UUID.test(id)) throw new NotFound('No such intelligence record');
      const row = await repo.intelligence(db, id);
      if (!row) throw new NotFound('No intelligence record for this referral');
      return presentIntelligence(row, await platforms.list());
    },

    /** SOP 10.4: the force intelligence system's reference, recorded back; an alteration (DPA 2018 s.62). */
    async recordForceReference(actor: Actor, id: string, forceReference: string) {
      if (!UUID.test(id)) throw new NotFound('No such intelligence record');
      const directory = await platforms.list();
      const row = await db.transaction(async (tx) => {
        const before = await repo.lockIntelligence(tx, id);
        if (!before) throw new NotFound('No intelligence record for this referral');
        await repo.setForceReference(tx, id, forceReference);
        await audit.record(tx, {
          actor,
          operation: 'alter',
          entity: 'intelligence_record',
          entityId: id,
          detail: { forceReference, previous: before.forceReference ?? null },
        });
        return repo.intelligence(tx, id);
      });
      return presentIntelligence(row!, directory);
    },
  };
}
