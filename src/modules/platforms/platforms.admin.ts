import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { DRAFT_PLACEHOLDERS } from '../../domain/referral-draft.js';
import { NotFound } from '../../errors.js';
import { actorOf } from '../../plugins/auth.js';
import type { Services } from '../../services.js';
import { attempt, checkForm, field, pageErrors, renderForm, type PageError } from '../../views/forms.js';
import { DIRECTORY_EDITORS } from './platforms.policy.js';
import { newPlatformFormSchema, PLATFORM_KEY, platformFormSchema } from './platforms.schemas.js';
import type { PlatformRow } from './platforms.service.js';
import { CHANNELS } from '../../domain/vocabulary.js';

const ADMIN = { roles: DIRECTORY_EDITORS };
const VIEWS = 'modules/platforms/views';
const CHANNEL_TEXT = { trusted_flagger: 'Trusted Flagger portal', mailbox: 'Mailbox', individual: 'Named individual' } as const;
const DONE = { created: 'The platform has been added', updated: 'The platform’s details have been saved' } as const;
const FIELD_ORDER = ['key', 'name', 'channel', 'contact', 'termsUrl', 'guidelinesUrl', 'hosts', 'clauses', 'template'];
const ERRORS = { order: FIELD_ORDER };

type FormValues = Record<string, string>;
type Params = { Params: { key: string } };

/** A directory row as the form's text fields: host names one per line, clauses `key | title` per line. */
const formValues = (p: PlatformRow): FormValues => ({
  key: p.key,
  name: p.name,
  channel: p.channel,
  contact: p.contact ?? '',
  termsUrl: p.termsUrl ?? '',
  guidelinesUrl: p.guidelinesUrl ?? '',
  hosts: p.hosts.join('\n'),
  clauses: p.clauses.map((c) => `${c.key} | ${c.title}`).join('\n'),
  template: p.template,
});
const bodyValues = (body: unknown): FormValues => Object.fromEntries(FIELD_ORDER.map((f) => [f, field(body, f)]));

/** The platform directory admin pages (issue 3 point 9): list, add, edit. */
const platformsAdmin: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  const { platforms } = services;
  const common = {
    channels: CHANNELS.map((c) => ({ value: c, text: CHANNEL_TEXT[c] })),
    placeholders: DRAFT_PLACEHOLDERS.map((p) => `{{${p}}}`),
  };
  const form = (reply: FastifyReply, values: FormValues, extra: Record<string, unknown> = {}, errs: PageError[] = []) =>
    renderForm(reply, `${VIEWS}/edit.njk`, { ...common, values, ...extra }, pageErrors(errs, ERRORS));

  app.get('/admin/platforms', { config: ADMIN }, async (_req, reply) =>
    reply.page(`${VIEWS}/list.njk`, { platforms: await platforms.list(), channelText: CHANNEL_TEXT }),
  );

  app.get('/admin/platforms/new', { config: ADMIN }, async (_req, reply) =>
    form(reply, { ...bodyValues({}), channel: '' }, { isNew: true }),
  );

  app.post('/admin/platforms/new', { config: ADMIN }, async (req, reply) => {
    const values = bodyValues(req.body);
    const r = checkForm(newPlatformFormSchema, values);
    const done = r.errors ? r : await attempt(() => platforms.create(actorOf(req), r.data));
    if (done.errors) return form(reply, values, { isNew: true }, done.errors);
    return reply.redirect(`/admin/platforms/${done.data.key}?done=created`, 303);
  });

  app.get<Params & { Querystring: { done?: string } }>('/admin/platforms/:key', { config: ADMIN }, async (req, reply) => {
    if (!PLATFORM_KEY.test(req.params.key)) throw new NotFound('No such platform');
    const p = await platforms.find(req.params.key);
    const done = req.query.done && Object.hasOwn(DONE, req.query.done) ? DONE[req.query.done as keyof typeof DONE] : undefined;
    return form(reply, formValues(p), { platform: p, done });
  });

  app.post<Params>('/admin/platforms/:key', { config: ADMIN }, async (req, reply) => {
    if (!PLATFORM_KEY.test(req.params.key)) throw new NotFound('No such platform');
    const p = await platforms.find(req.params.key);
    const values = { ...bodyValues(req.body), key: p.key };
    const r = checkForm(platformFormSchema, values);
    if (r.errors) return form(reply, values, { platform: p }, r.errors);
    await platforms.update(actorOf(req), p.key, r.data);
    return reply.redirect(`/admin/platforms/${p.key}?done=updated`, 303);
  });
};

export default platformsAdmin;
