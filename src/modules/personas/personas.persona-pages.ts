import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { Actor } from '../../domain/actor.js';
import { hasAnyRole } from '../../domain/actor.js';
import { mayAssign, mayAuthorise, mayReveal, mayReview, mayWithdraw, PERSONA_USERS } from '../../domain/personas.js';
import { Forbidden, InvalidTransition, RepeatedViewing } from '../../errors.js';
import { actorOf } from '../../plugins/auth.js';
import type { Services } from '../../services.js';
import { attempt, checkForm, field, pageErrors, renderForm, type PageError } from '../../views/forms.js';
import { listQuerySchema } from '../referrals/referrals.schemas.js';
import {
  ASSIGNERS,
  AUTHORISERS,
  personaRoute,
  REGISTER_READERS,
  REQUESTERS_OF_PERSONAS,
  REVEALERS,
  WITHDRAWERS,
} from './personas.policy.js';
import { assigneeSchema, authorisationSchema, revealSchema, reviewSchema, useFormSchema, withdrawalSchema } from './personas.schemas.js';

const view = (name: string) => `modules/personas/views/${name}.njk`;
type Id = { Params: { id: string } };

type UseForm = {
  purpose: string;
  referralReference: string;
  investigationReference: string;
  subject: string;
  repeatedViewingAnswer: string;
};
type Forms = {
  decision?: { decision: string; reason: string };
  use?: UseForm;
  prompt?: string;
  review?: { necessity: string; proportionality: string; decision: string; reason: string };
  userId?: string;
  errors?: PageError[];
  status?: number;
};

// One page holds every form: each form's fields have names of their own, and errors link to them.
const DECISION_ERRORS = { paths: [['reason', 'decisionReason']] as const, order: ['decision', 'decisionReason'] };
const USE_ERRORS = {
  paths: [
    ['purpose', 'usePurpose'],
    ['referralId', 'referralReference'],
  ] as const,
  order: ['usePurpose', 'referralReference', 'investigationReference', 'subject', 'repeatedViewingAnswer'],
};
const REVIEW_ERRORS = {
  paths: [
    ['decision', 'reviewDecision'],
    ['reason', 'reviewReason'],
  ] as const,
  order: ['necessity', 'proportionality', 'reviewDecision', 'reviewReason'],
};
const REVEAL_ERRORS = { order: ['purpose', 'currentPassword', 'kind'] };

/** A refusal the page shows in its error summary, linked to the form it came from (a 409: overdue review, not assigned). */
const refusal = (err: InvalidTransition | Forbidden, form: string): PageError => ({ path: form, message: err.message, href: `#${form}` });

/**
 * One persona's page (FOI 003; issue 14 points 1-5, 7): its register columns (never a secret),
 * status history, reviews and assignees, and the forms of whoever may act on it; the reveal's
 * form and its one-time answer. The same service as the API.
 */
