import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { Actor } from '../../domain/actor.js';
import { findLeaks } from '../../domain/data-sharing-guard.js';
import {
  HANDLING_CODE_LABELS,
  HANDLING_CODES,
  INTELLIGENCE_ASSESSMENT_LABELS,
  INTELLIGENCE_ASSESSMENTS,
  PROTECTIVE_MARKING,
  SOURCE_EVALUATION_LABELS,
  SOURCE_EVALUATIONS,
} from '../../domain/intelligence-grading.js';
import { decide, type Action } from '../../domain/lifecycle.js';
import { DRAFT_MARKERS, withMarkers } from '../../domain/referral-draft.js';
import { Forbidden, InvalidTransition } from '../../errors.js';
import { actorOf } from '../../plugins/auth.js';
import type { Services } from '../../services.js';
import { attempt, checkForm, field, govukDate, pageErrors, renderForm, type PageError } from '../../views/forms.js';
import { lifecycleStateOf, type ReferralDetail } from '../referrals/referrals.presenter.js';
import { presentSafeguardingPanel } from '../referrals/safeguarding.presenter.js';
import { SAFEGUARDING_ACTION_TEXT } from '../../domain/safeguarding.js';
import { FACTOR_TEXT, FORMAT_TEXT, forceReferenceSchema, LIMITS, qaSchema } from './review.schemas.js';
import {
  QA_ERRORS,
  qaFormToBody,
  readQaForm,
  readReviewForm,
  referredPlatforms,
  reviewErrors,
  reviewFormToBody,
  reviewHiddenFields,
  storedReviewForm,
  type QaForm,
  type ReviewForm,
} from './review.form.js';
import { leakWarning } from './review.presenter.js';
import { forPage } from '../evidence/evidence.presenter.js';
import { INTELLIGENCE_READERS, INTELLIGENCE_RECORDERS, mayRecordIntelligenceReference, QA_ROLES, REVIEWERS } from './review.policy.js';
import { personalDataOf } from './review.service.js';
import { CONTENT_FORMATS, REVIEW_FACTORS, SAFEGUARDING_ACTIONS } from '../../domain/vocabulary.js';

const view = (name: string) => `modules/review/views/${name}.njk`;
type Id = { Params: { id: string } };

/** The page is offered only when the step would be accepted now: same refusal as the API (403/409). */
function refuseUnlessAllowed(referral: ReferralDetail, actor: Actor, action: Action) {
  const d = decide(lifecycleStateOf(referral), action, actor);
  if (!d.ok) throw d.refusal.kind === 'wrong_actor' ? new Forbidden(d.refusal.message) : new InvalidTransition(d.refusal.message);
}

/**
 * Pages for review and assessment (SOP 9), QA (10.2) and the intelligence record (10.4). They
 * validate with the API's schemas and call the same service; field paths are mapped to form ids.
 */
