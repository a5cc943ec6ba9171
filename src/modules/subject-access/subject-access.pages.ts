import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { Actor } from '../../domain/actor.js';
import { InvalidTransition, ValidationFailed } from '../../errors.js';
import { actorOf } from '../../plugins/auth.js';
import type { Services } from '../../services.js';
import {
  attempt,
  checkForm,
  dateParts,
  field,
  fields,
  govukDate,
  pageErrors,
  partsOf,
  renderForm,
  type DateParts,
  type PageError,
} from '../../views/forms.js';
import { SUBJECT_ACCESS } from './subject-access.policy.js';
import { SAR_LIMITS, searchQuerySchema } from './subject-access.schemas.js';

const view = (name: string) => `modules/subject-access/views/${name}.njk`;
const config = { roles: SUBJECT_ACCESS };
type RequestId = { Params: { id: string } };
type RecordForm = { subjectName: string; receivedOn: DateParts; restriction: string; itemIds: string[] };

/** A refused step (409) shown on its form, as a field error. */
const asFieldError = (path: string) => (err: unknown) => {
  throw err instanceof InvalidTransition ? new ValidationFailed([{ path, message: err.message }]) : err;
};

/**
 * The auditor's subject access pages (DPA 2018 s.45, s.54; issue 15 point 3): search, pick the items
 * that relate to the person (checkboxes), record the request; the open requests with their due dates;
 * a request with its downloads (JSON, PDF), extension and completion. The same service as the API.
 */
const subjectAccessPages: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  const sar = services.subjectAccess;

  async function searchPage(reply: FastifyReply, actor: Actor, raw: unknown, form?: RecordForm, extra: PageError[] = []) {
    const values = { name: field(raw, 'name'), handle: field(raw, 'handle'), dateOfBirth: field(raw, 'dateOfBirth') };
    const asked = values.name || values.handle || values.dateOfBirth;
    const parsed = asked ? checkForm(searchQuerySchema, { ...values, page: '1' }) : undefined;
    const result = parsed?.data ? await sar.search(actor, parsed.data) : undefined;
    return renderForm(
      reply,
      view('search'),
      {
        pageTitle: 'Subject access',
        values,
        result,
        record: form ?? { subjectName: values.name, receivedOn: partsOf(sar.today()), restriction: '', itemIds: [] },
        limits: SAR_LIMITS,
      },
      [...(parsed?.errors ?? []), ...extra],
    );
  }

  app.get('/subject-access', { config }, async (req, reply) => searchPage(reply, actorOf(req), req.query));

  app.post('/subject-access/requests', { config }, async (req, reply) => {
    const actor = actorOf(req);
    const form: RecordForm = {
      subjectName: field(req.body, 'subjectName'),
      receivedOn: dateParts(req.body, 'receivedOn'),
      restriction: field(req.body, 'restriction'),
      itemIds: fields(req.body, 'itemIds'),
    };
    const date = govukDate('receivedOn', form.receivedOn, 'The date received');
    const parsed = checkForm(sar.schemas().create, { ...form, receivedOn: date.value ?? '' });
    const errs: PageError[] = [
      ...(date.error ? [date.error] : []),
      ...(parsed.errors ?? []).filter((e) => !(date.error && e.path === 'receivedOn')),
      ...(form.itemIds.length ? [] : [{ path: 'itemIds', message: 'Choose the items that relate to the person' }]),
    ];
    const order = {
      order: ['subjectName', 'receivedOn', 'itemIds', 'restriction'],
      dates: ['receivedOn'],
      paths: [[/^itemIds\[\d+\]$/, 'itemIds']] as const,
    };
    if (errs.length || !parsed.data) return searchPage(reply, actor, req.body, form, pageErrors(errs, order));
    const done = await attempt(() => sar.create(actor, parsed.data));
    if (done.errors) return searchPage(reply, actor, req.body, form, pageErrors(done.errors, order));
    return reply.redirect(`/subject-access/requests/${done.data.id}?done=recorded`);
  });

  app.get('/subject-access/requests', { config }, async (req, reply) =>
    reply.page(view('requests'), { pageTitle: 'Subject access requests', result: await sar.open(actorOf(req)) }),
  );

  async function requestPage(
    reply: FastifyReply,
    actor: Actor,
    id: string,
    form: { months?: string; reason?: string; errors?: PageError[] } = {},
  ) {
    const request = await sar.get(actor, id);
    return renderForm(
      reply,
      view('request'),
      {
        pageTitle: `Subject access request from ${request.subjectName}`,
        request,
        months: form.months ?? '',
        reason: form.reason ?? '',
        limits: SAR_LIMITS,
        done: field(reply.request.query, 'done'),
        backLink: '/subject-access/requests',
      },
      form.errors ?? [],
    );
  }

  app.get<RequestId>('/subject-access/requests/:id', { config }, async (req, reply) => requestPage(reply, actorOf(req), req.params.id));

  app.post<RequestId>('/subject-access/requests/:id/extension', { config }, async (req, reply) => {
    const actor = actorOf(req);
    const form = { months: field(req.body, 'months'), reason: field(req.body, 'reason') };
    const parsed = checkForm(sar.schemas().extension, { months: Number(form.months) || form.months, reason: form.reason });
    if (parsed.errors) return requestPage(reply, actor, req.params.id, { ...form, errors: parsed.errors });
    const done = await attempt(() => sar.extend(actor, req.params.id, parsed.data).catch(asFieldError('months')));
    if (done.errors) return requestPage(reply, actor, req.params.id, { ...form, errors: done.errors });
    return reply.redirect(`/subject-access/requests/${req.params.id}?done=extended`);
  });

  app.post<RequestId>('/subject-access/requests/:id/completion', { config }, async (req, reply) => {
    const actor = actorOf(req);
    const done = await attempt(() => sar.complete(actor, req.params.id).catch(asFieldError('complete')));
    if (done.errors) return requestPage(reply, actor, req.params.id, { errors: done.errors });
    return reply.redirect(`/subject-access/requests/${req.params.id}?done=completed`);
  });
};

export default subjectAccessPages;
