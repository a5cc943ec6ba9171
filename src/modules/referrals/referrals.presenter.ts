import type { FieldError } from '../../errors.js';
import type { ReferralDetailRows, ReferralSummaryRow } from './referrals.repository.js';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** Row → API shape of a referral in a list (no subjects, no rationale: listing is not a consultation). */
export function presentSummary(row: ReferralSummaryRow) {
  const r = row.referral;
  return {
    id: r.id,
    reference: r.reference,
    status: r.status,
    outcome: r.outcome ?? null,
    contentTitle: r.contentTitle,
    contentUrl: r.contentUrl,
    platforms: row.platforms ?? [],
    requesterId: r.requesterId,
    applicant: { name: r.applicantName, ocu: r.applicantOcu ?? null, unit: r.applicantUnit ?? null },
    assignee: row.assignee?.id ? row.assignee : null,
    submittedAt: r.submittedAt.toISOString(),
    closedAt: iso(r.closedAt),
  };
}

/** Row → API shape of one referral with its timeline (DESIGN.md "API shapes"). */
export function presentDetail(rows: ReferralDetailRows, warnings: FieldError[]) {
  return {
    ...presentSummary(rows),
    contentUploadedOn: rows.referral.contentUploadedOn,
    rationale: rows.referral.rationale,
    incidentReferences: rows.incidentReferences.map(({ system, reference }) => ({ system, reference })),
    subjects: rows.subjects.map(({ name, category, ageBand, dateOfBirth }) => ({
      name,
      category,
      ageBand,
      dateOfBirth: dateOfBirth ?? null,
    })),
    additionalRationales: rows.additionalRationales.map((a) => ({
      applicantName: a.applicantName,
      rationale: a.rationale,
      addedAt: a.addedAt.toISOString(),
    })),
    // Issue 3 fills these in when a review refers the content (SOP 10).
    platformReferrals: [] as { platform: string; status: string; channel: string }[],
    timeline: rows.events.map(({ event, actor }) => ({
      at: event.at.toISOString(),
      actor: actor?.id ? actor : null,
      action: event.action,
      ...(event.comment ? { comment: event.comment } : {}),
    })),
    warnings,
  };
}

export type ReferralDetail = ReturnType<typeof presentDetail>;
export type ReferralSummary = ReturnType<typeof presentSummary>;

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
