import { describe, expect, it } from 'vitest';
import { pageErrors } from '../../views/forms.js';
import {
  QA_ERRORS,
  qaFormToBody,
  readQaForm,
  readReviewForm,
  reviewErrors,
  reviewFormToBody,
  reviewHiddenFields,
  storedReviewForm,
} from './review.form.js';

const PLATFORMS = ['youtube', 'tiktok'];
const posted = {
  contentFormat: 'drill',
  musical: 'yes',
  factors: ['humiliation', 'inflammatory_language'],
  note_humiliation: 'Mocks a rival',
  note_inflammatory_language: 'Threats',
  researchSummary: 'Summary',
  researchReferences: '',
  'reviewedOn-day': '3',
  'reviewedOn-month': '4',
  'reviewedOn-year': '2025',
  outcome: 'refer',
  rationale: 'Why',
  refer_tiktok: 'yes',
  terms_tiktok: ['violent', 'threats'],
  draft_tiktok: 'Breaches [the terms you tick above]',
  draft_youtube: 'Unticked',
  safeguardingAction: '',
  safeguardingDetail: '  ',
};

describe('the review form', () => {
  const form = readReviewForm(posted, PLATFORMS);

  it('becomes the API body: ticked factors in order with notes, only ticked platforms for refer, markers back to placeholders', () => {
    expect(reviewFormToBody(form, PLATFORMS, '2025-04-03')).toEqual({
      contentFormat: 'drill',
      musical: true,
      factors: [
        { factor: 'inflammatory_language', note: 'Threats' },
        { factor: 'humiliation', note: 'Mocks a rival' },
      ],
      researchSummary: 'Summary',
      researchReferences: undefined,
      reviewedOn: '2025-04-03',
      outcome: 'refer',
      rationale: 'Why',
      platformReferrals: [{ platform: 'tiktok', termsBreached: ['violent', 'threats'], draft: 'Breaches {{termsBreached}}' }],
      safeguarding: undefined,
    });
  });

  it('sends no platforms for no further action (SOP 8.6.2), and safeguarding once either part is filled in', () => {
    const nfa = readReviewForm({ ...posted, outcome: 'no_further_action', safeguardingAction: 'referred' }, PLATFORMS);
    const body = reviewFormToBody(nfa, PLATFORMS, undefined);
    expect(body.platformReferrals).toEqual([]);
    expect(body.reviewedOn).toBe('');
    expect(body.safeguarding).toEqual({ action: 'referred', detail: '  ' });
    // SOP 10.8: not answered is not musical, the API's default.
    expect(reviewFormToBody(readReviewForm({ ...posted, musical: undefined }, PLATFORMS), PLATFORMS, undefined).musical).toBe(false);
  });

  it('posts back unchanged from the preview’s hidden fields', () => {
    const hidden: Record<string, string[]> = {};
    for (const { name, value } of reviewHiddenFields(form)) (hidden[name] ??= []).push(value);
    expect(readReviewForm(hidden, PLATFORMS)).toEqual(form);
  });

  it('maps the API’s paths to the form’s fields: drafts, terms and ticks by platform, notes by factor, safeguarding, the date', () => {
    const errs = [
      'platformReferrals[0].draft',
      'platformReferrals[0].termsBreached[1]',
      'platformReferrals[0]',
      'platformReferrals',
      'factors[1].note',
      'factors[0]',
      'safeguarding',
      'safeguarding.detail',
      'reviewedOn',
    ].map((path) => ({ path, message: path }));
    expect(pageErrors(errs, reviewErrors(form, PLATFORMS)).map((e) => e.href ?? e.path)).toEqual([
      'draft_tiktok',
      'terms_tiktok',
      'refer_tiktok',
      'refer_youtube',
      'note_humiliation',
      'factors',
      'safeguardingAction',
      'safeguardingDetail',
      '#reviewedOn-day',
    ]);
  });
});

describe('the review form as it opens', () => {
  const platforms = [
    { key: 'youtube', draft: 'Template for YouTube' },
    { key: 'tiktok', draft: 'Template for TikTok' },
  ];

  it('starts a first review from today, the directory’s drafts and nothing ticked', () => {
    const form = storedReviewForm({ latest: null, platforms, drafted: [], safeguarding: undefined, today: '2025-04-03' });
    expect(form.reviewed).toEqual({ day: '3', month: '4', year: '2025' });
    expect(form.platforms).toEqual({
      youtube: { refer: false, terms: [], draft: 'Template for YouTube' },
      tiktok: { refer: false, terms: [], draft: 'Template for TikTok' },
    });
    expect(Object.values(form.factors).some((f) => f.checked)).toBe(false);
    expect(form.safeguarding).toEqual({ action: '', detail: '' });
  });

  it('starts a review returned by QA from the last review, its drafts and the reviewer’s safeguarding answer', () => {
    const latest = {
      contentFormat: 'drill',
      musical: true,
      factors: [{ factor: 'humiliation', note: 'Mocks a rival' }],
      researchSummary: 'Summary',
      researchReferences: null,
      reviewedOn: '2025-03-01',
      outcome: 'refer',
      rationale: 'Why',
    };
    const form = storedReviewForm({
      latest,
      platforms,
      drafted: [{ platform: 'tiktok', termsBreached: ['violent'], draft: 'Drafted' }],
      safeguarding: { action: 'referred', detail: null },
      today: '2025-04-03',
    });
    expect(form).toMatchObject({
      contentFormat: 'drill',
      musical: 'yes',
      researchReferences: '',
      reviewed: { day: '1', month: '3', year: '2025' },
      outcome: 'refer',
      platforms: { tiktok: { refer: true, terms: ['violent'], draft: 'Drafted' }, youtube: { refer: false } },
      safeguarding: { action: 'referred', detail: '' },
    });
    expect(form.factors.humiliation).toEqual({ checked: true, note: 'Mocks a rival' });
  });
});

describe('the QA form', () => {
  const posted = {
    decision: 'approve',
    comment: 'Good',
    summary: 'S',
    sourceEvaluation: '2',
    intelligenceAssessment: '',
    handlingCode: 'P',
  };

  it('sends the grading only with an approval (SOP 10.4)', () => {
    expect(qaFormToBody(readQaForm(posted))).toEqual({
      decision: 'approve',
      comment: 'Good',
      intelligence: {
        summary: 'S',
        sourceEvaluation: '2',
        intelligenceAssessment: undefined,
        handlingCode: 'P',
        handlingConditions: undefined,
      },
    });
    expect(qaFormToBody(readQaForm({ ...posted, decision: 'return' })).intelligence).toBeUndefined();
    expect(qaFormToBody(readQaForm({})).decision).toBeUndefined();
  });

  it('shows the grading’s errors at the form’s top-level fields', () =>
    expect(pageErrors([{ path: 'intelligence.handlingConditions', message: 'm' }], QA_ERRORS)[0]!.path).toBe('handlingConditions'));
});
