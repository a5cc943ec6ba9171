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
import { DRAFT_MARKERS, withMarkers, withoutMarkers } from '../../domain/referral-draft.js';
import { Forbidden, InvalidTransition, ValidationFailed, type FieldError } from '../../errors.js';
import { actorOf } from '../../plugins/auth.js';
import type { Services } from '../../services.js';
import { formErrors, zodFields, type PageError } from '../../validation.js';
import { dateFromParts, field, fields, partsOf, type DateParts } from '../referrals/referrals.intake-draft.js';
import { lifecycleStateOf, type ReferralDetail } from '../referrals/referrals.presenter.js';
import { presentSafeguardingPanel } from '../referrals/safeguarding.presenter.js';
import { SAFEGUARDING_ACTION_TEXT } from '../../domain/safeguarding.js';
import { FACTOR_TEXT, FORMAT_TEXT, forceReferenceSchema, LIMITS, qaSchema } from './review.schemas.js';
import { leakWarning } from './review.presenter.js';
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

/** What the review form holds, as typed (so an error re-renders it unchanged). */
type ReviewForm = {
  contentFormat: string;
  factors: Record<string, { checked: boolean; note: string }>;
  researchSummary: string;
  researchReferences: string;
  reviewed: DateParts;
  outcome: string;
  rationale: string;
  platforms: Record<string, { refer: boolean; terms: string[]; draft: string }>;
  safeguarding: { action: string; detail: string };
};

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
    // A referral returned by QA keeps its drafts and review: the form starts from them.
    const drafted = new Map(referral.platformReferrals.map((p) => [p.platform, p]));
    // A review sent again after a QA return starts from the reviewer's last answer, never the requester's.
    const lastAnswer = referral.safeguarding.filter((a) => a.stage === 'review').at(-1);
    const values: ReviewForm = form ?? {
      contentFormat: latest?.contentFormat ?? '',
      factors: Object.fromEntries(
        REVIEW_FACTORS.map((f) => {
          const found = latest?.factors.find((x) => x.factor === f);
          return [f, { checked: !!found, note: found?.note ?? '' }];
        }),
      ),
      researchSummary: latest?.researchSummary ?? '',
      researchReferences: latest?.researchReferences ?? '',
      reviewed: latest ? partsOf(latest.reviewedOn) : partsOf(review.today()),
      outcome: latest?.outcome ?? '',
      rationale: latest?.rationale ?? '',
      platforms: Object.fromEntries(
        platforms.map((p) => {
          const d = drafted.get(p.key);
          return [p.key, { refer: !!d, terms: d?.termsBreached ?? [], draft: d?.draft ?? p.draft }];
        }),
      ),
      safeguarding: { action: lastAnswer?.action ?? '', detail: lastAnswer?.detail ?? '' },
    };
    const { errors, errorList } = formErrors(errs);
    return reply.status(errs.length ? 400 : 200).page(view('review'), {
      pageTitle: `Review and assess ${referral.reference}`,
      referral,
      values,
      errors,
      errorList,
      limits: LIMITS,
      markers: DRAFT_MARKERS,
      backLink: `/referrals/${id}`,
      formats: CONTENT_FORMATS.map((f) => ({ value: f, text: FORMAT_TEXT[f], checked: values.contentFormat === f })),
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
    });
  }

  app.get<Id>('/referrals/:id/review', { config: { roles: REVIEWERS } }, async (req, reply) =>
    reviewPage(reply, actorOf(req), req.params.id),
  );

  /** The review form as posted: by the form itself, or by the preview page's hidden copy of it. */
  function postedForm(b: unknown, platforms: { key: string }[]): ReviewForm {
    return {
      contentFormat: field(b, 'contentFormat'),
      factors: Object.fromEntries(
        REVIEW_FACTORS.map((f) => [f, { checked: fields(b, 'factors').includes(f), note: field(b, `note_${f}`) }]),
      ),
      researchSummary: field(b, 'researchSummary'),
      researchReferences: field(b, 'researchReferences'),
      reviewed: { day: field(b, 'reviewedOn-day'), month: field(b, 'reviewedOn-month'), year: field(b, 'reviewedOn-year') },
      outcome: field(b, 'outcome'),
      rationale: field(b, 'rationale'),
      platforms: Object.fromEntries(
        platforms.map((p) => [
          p.key,
          { refer: field(b, `refer_${p.key}`) === 'yes', terms: fields(b, `terms_${p.key}`), draft: field(b, `draft_${p.key}`) },
        ]),
      ),
      safeguarding: { action: field(b, 'safeguardingAction'), detail: field(b, 'safeguardingDetail') },
    };
  }

  /** The same form as hidden fields, for the preview page to post back ("Change" or "Send to QA"). */
  const hiddenFields = (form: ReviewForm) => [
    { name: 'contentFormat', value: form.contentFormat },
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

  /**
   * Two steps without JavaScript (issue 10): the form posts to a preview of what QA and each
   * platform will get ("Preview and send to QA"); the preview posts the same values back with
   * `step=send` to record the review, or `step=change` to return to the form as it was.
   */
  app.post<Id>('/referrals/:id/review', { config: { roles: REVIEWERS } }, async (req, reply) => {
    const actor = actorOf(req);
    const id = req.params.id;
    const step = field(req.body, 'step');
    const { platforms } = await review.draftsForPage(id);
    const form = postedForm(req.body, platforms);
    if (step === 'change') return reviewPage(reply, actor, id, form);
    const date = dateFromParts('reviewedOn', form.reviewed, 'The date of the review');
    if (date.error) return reviewPage(reply, actor, id, form, [date.error]);
    // Platforms are sent only for refer; for no further action the ticks are ignored (SOP 8.6.2).
    const referred = form.outcome === 'refer' ? platforms.filter((p) => form.platforms[p.key]!.refer) : [];
    const body = {
      contentFormat: form.contentFormat || undefined,
      factors: REVIEW_FACTORS.filter((f) => form.factors[f]!.checked).map((f) => ({ factor: f, note: form.factors[f]!.note })),
      researchSummary: form.researchSummary,
      researchReferences: form.researchReferences || undefined,
      reviewedOn: date.value ?? '',
      outcome: form.outcome || undefined,
      rationale: form.rationale,
      platformReferrals: referred.map((p) => ({
        platform: p.key,
        termsBreached: form.platforms[p.key]!.terms,
        // The form shows "[the terms you tick above]" where the template says {{termsBreached}}.
        draft: withoutMarkers(form.platforms[p.key]!.draft),
      })),
      // Sent when either part is filled in; left blank, the service says whether it was needed.
      safeguarding:
        form.safeguarding.action || form.safeguarding.detail.trim()
          ? { action: form.safeguarding.action || undefined, detail: form.safeguarding.detail }
          : undefined,
    };
    // Field paths of the API → the form's ids.
    const toPage = (errs: FieldError[]): PageError[] =>
      errs.map((e) => {
        const pr = /^platformReferrals\[(\d+)\](?:\.(\w+))?/.exec(e.path);
        if (pr) {
          const key = referred[Number(pr[1])]?.key ?? platforms[0]?.key;
          const part = pr[2] === 'draft' ? 'draft' : pr[2] === 'termsBreached' ? 'terms' : 'refer';
          return { ...e, path: `${part}_${key}` };
        }
        if (e.path === 'platformReferrals') return { ...e, path: `refer_${platforms[0]?.key ?? ''}` };
        const factor = /^factors\[(\d+)\]\.note$/.exec(e.path);
        if (factor) return { ...e, path: `note_${body.factors[Number(factor[1])]?.factor ?? ''}` };
        if (e.path.startsWith('factors')) return { ...e, path: 'factors' };
        if (e.path === 'reviewedOn') return { ...e, href: '#reviewedOn-day' };
        if (e.path === 'safeguarding' || e.path === 'safeguarding.action') return { ...e, path: 'safeguardingAction' };
        if (e.path === 'safeguarding.detail') return { ...e, path: 'safeguardingDetail' };
        return e;
      });
    const parsed = review.schemas().review.safeParse(body);
    if (!parsed.success) return reviewPage(reply, actor, id, form, toPage(zodFields(parsed.error)));
    try {
      if (step !== 'send') {
        // The preview shows no subjects: reading for it is not a consultation (issue 10).
        const referral = await services.referrals.forCasework(actor, id);
        refuseUnlessAllowed(referral, actor, { kind: 'review', outcome: parsed.data.outcome, platforms: referred.map((p) => p.key) });
        const drafts = await review.preview(id, parsed.data);
        return reply.page(view('review-preview'), {
          pageTitle: `Check the review of ${referral.reference}`,
          referral,
          review: {
            contentFormatText: FORMAT_TEXT[parsed.data.contentFormat],
            factors: parsed.data.factors.map((f) => ({ text: FACTOR_TEXT[f.factor as (typeof REVIEW_FACTORS)[number]], note: f.note })),
            researchSummary: parsed.data.researchSummary,
            researchReferences: parsed.data.researchReferences ?? null,
            outcome: parsed.data.outcome,
            rationale: parsed.data.rationale,
            reviewedOn: parsed.data.reviewedOn,
          },
          drafts,
          hidden: hiddenFields(form),
        });
      }
      await review.review(actor, id, parsed.data);
    } catch (err) {
      if (err instanceof ValidationFailed) return reviewPage(reply, actor, id, form, toPage(err.fields));
      throw err;
    }
    return reply.redirect(`/referrals/${id}?reviewed=${parsed.data.outcome === 'refer' ? 'qa' : 'nfa'}`);
  });

  /* Quality assurance ----------------------------------------------------------------------- */

  type QaForm = Record<
    'decision' | 'comment' | 'summary' | 'sourceEvaluation' | 'intelligenceAssessment' | 'handlingCode' | 'handlingConditions',
    string
  >;

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
    const { errors, errorList } = formErrors(errs);
    return reply.status(errs.length ? 400 : 200).page(view('qa'), {
      pageTitle: `Quality assure ${referral.reference}`,
      referral,
      review: latest,
      safeguardingPanel: presentSafeguardingPanel(referral),
      values,
      errors,
      errorList,
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
    });
  }

  app.get<Id>('/referrals/:id/qa', { config: { roles: QA_ROLES } }, async (req, reply) => qaPage(reply, actorOf(req), req.params.id));

  app.post<Id>('/referrals/:id/qa', { config: { roles: QA_ROLES } }, async (req, reply) => {
    const actor = actorOf(req);
    const id = req.params.id;
    const b = req.body;
    const form = Object.fromEntries(
      ['decision', 'comment', 'summary', 'sourceEvaluation', 'intelligenceAssessment', 'handlingCode', 'handlingConditions'].map((k) => [
        k,
        field(b, k),
      ]),
    ) as QaForm;
    const body = {
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
    };
    const toPage = (errs: FieldError[]): PageError[] => errs.map((e) => ({ ...e, path: e.path.replace(/^intelligence\./, '') }));
    const parsed = qaSchema.safeParse(body);
    if (!parsed.success) return qaPage(reply, actor, id, form, toPage(zodFields(parsed.error)));
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
    const { errors, errorList } = formErrors(errs);
    return reply.status(errs.length ? 400 : 200).page(view('intelligence'), {
      pageTitle: `Intelligence record for ${record.reference}`,
      record,
      protectiveMarking: PROTECTIVE_MARKING,
      forceReference: forceReference ?? record.forceReference ?? '',
      canRecordReference: mayRecordIntelligenceReference(actor),
      saved,
      errors,
      errorList,
      limits: LIMITS,
      backLink: `/referrals/${id}`,
    });
  }

  app.get<Id & { Querystring: { saved?: string } }>(
    '/referrals/:id/intelligence',
    { config: { roles: INTELLIGENCE_READERS } },
    async (req, reply) => intelligencePage(reply, actorOf(req), req.params.id, undefined, [], req.query.saved === '1'),
  );

  app.post<Id>('/referrals/:id/intelligence/reference', { config: { roles: INTELLIGENCE_RECORDERS } }, async (req, reply) => {
    const actor = actorOf(req);
    const value = field(req.body, 'forceReference');
    const parsed = forceReferenceSchema.safeParse({ forceReference: value });
    if (!parsed.success) return intelligencePage(reply, actor, req.params.id, value, zodFields(parsed.error));
    await review.recordForceReference(actor, req.params.id, parsed.data.forceReference);
    return reply.redirect(`/referrals/${req.params.id}/intelligence?saved=1`);
  });
};

export default reviewPages;
