import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { Services } from '../../services.js';
import { checkForm, field, renderForm, type PageError } from '../../views/forms.js';
import { draftNeedsSafeguarding, INTAKE, questionDraft, saveDraft } from './referrals.intake-draft.js';
import { REFERRAL_SUBMITTERS } from './referrals.policy.js';
import { LIMITS, safeguardingSchema } from './referrals.schemas.js';
import { SAFEGUARDING_ACTIONS, type SafeguardingAction } from '../../domain/vocabulary.js';

const view = 'modules/referrals/views/safeguarding.njk';

/** The choices as a requester reads them (the unit's pages use SAFEGUARDING_ACTION_TEXT). */
const CHOICE_TEXT: Record<SafeguardingAction, string> = {
  referred: 'I have referred this to a safeguarding team',
  already_known: 'The child is already known to a safeguarding team',
  not_needed: 'A safeguarding referral is not needed',
};

/**
 * DESIGN.md "Safeguarding (children and exploitation)": when the requester adds a subject under
 * 18, the intake asks what has been done to keep the child safe. The API keeps the answer optional
 * (a new required field would break the contract); these pages ask it and check your answers
 * wants it before sending. One question page, with a plain textarea: it works without JavaScript.
 */
const intakeSafeguarding: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  const roles = REFERRAL_SUBMITTERS;
  type Form = { action: string; detail: string };

  const page = (reply: FastifyReply, values: Form, errs: PageError[] = []) =>
    renderForm(
      reply,
      view,
      {
        values,
        choices: SAFEGUARDING_ACTIONS.map((value) => ({ value, text: CHOICE_TEXT[value], checked: values.action === value })),
        maxlength: LIMITS.safeguardingDetail,
        backLink: INTAKE.subjects,
      },
      errs,
    );

  app.get(INTAKE.safeguarding, { config: { roles } }, async (req, reply) => {
    const d = questionDraft(req);
    if (!draftNeedsSafeguarding(d)) return reply.redirect(d.subjects.length ? INTAKE.subjects : INTAKE.hasSubjects);
    return page(reply, { action: d.safeguarding?.action ?? '', detail: d.safeguarding?.detail ?? '' });
  });

  app.post(INTAKE.safeguarding, { config: { roles } }, async (req, reply) => {
    const values: Form = { action: field(req.body, 'action'), detail: field(req.body, 'detail') };
    const r = checkForm(safeguardingSchema, { action: values.action || undefined, detail: values.detail });
    if (r.errors) return page(reply, values, r.errors);
    const d = questionDraft(req);
    await saveDraft(services, req, { ...d, safeguarding: r.data });
    return reply.redirect(d.checked ? INTAKE.check : INTAKE.subjects);
  });
};

export default intakeSafeguarding;
