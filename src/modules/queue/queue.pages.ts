import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { Actor } from '../../domain/actor.js';
import { DuplicateReferral } from '../../errors.js';
import { actorOf } from '../../plugins/auth.js';
import type { Services } from '../../services.js';
import { zodFields } from '../../validation.js';
import { attempt, checkForm, field, pageErrors, renderForm, type PageError } from '../../views/forms.js';
import { STATUS_TAG } from '../referrals/referrals.presenter.js';
import { LIMITS } from '../referrals/referrals.schemas.js';
import { mayQa } from '../review/review.policy.js';
import { ASSIGNERS, CLAIMERS, mayClaim, maySelfTask, QUEUE_READERS, SELF_TASKERS } from './queue.policy.js';
import {
  linkStateOf,
  OVERDUE_HINT,
  queuePagination,
  queueHref,
  queueRow,
  selectedFilters,
  SORT_TEXT,
  STATUS_TEXT,
  statusTabs,
} from './queue.presenter.js';
import { readSelfTaskForm, SELF_TASK_ERRORS, selfTaskFormToBody } from './queue.form.js';
import { QUEUE_PAGE_SIZE, queuePageQuerySchema, SELF_TASKED_REASON_MAX, selfTaskSchema } from './queue.schemas.js';
import { REFERRAL_STATUSES } from '../../domain/vocabulary.js';

const view = (name: string) => `modules/queue/views/${name}.njk`;
const SELF_TASK = '/referrals/self-task';
/** Only back to the queue after a claim from one of its rows: never an open redirect. */
const returnTo = (body: unknown, fallback: string) => {
  const v = field(body, 'returnTo');
  return /^\/queue(\?[^\s]*)?$/.test(v) ? v : fallback;
};

