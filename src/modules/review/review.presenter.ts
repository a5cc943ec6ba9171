import type { ReviewFactor } from '../../db/schema/casework.js';
import { describeGrading, type IntelligenceGrading } from '../../domain/intelligence-grading.js';
import type { Leak } from '../../domain/data-sharing-guard.js';
import { formatDate } from '../../domain/dates.js';
import type { PlatformRow } from '../platforms/platforms.service.js';
import type { IntelligenceRow, ReviewRow } from './review.repository.js';
import { FACTOR_TEXT, FORMAT_TEXT } from './review.schemas.js';

const platformNameOf = (directory: readonly PlatformRow[], key: string) => directory.find((p) => p.key === key)?.name ?? key;

/** The latest review as the referral page shows it (SOP 9, 8.6). */
export function presentReview(row: ReviewRow) {
  return {
    contentFormat: row.contentFormat,
    contentFormatText: FORMAT_TEXT[row.contentFormat],
    factors: row.factors.map((f) => ({ factor: f.factor, text: FACTOR_TEXT[f.factor as ReviewFactor] ?? f.factor, note: f.note })),
    researchSummary: row.researchSummary,
    researchReferences: row.researchReferences ?? null,
    reviewedOn: row.reviewedOn,
    outcome: row.outcome,
    rationale: row.rationale,
    reviewerId: row.reviewerId,
    createdAt: row.createdAt.toISOString(),
  };
}
export type PresentedReview = ReturnType<typeof presentReview>;

const LEAK_KIND_TEXT: Record<Leak['kind'], string> = {
  subject_name: 'a subject’s name',
  handle: 'a subject’s handle',
  date_of_birth: 'a date of birth',
  incident_reference: 'an incident reference',
};

/** SOP 6.4: name the offending words as the draft wrote them, and what they are. */
export function leakMessage(platformName: string, leaks: readonly Leak[]) {
  const words = leaks.map((l) => `“${l.match}” (${LEAK_KIND_TEXT[l.kind]})`);
  return `The referral to ${platformName} shows personal data: ${[...new Set(words)].join(', ')}. Remove it: a platform may be sent only what the content itself shows`;
}

export const gradingOf = (row: IntelligenceRow): IntelligenceGrading =>
  row.handlingCode === 'C'
    ? {
        sourceEvaluation: row.sourceEvaluation as IntelligenceGrading['sourceEvaluation'],
        intelligenceAssessment: Number(row.intelligenceAssessment) as IntelligenceGrading['intelligenceAssessment'],
        handlingCode: 'C',
        handlingConditions: row.handlingConditions ?? '',
      }
    : {
        sourceEvaluation: row.sourceEvaluation as IntelligenceGrading['sourceEvaluation'],
        intelligenceAssessment: Number(row.intelligenceAssessment) as IntelligenceGrading['intelligenceAssessment'],
        handlingCode: 'P',
      };

/** SOP 10.4: the record as the API and the printable page show it, with a plain-text copy for the force system. */
export function presentIntelligence(row: IntelligenceRow & { reference: string }, directory: readonly PlatformRow[]) {
  const grading = gradingOf(row);
  const labels = describeGrading(grading);
  const platforms = row.platforms.map((key) => ({ key, name: platformNameOf(directory, key) }));
  const decisions = row.decisions ?? [];
  const lines = [
    `Referral: ${row.reference}`,
    `Title of content: ${row.contentTitle}`,
    `Content URL: ${row.contentUrl}`,
    `Platforms/channels hosting content: ${platforms.map((p) => p.name).join(', ')}`,
    `Rationale for referral to the platform: ${row.rationale}`,
    `Summary of the nature of the content: ${row.summary}`,
    `Details of the breach of the platforms' terms of service:`,
    row.breach,
    `Grading: ${labels.code}`,
    `Source evaluation: ${labels.sourceEvaluation}`,
    `Intelligence assessment: ${labels.intelligenceAssessment}`,
    `Handling code: ${labels.handling}`,
    ...decisions.map(
      (d) => `Platform decision: ${platformNameOf(directory, d.platform)}: ${d.decision.replace(/_/g, ' ')} on ${formatDate(d.on)}`,
    ),
  ];
  return {
    referralId: row.referralId,
    reference: row.reference,
    contentTitle: row.contentTitle,
    contentUrl: row.contentUrl,
    platforms,
    rationale: row.rationale,
    summary: row.summary,
    breach: row.breach,
    grading: {
      code: labels.code,
      sourceEvaluation: grading.sourceEvaluation,
      intelligenceAssessment: grading.intelligenceAssessment,
      handlingCode: grading.handlingCode,
      handlingConditions: grading.handlingCode === 'C' ? grading.handlingConditions : null,
      labels: {
        sourceEvaluation: labels.sourceEvaluation,
        intelligenceAssessment: labels.intelligenceAssessment,
        handling: labels.handling,
      },
    },
    forceReference: row.forceReference ?? null,
    decisions,
    createdAt: row.createdAt.toISOString(),
    text: lines.join('\n'),
  };
}
export type PresentedIntelligence = ReturnType<typeof presentIntelligence>;
