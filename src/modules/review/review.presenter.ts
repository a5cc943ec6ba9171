import { describeGrading, type IntelligenceGrading } from '../../domain/intelligence-grading.js';
import type { Leak } from '../../domain/data-sharing-guard.js';
import { formatDate } from '../../domain/dates.js';
import type { PlatformRow } from '../platforms/platforms.service.js';
import type { IntelligenceRow, ReviewRow } from './review.repository.js';
import { FACTOR_TEXT, FORMAT_TEXT } from './review.schemas.js';
import type { ReviewFactor } from '../../domain/vocabulary.js';

const platformNameOf = (directory: readonly PlatformRow[], key: string) => directory.find((p) => p.key === key)?.name ?? key;

/** The latest review as the referral page shows it (SOP 9, 8.6). */
export function presentReview(row: ReviewRow) {
  return {
    contentFormat: row.contentFormat,
    contentFormatText: FORMAT_TEXT[row.contentFormat],
    musical: row.musical,
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

/** What each kind of leak does to the subject, in the words of the message. */
const LEAK_GROUPS: { verb: string; kinds: readonly Leak['kind'][] }[] = [
  { verb: 'names a subject', kinds: ['subject_name', 'handle'] },
  { verb: 'gives a date of birth', kinds: ['date_of_birth'] },
  { verb: 'gives an incident reference', kinds: ['incident_reference'] },
];

/**
 * SOP 6.4: what the draft gives away, each phrase quoted whole as the draft writes it (line breaks
 * shown as spaces): "names a subject (“J. Doe”, “@jd_drill”) and gives a date of birth (“3/3/2005”)".
 */
function leakPhrases(leaks: readonly Leak[]) {
  const groups = LEAK_GROUPS.flatMap(({ verb, kinds }) => {
    const words = [...new Set(leaks.filter((l) => kinds.includes(l.kind)).map((l) => `“${l.match.replace(/\s+/g, ' ')}”`))];
    return words.length ? [`${verb} (${words.join(', ')})`] : [];
  });
  return groups.length > 1 ? `${groups.slice(0, -1).join(', ')} and ${groups[groups.length - 1]}` : (groups[0] ?? '');
}

/** The refusal of a draft at review (SOP 6.4), at `platformReferrals[i].draft`. */
export function leakMessage(platformName: string, leaks: readonly Leak[]) {
  return `The draft for ${platformName} ${leakPhrases(leaks)}: a platform gets only what the content itself shows (SOP 6.4), so take ${leaks.length > 1 ? 'them' : 'it'} out`;
}

/** The same check at QA, as a warning: the sergeant decides (SOP 10.2). */
export function leakWarning(leaks: readonly Leak[]) {
  return `This draft ${leakPhrases(leaks)}. A platform gets only what the content itself shows (SOP 6.4): return it unless the content shows this too`;
}

const gradingOf = (row: IntelligenceRow): IntelligenceGrading =>
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
