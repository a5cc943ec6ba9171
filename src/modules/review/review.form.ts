import { REVIEW_FACTORS } from '../../domain/vocabulary.js';
import { withoutMarkers } from '../../domain/referral-draft.js';
import { dateParts, field, fields, partsOf, type DateParts, type ErrorMap } from '../../views/forms.js';

/** What the review form holds, as typed (so an error re-renders it unchanged). */
export type ReviewForm = {
  contentFormat: string;
  /** SOP 10.8: 'yes', 'no' or '' (not answered: sent as false, the API's default). */
  musical: string;
  factors: Record<string, { checked: boolean; note: string }>;
  researchSummary: string;
  researchReferences: string;
  reviewed: DateParts;
  outcome: string;
  rationale: string;
  platforms: Record<string, { refer: boolean; terms: string[]; draft: string }>;
  safeguarding: { action: string; detail: string };
};

/** The form as it opens: a referral returned by QA keeps its drafts and review, and the form starts from them. */
export function storedReviewForm(stored: {
  latest: {
    contentFormat: string;
    musical: boolean;
    factors: readonly { factor: string; note: string }[];
    researchSummary: string;
    researchReferences: string | null;
    reviewedOn: string;
    outcome: string;
    rationale: string;
  } | null;
  /** The referral's platforms, each with the directory's template filled in. */
  platforms: readonly { key: string; draft: string }[];
  drafted: readonly { platform: string; termsBreached: string[]; draft: string }[];
  safeguarding: { action: string; detail: string | null } | undefined;
  today: string;
}): ReviewForm {
  const { latest, safeguarding } = stored;
  return {
    contentFormat: latest?.contentFormat ?? '',
    musical: latest ? (latest.musical ? 'yes' : 'no') : '',
    factors: Object.fromEntries(
      REVIEW_FACTORS.map((f) => {
        const found = latest?.factors.find((x) => x.factor === f);
        return [f, { checked: !!found, note: found?.note ?? '' }];
      }),
    ),
    researchSummary: latest?.researchSummary ?? '',
    researchReferences: latest?.researchReferences ?? '',
    reviewed: partsOf(latest ? latest.reviewedOn : stored.today),
    outcome: latest?.outcome ?? '',
    rationale: latest?.rationale ?? '',
    platforms: Object.fromEntries(
      stored.platforms.map((p) => {
        const d = stored.drafted.find((x) => x.platform === p.key);
        return [p.key, { refer: !!d, terms: d?.termsBreached ?? [], draft: d?.draft ?? p.draft }];
      }),
    ),
    safeguarding: { action: safeguarding?.action ?? '', detail: safeguarding?.detail ?? '' },
  };
}

/** The review form as posted: by the form itself, or by the preview page's hidden copy of it. */
export const readReviewForm = (b: unknown, platforms: readonly string[]): ReviewForm => ({
  contentFormat: field(b, 'contentFormat'),
  musical: field(b, 'musical'),
  factors: Object.fromEntries(REVIEW_FACTORS.map((f) => [f, { checked: fields(b, 'factors').includes(f), note: field(b, `note_${f}`) }])),
  researchSummary: field(b, 'researchSummary'),
  researchReferences: field(b, 'researchReferences'),
  reviewed: dateParts(b, 'reviewedOn'),
  outcome: field(b, 'outcome'),
  rationale: field(b, 'rationale'),
  platforms: Object.fromEntries(
    platforms.map((key) => [
      key,
      { refer: field(b, `refer_${key}`) === 'yes', terms: fields(b, `terms_${key}`), draft: field(b, `draft_${key}`) },
    ]),
  ),
  safeguarding: { action: field(b, 'safeguardingAction'), detail: field(b, 'safeguardingDetail') },
});

/** The same form as hidden fields, for the preview page to post back ("Change" or "Send to QA"). */
export const reviewHiddenFields = (form: ReviewForm) => [
  { name: 'contentFormat', value: form.contentFormat },
  { name: 'musical', value: form.musical },
  ...REVIEW_FACTORS.flatMap((f) => [
    ...(form.factors[f]!.checked ? [{ name: 'factors', value: f }] : []),
    { name: `note_${f}`, value: form.factors[f]!.note },
  ]),
  { name: 'researchSummary', value: form.researchSummary },
  { name: 'researchReferences', value: form.researchReferences },
  { name: 'reviewedOn-day', value: form.reviewed.day },
  { name: 'reviewedOn-month', value: form.reviewed.month },
  { name: 'reviewedOn-year', value: form.reviewed.year },
  { name: 'outcome', value: form.outcome },
  { name: 'rationale', value: form.rationale },
  ...Object.entries(form.platforms).flatMap(([key, p]) => [
    ...(p.refer ? [{ name: `refer_${key}`, value: 'yes' }] : []),
    ...p.terms.map((t) => ({ name: `terms_${key}`, value: t })),
    { name: `draft_${key}`, value: p.draft },
  ]),
  { name: 'safeguardingAction', value: form.safeguarding.action },
  { name: 'safeguardingDetail', value: form.safeguarding.detail },
];

