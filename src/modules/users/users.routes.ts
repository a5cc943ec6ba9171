import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { NotFound } from '../../errors.js';
import { actorOf } from '../../plugins/auth.js';
import type { Services } from '../../services.js';
import { attempt, checkForm, pageErrors, renderForm, type ErrorMap, type PageError } from '../../views/forms.js';
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
const ERRORS: ErrorMap = { paths: [[/^(.*)\[\d+\]$/, (m) => m[1]!]] };

/** Users and roles (admin only). */
const usersRoutes: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  const { users } = services;

  /** A bad or unknown id is a missing page, not a database error. */
  async function userFrom(req: FastifyRequest) {
    const p = userIdParams.safeParse(req.params);
    if (!p.success) throw new NotFound('No such user');
    return users.mustFind(p.data.id);
  }

  const renderEdit = async (reply: FastifyReply, id: string, extra: Record<string, unknown> = {}, errs: PageError[] = []) => {
    const user = await users.mustFind(id);
    const view = toUserView(user, users.isLocked(user));
    const values = (extra.values as Record<string, unknown> | undefined) ?? view;
    const actor = actorOf(reply.request);
    const context = {
      user: view,
      values,
      roleItems: roleItems((values.roles as string[]) ?? []),
      mayChangeRoles: mayChangeRolesOf(actor, user),
      mayDeactivate: mayDeactivate(actor, user),
      ...extra,
    };
    return renderForm(reply, `${VIEWS}/edit.njk`, context, errs);
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
    const retry = (errs: PageError[]) =>
      renderForm(
        reply,
        `${VIEWS}/new.njk`,
        { values: { ...body, password: '' }, roleItems: roleItems([body.roles ?? []].flat() as string[]) },
        pageErrors(errs, ERRORS),
      );
    const form = checkForm(newUserFormSchema, body);
    if (form.errors) return retry(form.errors);
    // A generated password is shown once, on the next page, and never again (only its hash is kept).
    const generated = form.data.password ? null : randomSecret(15);
    // The person must choose their own password at first sign-in.
    const created = await attempt(() => users.create(actorOf(req), { ...form.data, password: form.data.password ?? generated! }, true));
    if (created.errors) return retry(created.errors);
    const user = created.data;
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
    const retry = (errs: PageError[]) =>
      renderEdit(reply, user.id, { values: { ...body, roles: [body.roles ?? []].flat() } }, pageErrors(errs, ERRORS));
    // The page offers an admin no roles of their own to change (separation of duties): keep them.
    const keepRoles = !mayChangeRolesOf(actorOf(req), user) && body.roles === undefined;
    const form = checkForm(profileFormSchema, keepRoles ? { ...body, roles: user.roles } : body);
    const done = form.errors ? form : await attempt(() => users.updateProfile(actorOf(req), user.id, form.data));
    if (done.errors) return retry(done.errors);
    return reply.redirect(`/admin/users/${user.id}?done=updated`);
  });

  // GOV.UK pattern: a destructive action asks first, on its own page (works without JavaScript).
  app.get('/admin/users/:id/deactivate', { config: ADMIN }, async (req, reply) => {
    const user = await userFrom(req);
    if (user.id === actorOf(req).id)
      return renderEdit(reply, user.id, {}, [{ path: 'deactivate', message: 'You cannot deactivate your own account' }]);
    return reply.page(`${VIEWS}/deactivate.njk`, { user: toUserView(user, users.isLocked(user)) });
  });

  app.post('/admin/users/:id/deactivate', { config: ADMIN }, async (req, reply) => {
    const user = await userFrom(req);
    const done = await attempt(() => users.setActive(actorOf(req), user.id, false));
    // Whatever the service refuses, the page says it at the Deactivate button.
    if (done.errors)
      return renderEdit(
        reply,
        user.id,
        {},
        done.errors.map((f) => ({ ...f, path: 'deactivate' })),
      );
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
