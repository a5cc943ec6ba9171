import { z } from 'zod';
import { repeats } from '../../schemas/lists.js';
import { plainText } from '../../schemas/text.js';
import { isRealDate } from '../../domain/dates.js';
import { validateGrading, type IntelligenceGrading } from '../../domain/intelligence-grading.js';
import { LIMITS as REFERRAL_LIMITS, safeguardingSchema, type Today } from '../referrals/referrals.schemas.js';
import { CONTENT_FORMATS, QA_DECISIONS, REVIEW_FACTORS, REVIEW_OUTCOMES, type ReviewFactor } from '../../domain/vocabulary.js';

/**
 * The review (SOP 9, 8.6), QA (SOP 10.2) and intelligence record (SOP 10.4) schemas: the API
 * validates with them, the pages validate with them, and the OpenAPI document comes from them.
 * "Not in the future" depends on today's date in London, which the review schema reads as it validates.
 */

export const LIMITS = {
  factorNote: 2_000,
  researchSummary: 5_000,
  researchReferences: 2_000,
  rationale: 5_000,
  draft: 10_000,
  qaComment: 2_000,
  intelligenceSummary: 2_000,
  forceReference: 60,
  platformReferrals: 50,
  termsBreached: 100,
  safeguardingDetail: REFERRAL_LIMITS.safeguardingDetail,
} as const;

/** SOP 9.2.1-9.2.7, as people read them. */
export const FACTOR_TEXT: Record<ReviewFactor, string> = {
  gang_affiliated_subjects: 'Subjects in the content suspected of affiliation to an organised crime group or gang (9.2.1)',
  prior_incidents_between_groups: 'Previous incidents or offences between the groups (9.2.2)',
  inflammatory_language: 'Inflammatory, distasteful or provocative words likely to provoke violence (9.2.3)',
  humiliation: 'Acts of humiliation (9.2.4)',
  public_safety_disorder: 'Likely adverse impact on public safety or public disorder (9.2.5)',
  illegal_commodity_sales: 'Sales of illegal commodities such as weapons or drugs (9.2.6)',
  exploitation_concern: 'Concerns of exploitation of a child or vulnerable person (9.2.7)',
};

export const FORMAT_TEXT: Record<(typeof CONTENT_FORMATS)[number], string> = {
  video: 'Video',
  audio: 'Audio',
  image: 'Image',
  text: 'Text',
  livestream: 'Livestream',
  other: 'Other',
};

const text = (what: string, max: number, What = `${what[0]!.toUpperCase()}${what.slice(1)}`) =>
  plainText({ error: `Enter ${what}` })
    .trim()
    .min(1, `Enter ${what}`)
    .max(max, `${What} must be ${max} characters or fewer`);

const factorKey = z.enum(REVIEW_FACTORS, { error: 'Choose a factor from SOP 9.2' });

/** SOP 9.2: a factor key alone, or the factor with the operative's note. */
const factor = z.union([
  factorKey.transform((f) => ({ factor: f, note: '' })),
  z.object({
    factor: factorKey,
    note: plainText()
      .trim()
      .max(LIMITS.factorNote, `A factor note must be ${LIMITS.factorNote} characters or fewer`)
      .default('')
      .describe('What in the content shows this factor'),
  }),
]);

const platformReferral = z.object({
  platform: plainText({ error: 'Choose the platform' })
    .trim()
    .min(1, 'Choose the platform')
    .max(40)
    .describe('A platform of this referral'),
  termsBreached: z
    .array(plainText({ error: 'Choose a clause from the directory' }).trim().min(1, 'Choose a clause from the directory').max(80), {
      error: 'Choose at least one term breached',
    })
    .min(1, 'Choose at least one term breached')
    .max(LIMITS.termsBreached, { message: `Choose up to ${LIMITS.termsBreached} terms breached`, abort: true })
    .describe('SOP 9.4: clause keys of that platform in the directory (GET /api/v1/platforms), at least one, each once'),
  draft: text('the referral to the platform', LIMITS.draft, 'The referral').describe(
    'SOP 10.1: the text sent to the platform (GET …/draft gives one from the template); any {{placeholder}} left is filled from the review. Checked against the referral’s personal data (SOP 6.4)',
  ),
});