const reviewPages: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  const review = services.review;

  /* Review and assessment ------------------------------------------------------------------- */

  async function reviewPage(reply: FastifyReply, actor: Actor, id: string, form?: ReviewForm, errs: PageError[] = []) {
    // The form shows no subjects: reading for it is not a consultation (issue 10).
    const referral = await services.referrals.forCasework(actor, id);
    refuseUnlessAllowed(referral, actor, { kind: 'review', outcome: 'no_further_action', platforms: [] });
    const { platforms } = await review.draftsForPage(id);
    const latest = await review.latestReview(id);
    // SOP 9.1: the captured media to review, with its analysis; showing evidence is a consultation.
    const captures = (await services.evidence.list(actor, id)).items.filter((c) => c.status === 'stored').map(forPage);
    // Video when any capture has moving pictures, then audio, then the rest: the richest medium is what the content is.
    const proposedFormat = (['video', 'audio', 'image', 'text', 'other'] as const).find((f) =>
      captures.some((c) => c.analysis.proposedContentFormat === f),
    );
    const stored = () => {
      const v = storedReviewForm({
        latest,
        platforms,
        drafted: referral.platformReferrals,
        // A review sent again after a QA return starts from the reviewer's last answer, never the requester's.
        safeguarding: referral.safeguarding.filter((a) => a.stage === 'review').at(-1),
        today: review.today(),
      });
      return { ...v, contentFormat: v.contentFormat || proposedFormat || '' };
    };
    const values = form ?? stored();
    const context = {
      captures,
      formatProposed: !form && !latest?.contentFormat && proposedFormat ? FORMAT_TEXT[proposedFormat] : null,
      pageTitle: `Review and assess ${referral.reference}`,
      referral,
      values,
      limits: LIMITS,
      markers: DRAFT_MARKERS,
      backLink: `/referrals/${id}`,
      formats: CONTENT_FORMATS.map((f) => ({ value: f, text: FORMAT_TEXT[f], checked: values.contentFormat === f })),
      musicalChoices: [
        { value: 'yes', text: 'Yes', checked: values.musical === 'yes' },
        { value: 'no', text: 'No', checked: values.musical === 'no' },
      ],
      factors: REVIEW_FACTORS.map((f) => ({ key: f, text: FACTOR_TEXT[f], ...values.factors[f]! })),
      // DESIGN.md "Safeguarding": always offered (without JavaScript the page cannot know whether
      // exploitation will be ticked); the service decides whether it is required.
      safeguardingPanel: presentSafeguardingPanel(referral),
      safeguardingActions: SAFEGUARDING_ACTIONS.map((a) => ({
        value: a,
        text: SAFEGUARDING_ACTION_TEXT[a],
        checked: values.safeguarding.action === a,
      })),
      platforms: platforms.map((p) => ({
        key: p.key,
        name: p.name,
        refer: values.platforms[p.key]?.refer ?? false,
        // Never {{braces}} on the page: what the review will fill reads as plain words.
        draft: withMarkers(values.platforms[p.key]?.draft ?? ''),
        clauses: p.clauses.map((c) => ({ value: c.key, text: c.title, checked: values.platforms[p.key]?.terms.includes(c.key) ?? false })),
      })),
    };
    return renderForm(reply, view('review'), context, errs);
  }

  app.get<Id>('/referrals/:id/review', { config: { roles: REVIEWERS } }, async (req, reply) =>
    reviewPage(reply, actorOf(req), req.params.id),
  );

  /**
   * Two steps without JavaScript (issue 10): the form posts to a preview of what QA and each
   * platform will get ("Preview and send to QA"); the preview posts the same values back with
   * `step=send` to record the review, or `step=change` to return to the form as it was.
   */
  app.post<Id>('/referrals/:id/review', { config: { roles: REVIEWERS } }, async (req, reply) => {
    const actor = actorOf(req);
    const id = req.params.id;
    const step = field(req.body, 'step');
    const platforms = (await review.draftsForPage(id)).platforms.map((p) => p.key);
    const form = readReviewForm(req.body, platforms);
    if (step === 'change') return reviewPage(reply, actor, id, form);
    const date = govukDate('reviewedOn', form.reviewed, 'The date of the review');
    if (date.error) return reviewPage(reply, actor, id, form, [date.error]);
    const parsed = checkForm(review.schemas().review, reviewFormToBody(form, platforms, date.value));
    if (parsed.errors) return reviewPage(reply, actor, id, form, pageErrors(parsed.errors, reviewErrors(form, platforms)));
    const input = parsed.data;
    if (step !== 'send') {
      // The preview shows no subjects: reading for it is not a consultation (issue 10).
      const referral = await services.referrals.forCasework(actor, id);
      refuseUnlessAllowed(referral, actor, { kind: 'review', outcome: input.outcome, platforms: referredPlatforms(form, platforms) });
      const drafts = await attempt(() => review.preview(id, input));
      if (drafts.errors) return reviewPage(reply, actor, id, form, pageErrors(drafts.errors, reviewErrors(form, platforms)));
      return reply.page(view('review-preview'), {
        pageTitle: `Check the review of ${referral.reference}`,
        referral,
        review: {
          contentFormatText: FORMAT_TEXT[input.contentFormat],
          musical: input.musical,
          factors: input.factors.map((f) => ({ text: FACTOR_TEXT[f.factor as (typeof REVIEW_FACTORS)[number]], note: f.note })),
          researchSummary: input.researchSummary,
          researchReferences: input.researchReferences ?? null,
          outcome: input.outcome,
          rationale: input.rationale,
          reviewedOn: input.reviewedOn,
        },
        drafts: drafts.data,
        hidden: reviewHiddenFields(form),
      });
    }
    const done = await attempt(() => review.review(actor, id, input));
    if (done.errors) return reviewPage(reply, actor, id, form, pageErrors(done.errors, reviewErrors(form, platforms)));
    return reply.redirect(`/referrals/${id}?reviewed=${input.outcome === 'refer' ? 'qa' : 'nfa'}`);
  });

  /* Quality assurance ----------------------------------------------------------------------- */

  async function qaPage(reply: FastifyReply, actor: Actor, id: string, form?: QaForm, errs: PageError[] = []) {
    // The form shows no subjects: reading for it is not a consultation (issue 10).
    const referral = await services.referrals.forCasework(actor, id);
    refuseUnlessAllowed(referral, actor, { kind: 'qa', decision: 'approve' });
    const latest = await review.latestReview(id);
    const directory = await services.platforms.list();
    const values: QaForm = form ?? {
      decision: '',
      comment: '',
      // SOP 10.4.5: start from the review's research summary; the sergeant edits it.
      summary: latest?.researchSummary ?? '',
      sourceEvaluation: '',
      intelligenceAssessment: '',
      handlingCode: '',
      handlingConditions: '',
    };
    const radios = <T extends string | number>(list: readonly T[], labels: Record<T, string>, chosen: string) =>
      list.map((v) => ({ value: String(v), text: `${v}: ${labels[v]}`, checked: String(v) === chosen }));
    // SOP 6.4: the review's check, run again on the drafts as stored (one sent to QA before the check
    // last grew may hold what it now catches): a warning here, since the sergeant decides (SOP 10.2).
    const personal = personalDataOf(referral);
    const context = {
      pageTitle: `Quality assure ${referral.reference}`,
      referral,
      review: latest,
      safeguardingPanel: presentSafeguardingPanel(referral),
      values,
      limits: LIMITS,
      backLink: `/referrals/${id}`,
      drafts: referral.platformReferrals.map((p) => {
        const platform = directory.find((d) => d.key === p.platform);
        const leaks = findLeaks(p.draft, personal);
        return {
          key: p.platform,
          name: platform?.name ?? p.platform,
          terms: p.termsBreached.map((k) => platform?.clauses.find((c) => c.key === k)?.title ?? k),
          draft: p.draft,
          warning: leaks.length ? leakWarning(leaks) : null,
        };
      }),
      sourceEvaluations: radios(SOURCE_EVALUATIONS, SOURCE_EVALUATION_LABELS, values.sourceEvaluation),
      intelligenceAssessments: radios(INTELLIGENCE_ASSESSMENTS, INTELLIGENCE_ASSESSMENT_LABELS, values.intelligenceAssessment),
      handlingCodes: radios(HANDLING_CODES, HANDLING_CODE_LABELS, values.handlingCode),
    };
    return renderForm(reply, view('qa'), context, errs);
  }

  app.get<Id>('/referrals/:id/qa', { config: { roles: QA_ROLES } }, async (req, reply) => qaPage(reply, actorOf(req), req.params.id));

  app.post<Id>('/referrals/:id/qa', { config: { roles: QA_ROLES } }, async (req, reply) => {
    const actor = actorOf(req);
    const id = req.params.id;
    const form = readQaForm(req.body);
    const parsed = checkForm(qaSchema, qaFormToBody(form));
    if (parsed.errors) return qaPage(reply, actor, id, form, pageErrors(parsed.errors, QA_ERRORS));
    await review.qa(actor, id, parsed.data);
    return reply.redirect(`/referrals/${id}`);
  });

  /* Intelligence record --------------------------------------------------------------------- */

  async function intelligencePage(
    reply: FastifyReply,
    actor: Actor,
    id: string,
    forceReference?: string,
    errs: PageError[] = [],
    saved = false,
  ) {
    const record = await review.intelligence(actor, id);
    const context = {
      pageTitle: `Intelligence record for ${record.reference}`,
      record,
      protectiveMarking: PROTECTIVE_MARKING,
      forceReference: forceReference ?? record.forceReference ?? '',
      canRecordReference: mayRecordIntelligenceReference(actor),
      saved,
      limits: LIMITS,
      backLink: `/referrals/${id}`,
    };
    return renderForm(reply, view('intelligence'), context, errs);
  }

  app.get<Id & { Querystring: { saved?: string } }>(
    '/referrals/:id/intelligence',
    { config: { roles: INTELLIGENCE_READERS } },
    async (req, reply) => intelligencePage(reply, actorOf(req), req.params.id, undefined, [], req.query.saved === '1'),
  );

  app.post<Id>('/referrals/:id/intelligence/reference', { config: { roles: INTELLIGENCE_RECORDERS } }, async (req, reply) => {
    const actor = actorOf(req);
    const value = field(req.body, 'forceReference');
    const parsed = checkForm(forceReferenceSchema, { forceReference: value });
    if (parsed.errors) return intelligencePage(reply, actor, req.params.id, value, parsed.errors);
    await review.recordForceReference(actor, req.params.id, parsed.data.forceReference);
    return reply.redirect(`/referrals/${req.params.id}/intelligence?saved=1`);
  });
};

export default reviewPages;
