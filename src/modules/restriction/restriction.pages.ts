import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { Actor } from '../../domain/actor.js';
import { InvalidTransition, ValidationFailed } from '../../errors.js';
import { actorOf } from '../../plugins/auth.js';
import type { Services } from '../../services.js';
import { attempt, checkForm, field, renderForm, type PageError } from '../../views/forms.js';
import { pageRange, pagination } from '../../views/pagination.js';
import { RESTRICTORS } from './restriction.policy.js';
import { RESTRICTION_LIMITS, reasonSchema, referenceSchema } from './restriction.schemas.js';

const view = (name: string) => `modules/restriction/views/${name}.njk`;
type ReferralId = { Params: { id: string } };
const PAGE_SIZE = 25;
const CONFIRM = { path: 'confirm', message: 'Confirm that you have checked the reference and the reason' };

/**
 * The auditor's restriction pages (DPA 2018 s.47; issue 15 point 2): the referrals restricted now,
 * a reference to find one by, and a referral's page with its restrictions and the form to restrict
 * or release it, with a reason and a confirmation. The same service as the API.
 */
const restrictionPages: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  const restriction = services.restriction;

  app.get('/restrictions', { config: { roles: RESTRICTORS } }, async (req, reply) => {
    const raw = req.query as Record<string, unknown>;
    const page = Math.max(1, Math.min(10_000, Number.parseInt(field(raw, 'page'), 10) || 1));
    const result = await restriction.list(actorOf(req), page, PAGE_SIZE);
    const errs: PageError[] = [];
    const reference = field(raw, 'reference');
    if (field(raw, 'find') !== '') {
      const parsed = checkForm(referenceSchema, { reference });
      if (parsed.errors) errs.push(...parsed.errors);
      else {
        const id = await restriction.idOf(parsed.data.reference);
        if (id) return reply.redirect(`/referrals/${id}/restriction`);
        errs.push({ path: 'reference', message: 'There is no referral with this reference' });
      }
    }
    return renderForm(
      reply,
      view('restrictions'),
      {
        pageTitle: 'Restricted referrals',
        reference,
        limits: RESTRICTION_LIMITS,
        result,
        range: pageRange(result.page, result.pageSize, result.total),
        pagination: pagination(result.page, result.pageSize, result.total, (n) => `/restrictions?page=${n}`),
      },
      errs,
    );
  });

  async function referralPage(reply: FastifyReply, actor: Actor, id: string, form: { reason?: string; errors?: PageError[] } = {}) {
    const state = await restriction.state(actor, id);
    return renderForm(
      reply,
      view('referral'),
      {
        pageTitle: `Restriction of ${state.reference}`,
        state,
        reason: form.reason ?? '',
        limits: RESTRICTION_LIMITS,
        done: field(reply.request.query, 'done'),
        backLink: '/restrictions',
      },
      form.errors ?? [],
    );
  }

  app.get<ReferralId>('/referrals/:id/restriction', { config: { roles: RESTRICTORS } }, async (req, reply) =>
    referralPage(reply, actorOf(req), req.params.id),
  );

  for (const [path, act, done] of [
    ['/referrals/:id/restriction', restriction.restrict, 'restricted'],
    ['/referrals/:id/restriction/release', restriction.release, 'released'],
  ] as const) {
    app.post<ReferralId>(path, { config: { roles: RESTRICTORS } }, async (req, reply) => {
      const actor = actorOf(req);
      const id = req.params.id;
      const reason = field(req.body, 'reason');
      const parsed = checkForm(reasonSchema, { reason });
      const errs: PageError[] = [...(parsed.errors ?? []), ...(field(req.body, 'confirm') === 'yes' ? [] : [CONFIRM])];
      if (errs.length || !parsed.data) return referralPage(reply, actor, id, { reason, errors: errs });
      // Already restricted (or not): the 409's message shown on the form, as a field error.
      const result = await attempt(() =>
        act(actor, id, parsed.data.reason).catch((err: unknown) => {
          throw err instanceof InvalidTransition ? new ValidationFailed([{ path: 'reason', message: err.message }]) : err;
        }),
      );
      if (result.errors) return referralPage(reply, actor, id, { reason, errors: result.errors });
      return reply.redirect(`/referrals/${id}/restriction?done=${done}`);
    });
  }
};

export default restrictionPages;