export function reviewSchemas(today: Today) {
  const review = z
    .object({
      contentFormat: z.enum(CONTENT_FORMATS, { error: 'Choose the format of the content' }).describe('SOP 8.6.6'),
      musical: z
        .boolean({ error: 'Choose whether the content is musical' })
        .default(false)
        .describe('SOP 10.8: musical content enters the Domain library when a platform removes it (default false)'),
      factors: z
        .array(factor, { error: 'Factors must be a list' })
        .max(REVIEW_FACTORS.length, { message: `Give each factor at most once (${REVIEW_FACTORS.length} in all)`, abort: true })
        .default([])
        .describe('SOP 9.2.1-9.2.7: factor keys, or { factor, note } with a note per factor; each once'),
      researchSummary: text('a summary of the research', LIMITS.researchSummary, 'The research summary').describe(
        'SOP 9.3: a summary of research against police indices, not copies of intelligence',
      ),
      researchReferences: plainText()
        .trim()
        .max(LIMITS.researchReferences, `References must be ${LIMITS.researchReferences} characters or fewer`)
        .optional()
        .describe('SOP 9.3: references to the records found'),
      reviewedOn: plainText({ error: 'Enter the date of the review' })
        .trim()
        .min(1, 'Enter the date of the review')
        .regex(/^\d{4}-\d{2}-\d{2}$/, 'The date of the review must be in the format YYYY-MM-DD')
        .refine((v) => !/^\d{4}-\d{2}-\d{2}$/.test(v) || isRealDate(v), 'The date of the review must be a real date')
        .refine((v) => !isRealDate(v) || v <= today(), 'The date of the review must be today or in the past')
        .describe('SOP 8.6.1: YYYY-MM-DD, not in the future and not before the referral was submitted'),
      outcome: z.enum(REVIEW_OUTCOMES, { error: 'Choose the outcome of the review' }).describe('SOP 8.6.2, 10.3'),
      rationale: text('the rationale for the outcome', LIMITS.rationale, 'The rationale').describe(
        'SOP 8.6.5, 10.4.4: the basis of the referral to the platforms, or why no further action',
      ),
      platformReferrals: z
        .array(platformReferral, { error: 'Platform referrals must be a list' })
        .max(LIMITS.platformReferrals, { message: `Refer to up to ${LIMITS.platformReferrals} platforms`, abort: true })
        .default([])
        .describe('SOP 10.1, 9.4: one per platform to refer to (refer only; empty for no further action)'),
      safeguarding: safeguardingSchema
        .optional()
        .describe(
          'DESIGN.md "Safeguarding": required, for either outcome, when a subject is under 18 or the factors include exploitation_concern (SOP 9.2.7); recorded when given otherwise. The reviewer’s own answer: an intake answer does not stand for it',
        ),
    })
    .superRefine((r, ctx) => {
      for (const { index, item } of repeats(r.factors, (f) => f.factor))
        ctx.addIssue({ code: 'custom', path: ['factors', index], message: `${FACTOR_TEXT[item.factor]} is given more than once` });
      if (r.outcome === 'refer' && r.platformReferrals.length === 0)
        ctx.addIssue({ code: 'custom', path: ['platformReferrals'], message: 'Choose at least one platform to refer the content to' });
      if (r.outcome === 'no_further_action' && r.platformReferrals.length > 0)
        ctx.addIssue({ code: 'custom', path: ['platformReferrals'], message: 'No further action sends nothing to platforms' });
      for (const { index, item } of repeats(r.platformReferrals, (p) => p.platform))
        ctx.addIssue({
          code: 'custom',
          path: ['platformReferrals', index, 'platform'],
          message: `${item.platform} is given more than once`,
        });
      r.platformReferrals.forEach((p, i) => {
        for (const { index, item } of repeats(p.termsBreached))
          ctx.addIssue({
            code: 'custom',
            path: ['platformReferrals', i, 'termsBreached', index],
            message: `${item} is given more than once`,
          });
      });
    });
  return { review };
}

export type ReviewInput = z.infer<ReturnType<typeof reviewSchemas>['review']>;

/** SOP 10.4.5 and the 3x5x2 grading, as sent (validated with `validateGrading`). */
const intelligenceInput = z
  .object({
    summary: plainText().optional().describe('SOP 10.4.5: a brief summary of the nature of the content'),
    sourceEvaluation: plainText().optional().describe('A, B or C'),
    intelligenceAssessment: z.union([plainText(), z.number()]).optional().describe('1 to 5'),
    handlingCode: plainText().optional().describe('P or C'),
    handlingConditions: plainText().optional().describe('Required with handling code C (SOP 6.3)'),
  })
  .describe('Required to approve: the intelligence record is made on approval (SOP 10.4)');

