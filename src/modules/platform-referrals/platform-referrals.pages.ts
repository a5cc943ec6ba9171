import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodType } from 'zod';
import { CHANNELS } from '../../domain/vocabulary.js';
import type { Actor } from '../../domain/actor.js';
import { allowedPlatformActions, type PlatformActionKind } from '../../domain/lifecycle.js';
import { InvalidTransition, NotFound } from '../../errors.js';
import { actorOf } from '../../plugins/auth.js';
import type { Services } from '../../services.js';
import { attempt, checkForm, pageErrors, partsOf, renderForm, type PageError } from '../../views/forms.js';
import { lifecycleStateOf } from '../referrals/referrals.presenter.js';
import { PLATFORM_STEP_ROLES } from './platform-referrals.policy.js';
import {
  appealFormToBody,
  decisionFormToBody,
  readAppealForm,
  readDecisionForm,
  readSubmissionForm,
  STEP_ERRORS,
  submissionFormToBody,
} from './platform-referrals.form.js';

type Params = { Params: { id: string; platform: string } };
const config = { roles: PLATFORM_STEP_ROLES };
const view = (name: string) => `modules/platform-referrals/views/${name}.njk`;
const CHANNEL_TEXT: Record<(typeof CHANNELS)[number], string> = {
  trusted_flagger: 'Trusted Flagger portal',
  mailbox: 'Mailbox',
  individual: 'Named individual',
};

/**
 * The forms for one platform referral's steps (SOP 10.5-10.7): GET shows the form, POST applies
 * the step through the same service as the API and returns to the referral with a banner; errors
 * re-render the form with the GOV.UK error summary. A step the state does not allow is 409.
 */
const platformReferralsPages: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  const steps = services.platformReferrals;

  /** The referral, the platform's directory entry and its platform referral, if this step is open to this person now. */
  async function load(actor: Actor, id: string, platform: string, kind: PlatformActionKind) {
    const entry = (await services.platforms.list()).find((p) => p.key === platform);
    if (!entry) throw new NotFound(`${platform} is not a platform in the directory`);
    // The forms show no subjects: reading for them is not a consultation (issue 10).
    const referral = await services.referrals.forCasework(actor, id);
    const pr = referral.platformReferrals.find((p) => p.platform === platform);
    if (!pr || !allowedPlatformActions(lifecycleStateOf(referral), actor, platform).includes(kind))
      throw new InvalidTransition(`The ${entry.name} referral cannot take that step now`);
    return { referral, entry, pr };
  }

  const render = (
    reply: FastifyReply,
    kind: PlatformActionKind,
    ctx: Awaited<ReturnType<typeof load>>,
    values: Record<string, unknown>,
    errs: PageError[] = [],
    status = 400,
  ) =>
    renderForm(
      reply,
      view(kind),
      {
        referral: ctx.referral,
        platform: ctx.entry,
        pr: ctx.pr,
        values,
        action: `/referrals/${ctx.referral.id}/platform-referrals/${ctx.entry.key}/${kind}`,
        backLink: `/referrals/${ctx.referral.id}`,
        channelText: CHANNEL_TEXT,
        channels: CHANNELS,
      },
      errs,
      status,
    );

  /**
   * Validates the step's body with the API's schema and applies it; the form's own errors, the
   * schema's and the service's go back to the form, in page order. A refusal the form can explain
   * (e.g. a decision dated before the submission) is said against `refusedField`, with a 409.
   */
  async function apply<T>(
    req: FastifyRequest<Params>,
    reply: FastifyReply,
    ctx: Awaited<ReturnType<typeof load>>,
    step: { kind: PlatformActionKind; values: Record<string, unknown>; body: unknown; errors: PageError[]; refusedField: string },
    schema: ZodType<T>,
    run: (input: T) => Promise<unknown>,
  ) {
    const { kind, values } = step;
    const map = STEP_ERRORS[kind];
    const r = checkForm(schema, step.body);
    if (step.errors.length || r.errors) return render(reply, kind, ctx, values, pageErrors([...step.errors, ...(r.errors ?? [])], map));
    try {
      const done = await attempt(() => run(r.data));
      if (done.errors) return render(reply, kind, ctx, values, pageErrors(done.errors, map));
    } catch (err) {
      if (err instanceof InvalidTransition)
        return render(reply, kind, ctx, values, [{ path: step.refusedField, message: err.message }], 409);
      throw err;
    }
    return reply.redirect(`/referrals/${req.params.id}?platformDone=${kind}`, 303);
  }

  // SOP 10.5: submission. The channel starts from the directory's; the time is London time.
  app.get<Params>('/referrals/:id/platform-referrals/:platform/submission', { config }, async (req, reply) => {
    const ctx = await load(actorOf(req), req.params.id, req.params.platform, 'submission');
    return render(reply, 'submission', ctx, { channel: ctx.entry.channel, submittedAt: { day: '', month: '', year: '' } });
  });
  app.post<Params>('/referrals/:id/platform-referrals/:platform/submission', { config }, async (req, reply) => {
    const ctx = await load(actorOf(req), req.params.id, req.params.platform, 'submission');
    const values = readSubmissionForm(req.body);
    const step = { kind: 'submission' as const, values, refusedField: 'channel', ...submissionFormToBody(values) };
    return apply(req, reply, ctx, step, steps.schemas().submission, (input) =>
      steps.recordSubmission(actorOf(req), req.params.id, req.params.platform, input),
    );
  });

  // SOP 10.6, and after an appeal (10.7) the final decision: removed or upheld.
  app.get<Params>('/referrals/:id/platform-referrals/:platform/decision', { config }, async (req, reply) => {
    const ctx = await load(actorOf(req), req.params.id, req.params.platform, 'decision');
    return render(reply, 'decision', ctx, { decidedOn: partsOf(undefined) });
  });
  app.post<Params>('/referrals/:id/platform-referrals/:platform/decision', { config }, async (req, reply) => {
    const ctx = await load(actorOf(req), req.params.id, req.params.platform, 'decision');
    const values = readDecisionForm(req.body);
    const step = { kind: 'decision' as const, values, refusedField: 'decidedOn', ...decisionFormToBody(values) };
    return apply(req, reply, ctx, step, steps.schemas().decision, (input) =>
      steps.recordDecision(actorOf(req), req.params.id, req.params.platform, input),
    );
  });

  // SOP 10.7: appeal, or record why not.
  app.get<Params>('/referrals/:id/platform-referrals/:platform/appeal', { config }, async (req, reply) => {
    const ctx = await load(actorOf(req), req.params.id, req.params.platform, 'appeal');
    return render(reply, 'appeal', ctx, {});
  });
  app.post<Params>('/referrals/:id/platform-referrals/:platform/appeal', { config }, async (req, reply) => {
    const ctx = await load(actorOf(req), req.params.id, req.params.platform, 'appeal');
    const values = readAppealForm(req.body);
    const step = { kind: 'appeal' as const, values, refusedField: 'appeal', ...appealFormToBody(values) };
    return apply(req, reply, ctx, step, steps.schemas().appeal, (input) =>
      steps.recordAppeal(actorOf(req), req.params.id, req.params.platform, input),
    );
  });
};

export default platformReferralsPages;
