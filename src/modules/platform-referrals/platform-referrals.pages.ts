import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Actor } from '../../domain/actor.js';
import { allowedPlatformActions, type PlatformActionKind } from '../../domain/lifecycle.js';
import { InvalidTransition, NotFound, ValidationFailed } from '../../errors.js';
import { actorOf } from '../../plugins/auth.js';
import type { Services } from '../../services.js';
import { formErrors, zodFields, type PageError } from '../../validation.js';
import { dateFromParts, field, partsOf, type DateParts } from '../referrals/referrals.intake-draft.js';
import { lifecycleStateOf } from '../referrals/referrals.presenter.js';
import { PLATFORM_STEP_ROLES } from './platform-referrals.policy.js';
import { londonTimeToUtc } from '../../domain/dates.js';
import { timeOfDay } from './platform-referrals.schemas.js';
import { CHANNELS } from '../../domain/vocabulary.js';

type Params = { Params: { id: string; platform: string } };
const config = { roles: PLATFORM_STEP_ROLES };
const view = (name: string) => `modules/platform-referrals/views/${name}.njk`;
const CHANNEL_TEXT: Record<(typeof CHANNELS)[number], string> = {
  trusted_flagger: 'Trusted Flagger portal',
  mailbox: 'Mailbox',
  individual: 'Named individual',
};

/** A date field's error links to the date input's day box; a missing or bad part, to that part. */
const dateError = (path: string, e: PageError): PageError => (e.path === path && !e.href ? { ...e, href: `#${path}-day` } : e);
const dateParts = (body: unknown, path: string): DateParts => ({
  day: field(body, `${path}-day`),
  month: field(body, `${path}-month`),
  year: field(body, `${path}-year`),
});

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
    reply.status(errs.length ? status : 200).page(view(kind), {
      referral: ctx.referral,
      platform: ctx.entry,
      pr: ctx.pr,
      values,
      action: `/referrals/${ctx.referral.id}/platform-referrals/${ctx.entry.key}/${kind}`,
      backLink: `/referrals/${ctx.referral.id}`,
      channelText: CHANNEL_TEXT,
      channels: CHANNELS,
      ...formErrors(errs),
    });

  /** Applies the step; a refusal the form can explain goes back to the form. */
  async function apply(
    req: FastifyRequest<Params>,
    reply: FastifyReply,
    kind: PlatformActionKind,
    ctx: Awaited<ReturnType<typeof load>>,
    values: Record<string, unknown>,
    firstField: string,
    run: () => Promise<unknown>,
  ) {
    try {
      await run();
    } catch (err) {
      if (err instanceof ValidationFailed)
        return render(
          reply,
          kind,
          ctx,
          values,
          err.fields.map((e) => dateError('submittedAt', dateError('decidedOn', e))),
        );
      // e.g. a decision dated before the submission: said against the form's first field.
      if (err instanceof InvalidTransition) return render(reply, kind, ctx, values, [{ path: firstField, message: err.message }], 409);
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
    const parts = dateParts(req.body, 'submittedAt');
    const values = {
      channel: field(req.body, 'channel'),
      submittedAt: parts,
      submittedTime: field(req.body, 'submittedTime'),
      externalReference: field(req.body, 'externalReference'),
    };
    const errs: PageError[] = [];
    const date = dateFromParts('submittedAt', parts, 'The date the referral was sent');
    if (date.error) errs.push(date.error);
    else if (!date.value) errs.push({ path: 'submittedAt', message: 'Enter the date the referral was sent', href: '#submittedAt-day' });
    const time = timeOfDay(values.submittedTime);
    if (!time) errs.push({ path: 'submittedTime', message: 'Enter the time the referral was sent, for example 14:30' });
    const submittedAt = date.value && time ? londonTimeToUtc(date.value, time) : null;
    const r = steps.schemas().submission.safeParse({
      channel: values.channel,
      submittedAt: submittedAt ?? new Date(0).toISOString(),
      externalReference: values.externalReference,
    });
    if (!r.success) errs.push(...zodFields(r.error).map((e) => dateError('submittedAt', e)));
    if (errs.length || !r.success)
      return render(reply, 'submission', ctx, values, orderBy(errs, ['channel', 'submittedAt', 'submittedTime', 'externalReference']));
    return apply(req, reply, 'submission', ctx, values, 'channel', () =>
      steps.recordSubmission(actorOf(req), req.params.id, req.params.platform, r.data),
    );
  });

  // SOP 10.6, and after an appeal (10.7) the final decision: removed or upheld.
  app.get<Params>('/referrals/:id/platform-referrals/:platform/decision', { config }, async (req, reply) => {
    const ctx = await load(actorOf(req), req.params.id, req.params.platform, 'decision');
    return render(reply, 'decision', ctx, { decidedOn: partsOf(undefined) });
  });
  app.post<Params>('/referrals/:id/platform-referrals/:platform/decision', { config }, async (req, reply) => {
    const ctx = await load(actorOf(req), req.params.id, req.params.platform, 'decision');
    const parts = dateParts(req.body, 'decidedOn');
    const values = { outcome: field(req.body, 'outcome'), decidedOn: parts };
    const errs: PageError[] = [];
    const date = dateFromParts('decidedOn', parts, 'The date of the decision');
    if (date.error) errs.push(date.error);
    const r = steps
      .schemas()
      .decision.safeParse({ outcome: values.outcome || undefined, decidedOn: date.value ?? (date.error ? '2000-01-01' : '') });
    if (!r.success) errs.push(...zodFields(r.error).map((e) => dateError('decidedOn', e)));
    if (errs.length || !r.success) return render(reply, 'decision', ctx, values, orderBy(errs, ['outcome', 'decidedOn']));
    return apply(req, reply, 'decision', ctx, values, 'decidedOn', () =>
      steps.recordDecision(actorOf(req), req.params.id, req.params.platform, r.data),
    );
  });

  // SOP 10.7: appeal, or record why not.
  app.get<Params>('/referrals/:id/platform-referrals/:platform/appeal', { config }, async (req, reply) => {
    const ctx = await load(actorOf(req), req.params.id, req.params.platform, 'appeal');
    return render(reply, 'appeal', ctx, {});
  });
  app.post<Params>('/referrals/:id/platform-referrals/:platform/appeal', { config }, async (req, reply) => {
    const ctx = await load(actorOf(req), req.params.id, req.params.platform, 'appeal');
    const values = { appeal: field(req.body, 'appeal'), reason: field(req.body, 'reason') };
    const appeal = values.appeal === 'yes' ? true : values.appeal === 'no' ? false : undefined;
    const r = steps.schemas().appeal.safeParse({ appeal, reason: values.reason });
    if (!r.success) return render(reply, 'appeal', ctx, values, orderBy(zodFields(r.error), ['appeal', 'reason']));
    return apply(req, reply, 'appeal', ctx, values, 'appeal', () =>
      steps.recordAppeal(actorOf(req), req.params.id, req.params.platform, r.data),
    );
  });
};

/** Errors in the order the fields appear on the page. */
function orderBy(errs: PageError[], order: string[]) {
  return [...errs].sort((a, b) => order.indexOf(a.path) - order.indexOf(b.path));
}

export default platformReferralsPages;
