import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { z } from 'zod';
import type { Actor } from '../../domain/actor.js';
import { allowedActions, allowedPlatformActions, decide } from '../../domain/lifecycle.js';
import { Forbidden, InvalidTransition } from '../../errors.js';
import { actorOf } from '../../plugins/auth.js';
import { pagination } from '../../views/pagination.js';
import { STATUS_TAG } from './referrals.presenter.js';
import type { Services } from '../../services.js';
import { checkForm, field, renderForm, type PageError } from '../../views/forms.js';
import { clauseTitleOf } from '../platforms/platforms.service.js';
import intakePages from './referrals.intake-pages.js';
import { REFERRAL_READERS, REFERRAL_SUBMITTERS } from './referrals.policy.js';
import { ageBandText, LIMITS, withdrawPageSchema, type AgeBand } from './referrals.schemas.js';
import { presentSafeguardingPanel } from './safeguarding.presenter.js';

const view = (name: string) => `modules/referrals/views/${name}.njk`;
const MINE_PAGE_SIZE = 20;
const pageQuery = z.object({ page: z.coerce.number().int().min(1).catch(1).default(1) });

/** Referral pages: the intake question pages, "My referrals" and one referral. */
const referralsPages: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  await app.register(intakePages, { services });

  app.get<{ Querystring: { page?: string } }>('/referrals/mine', { config: { roles: REFERRAL_SUBMITTERS } }, async (req, reply) => {
    const { page } = pageQuery.parse(req.query);
    const result = await services.referrals.mine(actorOf(req), page, MINE_PAGE_SIZE);
    return reply.page(view('mine'), {
      result,
      statusTag: STATUS_TAG,
      pagination: pagination(page, MINE_PAGE_SIZE, result.total, (n) => `/referrals/mine?page=${n}`),
    });
  });

  // Opening a referral with subjects is a logged consultation (the service writes it). A requester
  // with no unit role gets their own view (DESIGN.md "Who sees what"): the unit's panels are not
  // rendered for them, and their `referral` holds none of the unit's working to render anyway.
  app.get<{ Params: { id: string } }>('/referrals/:id', { config: { roles: REFERRAL_READERS } }, async (req, reply) => {
    const actor = actorOf(req);
    const { view: seen, referral, state } = await services.referrals.page(actor, req.params.id);
    const directory = await services.platforms.list();
    const allowed = allowedActions(state, actor);
    return reply.page(view('detail'), {
      ...(seen === 'unit' ? await services.review.panel(referral.id) : {}),
      unitView: seen === 'unit',
      referral,
      // Issue 12: the captures with their hashes, for the unit; part of this page's own reading.
      evidencePanel: seen === 'unit' ? await services.evidence.panel(actor, referral.id) : null,
      // DESIGN.md "Safeguarding": the answers are shown to the unit.
      safeguardingPanel: seen === 'unit' ? presentSafeguardingPanel(referral) : null,
      platformNames: referral.platforms.map((k) => directory.find((p) => p.key === k)?.name ?? k),
      ageBand: (b: AgeBand) => ageBandText(b),
      statusTag: STATUS_TAG,
      canWithdraw: allowed.includes('withdraw'),
      // Issue 15 point 1: a closed referral's retention and hold, for those who may hold it (modules/retention).
      mayHoldReferral: referral.status === 'closed' && req.mayOpen('/referrals/:id/hold'),
      // Which steps this person may take now: pages offer only those (the author never sees Approve, SOP 10.2).
      allowed,
      platformAllowed: Object.fromEntries(
        state.platformReferrals.map((p) => [p.platform, allowedPlatformActions(state, actor, p.platform)]),
      ),
      platformName: (k: string) => directory.find((p) => p.key === k)?.name ?? k,
      clauseTitle: (platform: string, key: string) => clauseTitleOf(directory, platform, key),
      withdrawn: (req.query as { withdrawn?: string }).withdrawn === '1',
      platformDone: (req.query as { platformDone?: string }).platformDone,
      reviewed: (req.query as { reviewed?: string }).reviewed,
    });
  });

  // Withdrawing asks first, with a reason (issue 10): a button on the referral page must not close it at one click.
  async function withdrawPage(reply: FastifyReply, actor: Actor, id: string, reason = '', errs: PageError[] = []) {
    const { referral, state } = await services.referrals.forWithdrawal(actor, id);
    // Offered only while the life cycle would accept it: the same refusal as the API (403/409).
    const d = decide(state, { kind: 'withdraw' }, actor);
    if (!d.ok) throw d.refusal.kind === 'wrong_actor' ? new Forbidden(d.refusal.message) : new InvalidTransition(d.refusal.message);
    const context = {
      pageTitle: `Are you sure you want to withdraw ${referral.reference}?`,
      referral,
      reason,
      limit: LIMITS.withdrawReason,
      backLink: `/referrals/${id}`,
    };
    return renderForm(reply, view('withdraw'), context, errs);
  }

  app.get<{ Params: { id: string } }>('/referrals/:id/withdraw', { config: { roles: REFERRAL_SUBMITTERS } }, async (req, reply) =>
    withdrawPage(reply, actorOf(req), req.params.id),
  );

  app.post<{ Params: { id: string } }>('/referrals/:id/withdraw', { config: { roles: REFERRAL_SUBMITTERS } }, async (req, reply) => {
    const actor = actorOf(req);
    const reason = field(req.body, 'reason');
    const parsed = checkForm(withdrawPageSchema, { reason });
    if (parsed.errors) return withdrawPage(reply, actor, req.params.id, reason, parsed.errors);
    await services.referrals.withdraw(actor, req.params.id, parsed.data.reason);
    return reply.redirect(`/referrals/${req.params.id}?withdrawn=1`);
  });
};

export default referralsPages;
