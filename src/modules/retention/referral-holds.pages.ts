import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { Actor } from '../../domain/actor.js';
import { actorOf } from '../../plugins/auth.js';
import type { Services } from '../../services.js';
import { attempt, checkForm, field, pageErrors, renderForm } from '../../views/forms.js';
import { HOLDERS, mayHold } from '../library/library.policy.js';
import { LIBRARY_LIMITS, releaseSchema } from '../library/library.schemas.js';
import { HOLD_ORDER, holdFormValues, KEEP_MAP, readHoldForm, readKeepForm, RELEASE_MAP, type HoldForms } from './hold-forms.js';

const view = (name: string) => `modules/retention/views/${name}.njk`;
type Id = { Params: { id: string } };

/**
 * A closed referral's hold page (CPIA 1996; SOP 2.2, DPA 2018 s.39; issue 15 point 1; decision 022):
 * when it is deleted, its hold, and the forms to hold, keep (review) and release, the release after a
 * confirmation. Linked from the referral's page; sergeants and inspectors. The same service as the API.
 */
const referralHoldPages: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  const holds = services.referralHolds;

  async function holdPage(reply: FastifyReply, actor: Actor, id: string, forms: HoldForms = {}) {
    const record = await holds.get(actor, id);
    return renderForm(
      reply,
      view('referral-hold'),
      {
        pageTitle: `Retention of ${record.reference}`,
        record,
        mayHold: mayHold(actor) && record.closedAt !== null,
        ...holdFormValues(forms),
        limits: LIBRARY_LIMITS,
        done: field(reply.request.query, 'done'),
        backLink: `/referrals/${record.id}`,
      },
      forms.errors ?? [],
    );
  }

  app.get<Id>('/referrals/:id/hold', { config: { roles: HOLDERS } }, async (req, reply) => holdPage(reply, actorOf(req), req.params.id));

  app.post<Id>('/referrals/:id/hold', { config: { roles: HOLDERS } }, async (req, reply) => {
    const actor = actorOf(req);
    const id = req.params.id;
    const { hold, data, errors } = readHoldForm(req.body, holds.schemas());
    if (!data) return holdPage(reply, actor, id, { hold, errors });
    const done = await attempt(() => holds.place(actor, id, data));
    if (done.errors) return holdPage(reply, actor, id, { hold, errors: pageErrors(done.errors, HOLD_ORDER) });
    return reply.redirect(`/referrals/${id}/hold?done=held`);
  });

  app.post<Id>('/referrals/:id/hold/review', { config: { roles: HOLDERS } }, async (req, reply) => {
    const actor = actorOf(req);
    const id = req.params.id;
    const { keep, data, errors } = readKeepForm(req.body, holds.schemas());
    if (!data) return holdPage(reply, actor, id, { keep, errors });
    const done = await attempt(() => holds.review(actor, id, data));
    if (done.errors) return holdPage(reply, actor, id, { keep, errors: pageErrors(done.errors, KEEP_MAP) });
    return reply.redirect(`/referrals/${id}/hold?done=reviewed`);
  });

  // The release asks first (it may let the sweep delete the referral the next day): the reason, then "Yes, release it".
  app.post<Id>('/referrals/:id/hold/release', { config: { roles: HOLDERS } }, async (req, reply) => {
    const actor = actorOf(req);
    const id = req.params.id;
    const releaseReason = field(req.body, 'reason');
    const parsed = checkForm(releaseSchema, { reason: releaseReason });
    if (parsed.errors) return holdPage(reply, actor, id, { releaseReason, errors: pageErrors(parsed.errors, RELEASE_MAP) });
    if (field(req.body, 'confirm') !== 'yes') {
      const record = await holds.get(actor, id);
      return reply.page(view('referral-hold-release'), { pageTitle: `Release the hold on ${record.reference}?`, record, releaseReason });
    }
    const done = await attempt(() => holds.release(actor, id, parsed.data));
    if (done.errors) return holdPage(reply, actor, id, { releaseReason, errors: pageErrors(done.errors, RELEASE_MAP) });
    return reply.redirect(`/referrals/${id}/hold?done=released`);
  });
};

export default referralHoldPages;