type IntelligenceProposal = { summary: string; grading: IntelligenceGrading };

export const qaSchema = z
  .object({
    decision: z.enum(QA_DECISIONS, { error: 'Choose whether to approve or return the referral' }).describe('SOP 10.2'),
    comment: plainText()
      .trim()
      .max(LIMITS.qaComment, `The comment must be ${LIMITS.qaComment} characters or fewer`)
      .default('')
      .describe('Shown on the timeline; required to return'),
    intelligence: intelligenceInput.optional(),
  })
  .transform((q, ctx) => {
    if (q.decision === 'return') {
      if (!q.comment) ctx.addIssue({ code: 'custom', path: ['comment'], message: 'Enter what needs to change before it can be approved' });
      return { decision: 'return' as const, comment: q.comment, intelligence: null };
    }
    const summary = q.intelligence?.summary?.trim() ?? '';
    if (!summary)
      ctx.addIssue({ code: 'custom', path: ['intelligence', 'summary'], message: 'Enter a brief summary of the nature of the content' });
    else if (summary.length > LIMITS.intelligenceSummary)
      ctx.addIssue({
        code: 'custom',
        path: ['intelligence', 'summary'],
        message: `The summary must be ${LIMITS.intelligenceSummary} characters or fewer`,
      });
    const graded = validateGrading(q.intelligence ?? {});
    if (!graded.ok) for (const e of graded.errors) ctx.addIssue({ code: 'custom', path: ['intelligence', e.path], message: e.message });
    if (!graded.ok || !summary || summary.length > LIMITS.intelligenceSummary) return z.NEVER;
    return { decision: 'approve' as const, comment: q.comment, intelligence: { summary, grading: graded.grading } as IntelligenceProposal };
  });
export type QaInput = z.output<typeof qaSchema>;

export const draftQuerySchema = z.object({
  platform: plainText({ error: 'Choose the platform' })
    .trim()
    .min(1, 'Choose the platform')
    .max(40)
    .describe('A platform of this referral'),
  termsBreached: z
    .preprocess(
      (v) => (v === undefined ? [] : [v].flat()),
      z
        .array(plainText().trim().min(1).max(80))
        .max(LIMITS.termsBreached, { message: `Choose up to ${LIMITS.termsBreached} terms breached`, abort: true }),
    )
    .describe('Clause keys to name in the draft (repeat the parameter); their placeholder is left when none'),
  rationale: plainText()
    .trim()
    .max(LIMITS.rationale, `The rationale must be ${LIMITS.rationale} characters or fewer`)
    .optional()
    .describe('The review rationale; its placeholder is left when absent'),
});
export type DraftQuery = z.infer<typeof draftQuerySchema>;

export const forceReferenceSchema = z.object({
  forceReference: text('the force intelligence system reference', LIMITS.forceReference, 'The reference').describe(
    'SOP 10.4: the reference the force intelligence system gave the record',
  ),
});

export const draftSchema = z.object({ platform: z.string(), termsBreached: z.array(z.string()), draft: z.string() });

export const intelligenceRecordSchema = z.object({
  referralId: z.string(),
  reference: z.string(),
  contentTitle: z.string().describe('SOP 10.4.1'),
  contentUrl: z.string().describe('SOP 10.4.2'),
  platforms: z.array(z.object({ key: z.string(), name: z.string() })).describe('SOP 10.4.3'),
  rationale: z.string().describe('SOP 10.4.4: the review rationale'),
  summary: z.string().describe('SOP 10.4.5'),
  breach: z.string().describe('SOP 10.4.6: the terms breached, one line per platform'),
  grading: z.object({
    code: z.string().describe('e.g. B2P'),
    sourceEvaluation: z.string(),
    intelligenceAssessment: z.number(),
    handlingCode: z.string(),
    handlingConditions: z.string().nullable(),
    labels: z.object({ sourceEvaluation: z.string(), intelligenceAssessment: z.string(), handling: z.string() }),
  }),
  forceReference: z.string().nullable(),
  decisions: z.array(z.object({ platform: z.string(), decision: z.string(), on: z.string() })).describe('SOP 10.6'),
  createdAt: z.string(),
  text: z.string().describe('The same content as plain text, for pasting into the force intelligence system'),
});