/** The work queue (issue 3), claim/assign forms (SOP 8.5-8.6) and the self-tasked referral page (SOP 8.5). */
const queuePages: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  const { queue, platforms } = services;

  app.get('/queue', { config: { roles: QUEUE_READERS } }, async (req, reply) => {
    const actor = actorOf(req);
    const parsed = queuePageQuerySchema.safeParse(req.query);
    // A hand-edited query string: show what is wrong and the unfiltered queue.
    const q = parsed.success ? parsed.data : queuePageQuerySchema.parse({});
    const errs = parsed.success ? [] : zodFields(parsed.error);
    const [result, directory, operatives] = await Promise.all([
      queue.queue(actor, { ...q, pageSize: QUEUE_PAGE_SIZE }),
      platforms.list(),
      queue.operatives(),
    ]);
    // A reference typed into the search box that finds its referral goes straight to it.
    const only = result.items[0];
    if (q.reference && result.total === 1 && only) return reply.redirect(`/referrals/${only.id}`);
    const s = linkStateOf(q);
    const platformName = (k: string) => directory.find((p) => p.key === k)?.name ?? k;
    const assigneeName = (v: string) =>
      v === 'mine' || v === 'me'
        ? 'Me'
        : v === 'unassigned' || v === 'none'
          ? 'Nobody (unassigned)'
          : (operatives.find((o) => o.id === v || o.username === v)?.name ?? v);
    const context = {
      pageTitle: 'Work queue',
      result: { ...result, items: result.items.map((r) => queueRow(r, result.now)) },
      state: s,
      tabs: statusTabs(s, result.counts),
      selectedFilters: selectedFilters(s, { platform: platformName, assignee: assigneeName }),
      pagination: queuePagination(s, result.total),
      statusItems: REFERRAL_STATUSES.map((st) => ({
        value: st,
        text: `${STATUS_TEXT[st]} (${result.counts[st]})`,
        checked: s.status.includes(st),
      })),
      platformItems: [
        { value: '', text: 'Any platform' },
        ...directory.map((p) => ({ value: p.key, text: p.name, selected: p.key === s.platform })),
      ],
      assigneeItems: [
        { value: '', text: 'Anyone or nobody' },
        { value: 'mine', text: 'Me', selected: s.assignee === 'mine' || s.assignee === 'me' },
        { value: 'unassigned', text: 'Nobody (unassigned)', selected: s.assignee === 'unassigned' || s.assignee === 'none' },
        ...operatives.map((o) => ({ value: o.id, text: o.name, selected: o.id === s.assignee || o.username === s.assignee })),
      ],
      overdueItems: [
        { value: '', text: 'Any', checked: s.overdue === undefined },
        { value: 'true', text: 'Overdue only', checked: s.overdue === 'true', hint: { text: OVERDUE_HINT } },
        { value: 'false', text: 'Not overdue', checked: s.overdue === 'false' },
      ],
      sortItems: Object.entries(SORT_TEXT).map(([value, text]) => ({ value, text, selected: value === s.sort })),
      platformName,
      statusTag: STATUS_TAG,
      canClaim: mayClaim(actor),
      canSelfTask: maySelfTask(actor),
      // A sergeant's view of what awaits QA (SOP 10.2).
      awaitingQa: mayQa(actor) ? { count: result.counts.awaiting_qa, href: queueHref(s, { status: ['awaiting_qa'], page: 1 }) } : undefined,
      here: queueHref(s),
      // What was typed, to show it back when it is not a reference or finds nothing.
      referenceTyped:
        typeof (req.query as { reference?: unknown }).reference === 'string' ? (req.query as { reference: string }).reference : '',
    };
    return renderForm(reply, view('queue'), context, errs);
  });

  // SOP 8.5-8.6: the caller claims it (from the detail page or a queue row).
  app.post<{ Params: { id: string } }>('/referrals/:id/claim', { config: { roles: CLAIMERS } }, async (req, reply) => {
    await queue.claim(actorOf(req), req.params.id);
    return reply.redirect(returnTo(req.body, `/referrals/${req.params.id}`));
  });

  // A sergeant assigns it to an active operative.
  const assignPage = async (reply: FastifyReply, id: string, chosen?: string, errs: PageError[] = []) => {
    const [referral, operatives] = await Promise.all([queue.referralHead(id), queue.operatives()]);
    const current = chosen ?? referral.assigneeId ?? '';
    return renderForm(
      reply,
      view('assign'),
      {
        pageTitle: `Assign ${referral.reference}`,
        referral,
        backLink: `/referrals/${id}`,
        operativeItems: [
          { value: '', text: 'Choose an operative' },
          ...operatives.map((o) => ({ value: o.id, text: o.name, selected: o.id === current })),
        ],
      },
      errs,
    );
  };
  app.get<{ Params: { id: string } }>('/referrals/:id/assign', { config: { roles: ASSIGNERS } }, async (req, reply) =>
    assignPage(reply, req.params.id),
  );
  app.post<{ Params: { id: string } }>('/referrals/:id/assign', { config: { roles: ASSIGNERS } }, async (req, reply) => {
    const assignee = field(req.body, 'assignee').trim();
    if (!assignee) return assignPage(reply, req.params.id, '', [{ path: 'assignee', message: 'Choose the operative to assign it to' }]);
    const done = await attempt(() => queue.claim(actorOf(req), req.params.id, assignee));
    if (done.errors) return assignPage(reply, req.params.id, assignee, done.errors);
    return reply.redirect(`/referrals/${req.params.id}`);
  });

  // SOP 8.5: a self-tasked referral, every field on one page.
  const selfTaskPage = async (reply: FastifyReply, values: Record<string, unknown>, errs: PageError[] = []) => {
    const directory = await platforms.list();
    const chosen = (values.platforms as string[] | undefined) ?? [];
    return renderForm(
      reply,
      view('self-task'),
      {
        pageTitle: 'Open a self-tasked referral',
        values,
        limits: { ...LIMITS, selfTaskedReason: SELF_TASKED_REASON_MAX },
        platformItems: directory.map((p) => ({ value: p.key, text: p.name, checked: chosen.includes(p.key) })),
        backLink: '/queue',
      },
      errs,
    );
  };
  app.get(SELF_TASK, { config: { roles: SELF_TASKERS } }, async (_req, reply) => selfTaskPage(reply, {}));
  app.post(SELF_TASK, { config: { roles: SELF_TASKERS } }, async (req, reply) => {
    const actor: Actor = actorOf(req);
    const values = readSelfTaskForm(req.body);
    const { body, errors } = selfTaskFormToBody(values);
    const parsed = checkForm(selfTaskSchema(services.referrals.schemas()), body);
    if (errors.length || parsed.errors)
      return selfTaskPage(reply, values, pageErrors([...errors, ...(parsed.errors ?? [])], SELF_TASK_ERRORS));
    const { selfTaskedReason, ...input } = parsed.data;
    try {
      const done = await attempt(() => queue.selfTask(actor, input, selfTaskedReason));
      if (done.errors) return selfTaskPage(reply, values, pageErrors(done.errors, SELF_TASK_ERRORS));
      return reply.redirect(`/referrals/${done.data.id}`);
    } catch (err) {
      if (err instanceof DuplicateReferral)
        return selfTaskPage(reply, values, [
          { path: 'contentUrl', message: `${err.existing.reference} is already open for this content: claim it from the queue instead` },
        ]);
      throw err;
    }
  });
};

export default queuePages;