const personaPages: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  const personas = services.personas;

  async function personaPage(reply: FastifyReply, actor: Actor, id: string, forms: Forms = {}) {
    const persona = await personas.get(actor, id);
    const creator = { creatorId: persona.creator.id };
    const assigned = persona.assignees.some((a) => a.id === actor.id);
    const open = persona.status === 'active' || persona.status === 'suspended';
    const may = {
      decide: persona.status === 'requested' && mayAuthorise(actor, creator),
      use: persona.status === 'active' && assigned && hasAnyRole(actor, PERSONA_USERS),
      review: open && mayReview(actor, creator),
      assign: persona.status !== 'refused' && persona.status !== 'retired' && mayAssign(actor),
      reveal: mayReveal(actor, persona.status, assigned).ok && persona.secrets.length > 0,
      withdraw: persona.status === 'requested' && mayWithdraw(actor, creator),
    };
    const caseWorkers = may.assign ? await personas.assignable(actor) : [];
    const chosen = forms.userId ?? '';
    return renderForm(
      reply,
      view('persona'),
      {
        pageTitle: `${persona.userName} on ${persona.website}`,
        persona,
        may,
        decision: forms.decision ?? { decision: '', reason: '' },
        use: forms.use ?? { purpose: '', referralReference: '', investigationReference: '', subject: '', repeatedViewingAnswer: '' },
        prompt: forms.prompt,
        review: forms.review ?? { necessity: '', proportionality: '', decision: '', reason: '' },
        userItems: [
          { value: '', text: 'Choose a case worker' },
          ...caseWorkers
            .filter((o) => !persona.assignees.some((a) => a.id === o.id))
            .map((o) => ({
              value: o.id,
              text: `${o.name} (${o.roles.includes('sergeant') ? 'sergeant' : 'operative'})`,
              selected: o.id === chosen,
            })),
        ],
        done: field(reply.request.query, 'done'),
        backLink: '/personas',
      },
      forms.errors ?? [],
      forms.status,
    );
  }

  app.get<Id>('/personas/:id', { config: personaRoute(REGISTER_READERS) }, async (req, reply) =>
    personaPage(reply, actorOf(req), req.params.id),
  );

  // FOI 003: an authorising officer who did not ask for it authorises or refuses, with reasons.
  app.post<Id>('/personas/:id/authorisation', { config: personaRoute(AUTHORISERS) }, async (req, reply) => {
    const actor = actorOf(req);
    const id = req.params.id;
    const decision = { decision: field(req.body, 'decision'), reason: field(req.body, 'decisionReason') };
    const parsed = checkForm(authorisationSchema, decision);
    if (parsed.errors) return personaPage(reply, actor, id, { decision, errors: pageErrors(parsed.errors, DECISION_ERRORS) });
    await personas.decide(actor, id, parsed.data);
    return reply.redirect(`/personas/${id}?done=${parsed.data.decision === 'authorise' ? 'authorised' : 'refused'}`);
  });

  // FOI 003's use log, written before the use; RIPA 2000's repeated-viewing prompt answered on the same form.
  app.post<Id>('/personas/:id/uses', { config: personaRoute(REQUESTERS_OF_PERSONAS) }, async (req, reply) => {
    const actor = actorOf(req);
    const id = req.params.id;
    const use: UseForm = {
      purpose: field(req.body, 'usePurpose'),
      referralReference: field(req.body, 'referralReference').trim(),
      investigationReference: field(req.body, 'investigationReference'),
      subject: field(req.body, 'subject'),
      repeatedViewingAnswer: field(req.body, 'repeatedViewingAnswer'),
    };
    const again = (errors: PageError[], extra: Forms = {}) => personaPage(reply, actor, id, { use, errors, ...extra });
    const referral = await referralIdOf(actor, use.referralReference);
    if (referral.error) return again([referral.error]);
    const parsed = checkForm(useFormSchema, {
      purpose: use.purpose,
      referralId: referral.id,
      investigationReference: use.investigationReference,
      subject: use.subject,
      repeatedViewingAnswer: use.repeatedViewingAnswer || undefined,
    });
    if (parsed.errors) return again(pageErrors(parsed.errors, USE_ERRORS));
    try {
      const done = await attempt(() => personas.recordUse(actor, id, parsed.data));
      if (done.errors) return again(pageErrors(done.errors, USE_ERRORS));
    } catch (err) {
      if (err instanceof RepeatedViewing) {
        const question = {
          path: 'repeatedViewingAnswer',
          message: 'Answer whether a directed surveillance authorisation is in place or not needed',
        };
        return again([question], { prompt: err.repeatedViewing.prompt, status: 409 });
      }
      if (err instanceof InvalidTransition) return again([refusal(err, 'use-form')], { status: 409 });
      throw err;
    }
    return reply.redirect(`/personas/${id}?done=used`);
  });

  /** A referral reference as typed (any case, leading zeros optional) → the referral's id, if the caller can see it. */
  async function referralIdOf(actor: Actor, reference: string): Promise<{ id?: string; error?: PageError }> {
    if (!reference) return {};
    const q = listQuerySchema.safeParse({ reference, page: '1', pageSize: '1' });
    const notFound: PageError = { path: 'referralReference', message: 'No referral has that reference: enter one like OHRT-2026-000123' };
    if (!q.success) return { error: notFound };
    const found = await services.referrals.list(actor, q.data);
    return found.items[0] ? { id: found.items[0].id } : { error: notFound };
  }

  // FOI 003: the periodic review of necessity and proportionality.
  app.post<Id>('/personas/:id/reviews', { config: personaRoute(AUTHORISERS) }, async (req, reply) => {
    const actor = actorOf(req);
    const id = req.params.id;
    const review = {
      necessity: field(req.body, 'necessity'),
      proportionality: field(req.body, 'proportionality'),
      decision: field(req.body, 'reviewDecision'),
      reason: field(req.body, 'reviewReason'),
    };
    const parsed = checkForm(reviewSchema, review);
    if (parsed.errors) return personaPage(reply, actor, id, { review, errors: pageErrors(parsed.errors, REVIEW_ERRORS) });
    await personas.review(actor, id, parsed.data);
    return reply.redirect(`/personas/${id}?done=reviewed`);
  });

  app.post<Id>('/personas/:id/assignees', { config: personaRoute(ASSIGNERS) }, async (req, reply) => {
    const actor = actorOf(req);
    const id = req.params.id;
    const userId = field(req.body, 'userId');
    const parsed = checkForm(assigneeSchema, { userId });
    const done = parsed.errors ? parsed : await attempt(() => personas.assign(actor, id, parsed.data.userId));
    if (done.errors) return personaPage(reply, actor, id, { userId, errors: pageErrors(done.errors) });
    return reply.redirect(`/personas/${id}?done=assigned`);
  });

  /* Withdrawing a request no longer needed (→ retired, the reason in the history): a page of its own, to confirm. */

  const withdrawalPage = async (reply: FastifyReply, actor: Actor, id: string, reason = '', errs: PageError[] = [], status?: number) => {
    const persona = await personas.get(actor, id);
    if (!mayWithdraw(actor, { creatorId: persona.creator.id }))
      throw new Forbidden('Only the officer who asked for this persona, or an authorising officer, may withdraw the request');
    return renderForm(
      reply,
      view('withdraw'),
      { pageTitle: `Withdraw the request for ${persona.userName}`, persona, reason, backLink: `/personas/${id}` },
      errs,
      status,
    );
  };

  app.get<Id>('/personas/:id/withdrawal', { config: personaRoute(WITHDRAWERS) }, async (req, reply) =>
    withdrawalPage(reply, actorOf(req), req.params.id),
  );

  app.post<Id>('/personas/:id/withdrawal', { config: personaRoute(WITHDRAWERS) }, async (req, reply) => {
    const actor = actorOf(req);
    const id = req.params.id;
    const reason = field(req.body, 'reason');
    const parsed = checkForm(withdrawalSchema, { reason });
    if (parsed.errors) return withdrawalPage(reply, actor, id, reason, pageErrors(parsed.errors));
    try {
      await personas.withdraw(actor, id, parsed.data);
    } catch (err) {
      // Decided (or withdrawn) by someone else meanwhile: say so on the page rather than an error page.
      if (err instanceof InvalidTransition) return withdrawalPage(reply, actor, id, reason, [refusal(err, 'withdraw-heading')], 409);
      throw err;
    }
    return reply.redirect(`/personas/${id}?done=withdrawn`);
  });

  /* The reveal (issue 14 point 3): its form, and its answer shown once, never cached, never in a URL. */

  const revealPage = async (
    reply: FastifyReply,
    actor: Actor,
    id: string,
    values = { purpose: '', kind: '' },
    errs: PageError[] = [],
    status = 400,
  ) => {
    const persona = await personas.get(actor, id);
    return renderForm(
      reply,
      view('reveal'),
      { pageTitle: `Reveal a secret of ${persona.userName}`, persona, values, backLink: `/personas/${id}` },
      errs,
      status,
    );
  };

  app.get<Id>('/personas/:id/reveal', { config: personaRoute(REVEALERS) }, async (req, reply) =>
    revealPage(reply, actorOf(req), req.params.id),
  );

  app.post<Id>('/personas/:id/reveal', { config: personaRoute(REVEALERS) }, async (req, reply) => {
    const actor = actorOf(req);
    const id = req.params.id;
    const values = { purpose: field(req.body, 'purpose'), kind: field(req.body, 'kind') };
    const parsed = checkForm(revealSchema, {
      ...values,
      kind: values.kind || undefined,
      currentPassword: field(req.body, 'currentPassword'),
    });
    if (parsed.errors) return revealPage(reply, actor, id, values, pageErrors(parsed.errors, REVEAL_ERRORS));
    let secret: Record<string, string | undefined>;
    try {
      secret = await personas.reveal(actor, id, parsed.data);
    } catch (err) {
      // The page offers the form only to who may reveal: a refusal now is their own password (wrong, or the account locked).
      if (!(err instanceof Forbidden)) throw err;
      const persona = await personas.get(actor, id);
      if (
        !mayReveal(
          actor,
          persona.status,
          persona.assignees.some((a) => a.id === actor.id),
        ).ok
      )
        throw err;
      return revealPage(reply, actor, id, values, [{ path: 'currentPassword', message: err.message }], 403);
    }
    const persona = await personas.get(actor, id);
    reply.header('cache-control', 'no-store');
    return reply.page(view('revealed'), {
      pageTitle: `The ${parsed.data.kind.replace('_', ' ')} of ${persona.userName}`,
      persona,
      kind: parsed.data.kind,
      secret: Object.values(secret)[0] ?? '',
    });
  });
};

export default personaPages;
