/**
 * Safeguarding (DESIGN.md "Safeguarding (children and exploitation)"; SOP 9.2.7), pure: which
 * referrals need a safeguarding answer, and the answers' words.
 *
 * A referral needs one when any subject's age band is a child's (under 18), or when the review
 * found a concern of exploitation of a child or vulnerable person (SOP 9.2.7). "unknown" is not a
 * child's band: the band is recorded precisely so that a child is never included silently, and a
 * requester who does not know says so. The answer is a person's record of what they did, never a
 * score: the system only asks the question when it must be asked (DESIGN.md principle 1).
 */
import type { AgeBand, ReviewFactor, SafeguardingAction, SafeguardingStage } from './vocabulary.js';

/** The age bands of a subject under 18. */
const CHILD_AGE_BANDS = ['under_13', '13_15', '16_17'] as const satisfies readonly AgeBand[];

export const isChildAgeBand = (ageBand: string) => (CHILD_AGE_BANDS as readonly string[]).includes(ageBand);

/** True when a subject is under 18 or the factors include exploitation (SOP 9.2.7). */
export function needsSafeguarding(subjects: readonly { ageBand: string }[], factors: readonly ReviewFactor[] = []): boolean {
  return subjects.some((s) => isChildAgeBand(s.ageBand)) || factors.includes('exploitation_concern');
}

export const SAFEGUARDING_ACTION_TEXT: Record<SafeguardingAction, string> = {
  referred: 'Referred to a safeguarding team',
  already_known: 'Already known to a safeguarding team',
  not_needed: 'Not needed',
};

export const SAFEGUARDING_STAGE_TEXT: Record<SafeguardingStage, string> = {
  intake: 'Requester, at intake',
  review: 'Reviewer, at review',
};

/** The timeline's comment for an answer: the stage, what was done, and the detail. */
export const safeguardingComment = (a: { stage: SafeguardingStage; action: SafeguardingAction; detail: string }) =>
  `${SAFEGUARDING_STAGE_TEXT[a.stage]}: ${SAFEGUARDING_ACTION_TEXT[a.action]}. ${a.detail}`;
