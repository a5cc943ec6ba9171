import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { Actor } from '../../domain/actor.js';
import { actorOf } from '../../plugins/auth.js';
import type { Services } from '../../services.js';
import { attempt, checkForm, field, pageErrors, renderForm } from '../../views/forms.js';
import { HOLD_ORDER, holdFormValues, KEEP_MAP, readHoldForm, readKeepForm, RELEASE_MAP, type HoldForms } from '../retention/hold-forms.js';
import { pageRange, pagination } from '../../views/pagination.js';
import { HOLDERS, LIBRARY_READERS, mayHold } from './library.policy.js';
import { EXPIRING_SOON_DAYS, LIBRARY_LIMITS, libraryQuerySchema, releaseSchema } from './library.schemas.js';

const view = (name: string) => `modules/library/views/${name}.njk`;
type EntryId = { Params: { entryId: string } };
/** Rows per page of the library list. */
const PAGE_SIZE = 25;

/**
 * The Domain library's pages (SOP 10.8; issue 13): the list with its search and filters (a GET
 * form, shareable, without JavaScript) and an entry with its captures, playback, history and the
 * hold and release forms for a sergeant or an inspector. The same service as the API.
 */
const libraryPages: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  const library = services.library;

  app.get('/library', { config: { roles: LIBRARY_READERS } }, async (req, reply) => {
    const actor = actorOf(req);
    const raw = req.query as Record<string, unknown>;
    const values = {
      q: field(raw, 'q'),
      platform: field(raw, 'platform'),
      held: field(raw, 'held') === 'true',
      expiring: field(raw, 'expiringWithinDays') !== '',
      reviewDue: field(raw, 'reviewDue') === 'true',
    };
    const parsed = checkForm(libraryQuerySchema, {
      q: values.q,
      platform: values.platform,
      held: values.held ? 'true' : undefined,
      expiringWithinDays: values.expiring ? String(EXPIRING_SOON_DAYS) : undefined,
      reviewDue: values.reviewDue ? 'true' : undefined,
      page: field(raw, 'page') || '1',
      pageSize: String(PAGE_SIZE),
    });
    const query = parsed.data ?? { page: 1, pageSize: PAGE_SIZE, held: undefined, reviewDue: undefined };
    const result = await library.list(actor, query);
    const search = new URLSearchParams();
    if (values.q) search.set('q', values.q);
    if (values.platform) search.set('platform', values.platform);
    if (values.held) search.set('held', 'true');
    if (values.expiring) search.set('expiringWithinDays', String(EXPIRING_SOON_DAYS));
    if (values.reviewDue) search.set('reviewDue', 'true');
    const href = (n: number) => `/library?${new URLSearchParams([...search, ['page', String(n)]]).toString()}`;
    const due = await library.list(actor, { page: 1, pageSize: 1, held: undefined, reviewDue: true });
    const platforms = await services.platforms.list();
    return renderForm(
      reply,
      view('library'),
      {
        pageTitle: 'Domain library',
        values,
        platformItems: [
          { value: '', text: 'Any platform' },
          ...platforms.map((p) => ({ value: p.key, text: p.name, selected: p.key === values.platform })),
        ],
        platformNames: Object.fromEntries(platforms.map((p) => [p.key, p.name])),
        limits: LIBRARY_LIMITS,
        soonDays: EXPIRING_SOON_DAYS,
        result,
        reviewDueCount: due.total,
        range: pageRange(result.page, result.pageSize, result.total),
        pagination: pagination(result.page, result.pageSize, result.total, href),
      },
      parsed.errors ?? [],
    );
  });

  async function entryPage(reply: FastifyReply, actor: Actor, entryId: string, forms: HoldForms = {}) {
    const entry = await library.get(actor, entryId);
    return renderForm(
      reply,
      view('entry'),
      {
        pageTitle: `${entry.reference} in the Domain library`,
        entry,
        platformNames: Object.fromEntries((await services.platforms.list()).map((p) => [p.key, p.name])),
        mayHold: mayHold(actor),
        ...holdFormValues(forms),
        limits: LIBRARY_LIMITS,
        done: field(reply.request.query, 'done'),
        backLink: '/library',
      },
      forms.errors ?? [],
    );
  }

  app.get<EntryId>('/library/:entryId', { config: { roles: LIBRARY_READERS } }, async (req, reply) =>
    entryPage(reply, actorOf(req), req.params.entryId),
  );

  app.post<EntryId>('/library/:entryId/hold', { config: { roles: HOLDERS } }, async (req, reply) => {
    const actor = actorOf(req);
    const id = req.params.entryId;
    const { hold, data, errors } = readHoldForm(req.body, library.schemas());
    if (!data) return entryPage(reply, actor, id, { hold, errors });
    const done = await attempt(() => library.placeHold(actor, id, data));
    if (done.errors) return entryPage(reply, actor, id, { hold, errors: pageErrors(done.errors, HOLD_ORDER) });
    return reply.redirect(`/library/${id}?done=held`);
  });

  // The hold reviewed and kept: a new review date.
  app.post<EntryId>('/library/:entryId/hold/review', { config: { roles: HOLDERS } }, async (req, reply) => {
    const actor = actorOf(req);
    const id = req.params.entryId;
    const { keep, data, errors } = readKeepForm(req.body, library.schemas());
    if (!data) return entryPage(reply, actor, id, { keep, errors });
    const done = await attempt(() => library.reviewHold(actor, id, data));
    if (done.errors) return entryPage(reply, actor, id, { keep, errors: pageErrors(done.errors, KEEP_MAP) });
    return reply.redirect(`/library/${id}?done=reviewed`);
  });

  app.post<EntryId>('/library/:entryId/hold/release', { config: { roles: HOLDERS } }, async (req, reply) => {
    const actor = actorOf(req);
    const id = req.params.entryId;
    const releaseReason = field(req.body, 'reason');
    const parsed = checkForm(releaseSchema, { reason: releaseReason });
    if (parsed.errors) return entryPage(reply, actor, id, { releaseReason, errors: pageErrors(parsed.errors, RELEASE_MAP) });
    await library.releaseHold(actor, id, parsed.data);
    return reply.redirect(`/library/${id}?done=released`);
  });
};

export default libraryPages;
