import { isFinal, type ReferralState } from '../../domain/lifecycle.js';
import type { FieldError } from '../../errors.js';
import type { ReferralDetailRows, ReferralRow, ReferralSummaryRow } from './referrals.repository.js';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/**
 * A subject as given at intake (SOP 8.4.1): the same for the unit and the requester. Never its
 * ethnicity or sex: those are counted in the equality report only (issue 15 point 5, decision 025).
 */
const presentSubject = ({ name, category, ageBand, dateOfBirth }: ReferralDetailRows['subjects'][number]) => ({
  name,
  category,
  ageBand,
  dateOfBirth: dateOfBirth ?? null,
});

/** Row → API shape of a referral in the unit's list (no subjects, no rationale: listing is not a consultation). */
export function presentSummary(row: ReferralSummaryRow) {
  const r = row.referral;
  return {
    ...presentRequesterSummary(row),
    requesterId: r.requesterId,
    applicant: { name: r.applicantName, ocu: r.applicantOcu ?? null, unit: r.applicantUnit ?? null },
    assignee: row.assignee?.id ? row.assignee : null,
  };
}

/** Row → API shape of one referral with its timeline (DESIGN.md "API shapes"). */
export function presentDetail(rows: ReferralDetailRows, warnings: FieldError[]) {
  return {
    ...presentSummary(rows),
    contentUploadedOn: rows.referral.contentUploadedOn,
    draftAuthorId: rows.referral.draftAuthorId ?? null,
    selfTaskedReason: rows.referral.selfTaskedReason ?? null,
    rationale: rows.referral.rationale,
    incidentReferences: rows.incidentReferences.map(({ system, reference }) => ({ system, reference })),
    subjects: rows.subjects.map(presentSubject),
    additionalRationales: rows.additionalRationales.map((a) => ({
      applicantName: a.applicantName,
      rationale: a.rationale,
      addedAt: a.addedAt.toISOString(),
    })),
    // DESIGN.md "Safeguarding": every answer, for the unit (a requester's presenter leaves them out).
    safeguarding: rows.safeguarding.map(({ answer, recorder }) => ({
      stage: answer.stage,
      action: answer.action,
      detail: answer.detail,
      recordedBy: recorder,
      recordedAt: answer.recordedAt.toISOString(),
    })),
    // SOP 10: one per platform the content is referred to, from drafting to the final decision.
    platformReferrals: rows.platformReferrals.map((p) => ({
      platform: p.platform,
      status: p.status,
      final: isFinal(p),
      channel: p.channel ?? null,
      termsBreached: p.termsBreached,
      draft: p.draft,
      submittedAt: iso(p.submittedAt),
      externalReference: p.externalReference ?? null,
      decision: p.decision ?? null,
      decidedOn: p.decidedOn ?? null,
      appealed: p.appealedAt !== null,
      notAppealed: p.notAppealed,
      appealReason: p.appealReason ?? null,
      finalDecision: p.finalDecision ?? null,
      finalDecidedOn: p.finalDecidedOn ?? null,
    })),
    timeline: rows.events.map(({ event, actor }) => ({
      at: event.at.toISOString(),
      actor: actor?.id ? actor : null,
      action: event.action,
      ...(event.platform ? { platform: event.platform } : {}),
      ...(event.comment ? { comment: event.comment } : {}),
    })),
    warnings,
  };
}

export type ReferralDetail = ReturnType<typeof presentDetail>;

/** The life-cycle state a presented referral is in, for asking which steps a person may take. */
export const lifecycleStateOf = (d: ReferralDetail): ReferralState => ({
  status: d.status,
  outcome: d.outcome,
  requesterId: d.requesterId,
  assigneeId: d.assignee?.id ?? null,
  draftAuthorId: d.draftAuthorId,
  platformReferrals: d.platformReferrals.map(({ platform, status, notAppealed }) => ({ platform, status, notAppealed })),
});

/** The life-cycle state of a referral as read, whichever view of it is shown. */
export const lifecycleStateOfRows = (rows: ReferralDetailRows): ReferralState => ({
  status: rows.referral.status,
  outcome: rows.referral.outcome ?? null,
  requesterId: rows.referral.requesterId,
  assigneeId: rows.referral.assigneeId ?? null,
  draftAuthorId: rows.referral.draftAuthorId ?? null,
  platformReferrals: rows.platformReferrals.map(({ platform, status, notAppealed }) => ({ platform, status, notAppealed })),
});
export type ReferralSummary = ReturnType<typeof presentSummary>;

/*
 * DESIGN.md "Who sees what": a requester who holds no unit role sees, of their own referrals, only
 * what they gave and what happened to it. These presenters build that view field by field from
 * the rows (an allow-list, never the unit's view with fields deleted), so a field added to the
 * referral later stays hidden from requesters until it is named here. Not here, on purpose: the
 * assignee and any other unit member's name, drafts and their author, QA comments, the review
 * (research, factors, its safeguarding answer), appeal reasons, the intelligence record, other
 * requesters' rationales, and the account ids and applicant block (the applicant is the reader).
 */

/** The unit's members are named to a requester only as the unit. */
const UNIT_NAME = 'Online Harm Referral Team';

/** A referral in a requester's list: what they gave and where it stands. */
export function presentRequesterSummary({ referral: r }: { referral: ReferralRow }) {
  return {
    id: r.id,
    reference: r.reference,
    status: r.status,
    outcome: r.outcome ?? null,
    contentTitle: r.contentTitle,
    contentUrl: r.contentUrl,
    platforms: r.platforms,
    submittedAt: r.submittedAt.toISOString(),
    closedAt: iso(r.closedAt),
  };
}

/**
 * One referral as its requester sees it. The timeline holds their own steps, named as them, and
 * the step that closed it, by the unit: never who in the unit, never a comment.
 */
export function presentForRequester(rows: ReferralDetailRows) {
  const r = rows.referral;
  return {
    ...presentRequesterSummary(rows),
    contentUploadedOn: r.contentUploadedOn,
    incidentReferences: rows.incidentReferences.map(({ system, reference }) => ({ system, reference })),
    rationale: r.rationale,
    subjects: rows.subjects.map(presentSubject),
    timeline: rows.events.flatMap(({ event, actor }) => {
      const at = event.at.toISOString();
      if (event.actorId === r.requesterId) return [{ at, actor: { name: actor?.name ?? r.applicantName }, action: event.action }];
      // The outcome, whichever step of the unit's reached it (a review, a decision, an appeal not made).
      if (event.toStatus === 'closed') return [{ at, actor: { name: UNIT_NAME }, action: 'closed' }];
      return [];
    }),
  };
}
export type RequesterReferral = ReturnType<typeof presentForRequester>;

/** What a requester sees of a referral they added their rationale to: not another requester's data. */
export const presentCombined = (d: ReferralDetail) => ({
  id: d.id,
  reference: d.reference,
  status: d.status,
  outcome: d.outcome,
  contentTitle: d.contentTitle,
  platforms: d.platforms,
  combined: true as const,
});

/** Status tag colours (GOV.UK tag modifiers), for every page that lists or shows referrals. */
export const STATUS_TAG: Record<string, string> = {
  submitted: 'govuk-tag--blue',
  in_review: 'govuk-tag--yellow',
  awaiting_qa: 'govuk-tag--purple',
  referred: 'govuk-tag--turquoise',
  closed: 'govuk-tag--grey',
};