/** The platforms the review refers to: only for refer; for no further action the ticks are ignored (SOP 8.6.2). */
export const referredPlatforms = (form: ReviewForm, platforms: readonly string[]) =>
  form.outcome === 'refer' ? platforms.filter((key) => form.platforms[key]?.refer) : [];

/** The review form as the API body (`reviewedOn` read from the date input first). */
export function reviewFormToBody(form: ReviewForm, platforms: readonly string[], reviewedOn: string | undefined) {
  return {
    contentFormat: form.contentFormat || undefined,
    musical: form.musical === 'yes',
    factors: REVIEW_FACTORS.filter((f) => form.factors[f]!.checked).map((f) => ({ factor: f, note: form.factors[f]!.note })),
    researchSummary: form.researchSummary,
    researchReferences: form.researchReferences || undefined,
    reviewedOn: reviewedOn ?? '',
    outcome: form.outcome || undefined,
    rationale: form.rationale,
    platformReferrals: referredPlatforms(form, platforms).map((key) => ({
      platform: key,
      termsBreached: form.platforms[key]!.terms,
      // The form shows "[the terms you tick above]" where the template says {{termsBreached}}.
      draft: withoutMarkers(form.platforms[key]!.draft),
    })),
    // Sent when either part is filled in; left blank, the service says whether it was needed.
    safeguarding:
      form.safeguarding.action || form.safeguarding.detail.trim()
        ? { action: form.safeguarding.action || undefined, detail: form.safeguarding.detail }
        : undefined,
  };
}

const PLATFORM_PART: Record<string, string> = { draft: 'draft', termsBreached: 'terms' };

/** The API's field paths → the review form's fields; the lists are those of the body sent. */
export const reviewErrors = (form: ReviewForm, platforms: readonly string[]): ErrorMap => {
  const referred = referredPlatforms(form, platforms);
  const ticked = REVIEW_FACTORS.filter((f) => form.factors[f]?.checked);
  return {
    paths: [
      [
        /^platformReferrals\[(\d+)\](?:\.(\w+))?/,
        (m) => `${PLATFORM_PART[m[2] ?? ''] ?? 'refer'}_${referred[Number(m[1])] ?? platforms[0]}`,
      ],
      ['platformReferrals', `refer_${platforms[0] ?? ''}`],
      [/^factors\[(\d+)\]\.note$/, (m) => `note_${ticked[Number(m[1])] ?? ''}`],
      [/^factors/, 'factors'],
      ['safeguarding', 'safeguardingAction'],
      ['safeguarding.action', 'safeguardingAction'],
      ['safeguarding.detail', 'safeguardingDetail'],
    ],
    dates: ['reviewedOn'],
  };
};

/* Quality assurance (SOP 10.2) and the intelligence grading (10.4) -------------------------- */

const QA_FIELDS = [
  'decision',
  'comment',
  'summary',
  'sourceEvaluation',
  'intelligenceAssessment',
  'handlingCode',
  'handlingConditions',
] as const;
export type QaForm = Record<(typeof QA_FIELDS)[number], string>;

export const readQaForm = (b: unknown): QaForm => Object.fromEntries(QA_FIELDS.map((k) => [k, field(b, k)])) as QaForm;

/** The QA form as the API body: the grading is sent only with an approval. */
export const qaFormToBody = (form: QaForm) => ({
  decision: form.decision || undefined,
  comment: form.comment,
  intelligence:
    form.decision === 'approve'
      ? {
          summary: form.summary,
          sourceEvaluation: form.sourceEvaluation || undefined,
          intelligenceAssessment: form.intelligenceAssessment || undefined,
          handlingCode: form.handlingCode || undefined,
          handlingConditions: form.handlingConditions || undefined,
        }
      : undefined,
});

/** The grading's fields sit on the form at the top level. */
export const QA_ERRORS: ErrorMap = { paths: [[/^intelligence\.(.*)$/, (m) => m[1]!]] };
