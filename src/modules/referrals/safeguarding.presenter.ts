import { needsSafeguarding, SAFEGUARDING_ACTION_TEXT, SAFEGUARDING_STAGE_TEXT } from '../../domain/safeguarding.js';
import type { ReferralDetail } from './referrals.presenter.js';

/**
 * DESIGN.md "Safeguarding": the answers as the unit's pages show them (the referral, review and
 * QA pages), and whether the referral's subjects already call for one (a review's factors may
 * too, SOP 9.2.7). For the unit only: the review's answer is the unit's working, not the requester's.
 */
export function presentSafeguardingPanel(referral: Pick<ReferralDetail, 'subjects' | 'safeguarding'>) {
  return {
    childSubject: needsSafeguarding(referral.subjects),
    answers: referral.safeguarding.map((a) => ({
      stage: a.stage,
      stageText: SAFEGUARDING_STAGE_TEXT[a.stage],
      action: a.action,
      actionText: SAFEGUARDING_ACTION_TEXT[a.action],
      detail: a.detail,
      recordedBy: a.recordedBy.name,
      recordedAt: a.recordedAt,
    })),
  };
}
