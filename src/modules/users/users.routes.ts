import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodType, z } from 'zod';
import { NotFound, ValidationFailed, type FieldError } from '../../errors.js';
import { actorOf } from '../../plugins/auth.js';
import type { Services } from '../../services.js';
import { formErrors, zodFields } from '../../validation.js';
import { randomSecret } from '../../security/secrets.js';
import { pageRange, pagination } from '../../views/pagination.js';
import { mayChangeRolesOf, mayDeactivate, USER_ADMINS } from './users.policy.js';
import { roleItems, toUserView } from './users.presenter.js';
import { newUserFormSchema, pageQuery, profileFormSchema, userIdParams } from './users.schemas.js';

const ADMIN = { roles: USER_ADMINS };
const PAGE_SIZE = 25;
const VIEWS = 'modules/users/views';

/** Which confirmation banner to show after a redirect (Post/Redirect/Get). */
const DONE = {
  created: 'The user has been added',
  updated: 'The user’s details have been saved',
  deactivated: 'The user has been deactivated: their sessions and API tokens have ended',
  reactivated: 'The user has been reactivated',
  unlocked: 'The account has been unlocked',
} as const;

/** A checkbox group's errors (`roles[0]`) belong to the group, which the summary links to. */
const groupFields = (fields: FieldError[]) => fields.map((f) => ({ ...f, path: f.path.replace(/\[\d+\]$/, '') }));

type FormResult<T> = { ok: true; value: T } | { ok: false; fields: FieldError[] };
function validate<S extends ZodType>(schema: S, body: unknown): FormResult<z.infer<S>> {
  const r = schema.safeParse(body ?? {});
  return r.success ? { ok: true, value: r.data } : { ok: false, fields: groupFields(zodFields(r.error)) };
}

/** Users and roles (admin only). */
const usersRoutes: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  const { users } = services;

  /** A bad or unknown id is a missing page, not a database error. */
  async function userFrom(req: FastifyRequest) {
    const p = userIdParams.safeParse(req.params);
    if (!p.success) throw new NotFound('No such user');
    return users.mustFind(p.data.id);
  }

  const renderEdit = async (reply: FastifyReply, id: string, extra: Record<string, unknown> = {}) => {
    const user = await users.mustFind(id);
    const view = toUserView(user, users.isLocked(user));
    const values = (extra.values as Record<string, unknown> | undefined) ?? view;
    const actor = actorOf(reply.request);
    return reply.page(`${VIEWS}/edit.njk`, {
      user: view,
      values,
      roleItems: roleItems((values.roles as string[]) ?? []),
      mayChangeRoles: mayChangeRolesOf(actor, user),
      mayDeactivate: mayDeactivate(actor, user),
      ...extra,
    });
  };

  app.get('/admin/users', { config: ADMIN }, async (req, reply) => {
    const { page } = pageQuery.parse(req.query);
    const { items, total } = await users.list(page, PAGE_SIZE);
    return reply.page(`${VIEWS}/list.njk`, {
      users: items.map((u) => toUserView(u, users.isLocked(u))),
      range: pageRange(page, PAGE_SIZE, total),
      pagination: pagination(page, PAGE_SIZE, total, (n) => `/admin/users?page=${n}`),
    });
  });

  app.get('/admin/users/new', { config: ADMIN }, async (_req, reply) =>
    reply.page(`${VIEWS}/new.njk`, { values: {}, roleItems: roleItems() }),
  );

  app.post('/admin/users/new', { config: ADMIN }, async (req, reply) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const retry = (fields: FieldError[]) =>
      reply.status(400).page(`${VIEWS}/new.njk`, {
        ...formErrors(fields),
        values: { ...body, password: '' },
        roleItems: roleItems([body.roles ?? []].flat() as string[]),
      });
    const form = validate(newUserFormSchema, body);
    if (!form.ok) return retry(form.fields);
    // A generated password is shown once, on the next page, and never again (only its hash is kept).
    const generated = form.value.password ? null : randomSecret(15);
    let user;
    try {
      // The person must choose their own password at first sign-in.
      user = await users.create(actorOf(req), { ...form.value, password: form.value.password ?? generated! }, true);
    } catch (err) {
      if (err instanceof ValidationFailed) return retry(groupFields(err.fields));
      throw err;
    }
    if (!generated) return reply.redirect(`/admin/users/${user.id}?done=created`);
    reply.header('cache-control', 'no-store');
    return reply.page(`${VIEWS}/created.njk`, { user: toUserView(user, false), password: generated });
  });

  app.get<{ Querystring: { done?: string } }>('/admin/users/:id', { config: ADMIN }, async (req, reply) => {
    const user = await userFrom(req);
    const done = req.query.done && Object.hasOwn(DONE, req.query.done) ? DONE[req.query.done as keyof typeof DONE] : undefined;
    return renderEdit(reply, user.id, { done });
  });

  app.post('/admin/users/:id', { config: ADMIN }, async (req, reply) => {
    const user = await userFrom(req);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const retry = (fields: FieldError[]) =>
      renderEdit(reply.status(400), user.id, { ...formErrors(fields), values: { ...body, roles: [body.roles ?? []].flat() } });
    // The page offers an admin no roles of their own to change (separation of duties): keep them.
    const keepRoles = !mayChangeRolesOf(actorOf(req), user) && body.roles === undefined;
    const form = validate(profileFormSchema, keepRoles ? { ...body, roles: user.roles } : body);
    if (!form.ok) return retry(form.fields);
    try {
      await users.updateProfile(actorOf(req), user.id, form.value);
    } catch (err) {
      if (err instanceof ValidationFailed) return retry(groupFields(err.fields));
      throw err;
    }
    return reply.redirect(`/admin/users/${user.id}?done=updated`);
  });

  // GOV.UK pattern: a destructive action asks first, on its own page (works without JavaScript).
  app.get('/admin/users/:id/deactivate', { config: ADMIN }, async (req, reply) => {
    const user = await userFrom(req);
    if (user.id === actorOf(req).id)
      return renderEdit(
        reply.status(400),
        user.id,
        formErrors([{ path: 'deactivate', message: 'You cannot deactivate your own account' }]),
      );
    return reply.page(`${VIEWS}/deactivate.njk`, { user: toUserView(user, users.isLocked(user)) });
  });

  app.post('/admin/users/:id/deactivate', { config: ADMIN }, async (req, reply) => {
    const user = await userFrom(req);
    try {
      await users.setActive(actorOf(req), user.id, false);
    } catch (err) {
      if (!(err instanceof ValidationFailed)) throw err;
      return renderEdit(reply.status(400), user.id, formErrors(err.fields.map((f) => ({ ...f, path: 'deactivate' }))));
    }
    return reply.redirect(`/admin/users/${user.id}?done=deactivated`);
  });

  app.post('/admin/users/:id/reactivate', { config: ADMIN }, async (req, reply) => {
    const user = await userFrom(req);
    await users.setActive(actorOf(req), user.id, true);
    return reply.redirect(`/admin/users/${user.id}?done=reactivated`);
  });

  app.post('/admin/users/:id/unlock', { config: ADMIN }, async (req, reply) => {
    const user = await userFrom(req);
    await users.unlock(actorOf(req), user.id);
    return reply.redirect(`/admin/users/${user.id}?done=unlocked`);
  });
};

export default usersRoutes;
