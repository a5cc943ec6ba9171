import rateLimit from '@fastify/rate-limit';
import type { FastifyPluginAsync } from 'fastify';
import type { Config } from '../../config.js';
import { actorOf, SESSION_COOKIE } from '../../plugins/auth.js';
import type { Services } from '../../services.js';
import { attempt, checkForm, renderForm, type PageError } from '../../views/forms.js';
import { changePasswordSchema, safeReturnTo, signInSchema } from './auth.schemas.js';

/** Sign in, sign out, change password. */
const authRoutes: FastifyPluginAsync<{ services: Services; config: Config }> = async (app, { services, config }) => {
  await app.register(rateLimit, { global: false });

  app.get<{ Querystring: { returnTo?: string } }>('/sign-in', { config: { roles: 'public' } }, async (req, reply) => {
    if (req.actor) return reply.redirect('/');
    return reply.page('modules/auth/views/sign-in.njk', { values: { returnTo: safeReturnTo(req.query.returnTo) } });
  });

  app.post(
    '/sign-in',
    {
      // Per address, on top of the per-account lockout in the users service.
      config: { roles: 'public', rateLimit: { max: config.signIn.maxFailures * 4, timeWindow: '1 minute' } },
    },
    async (req, reply) => {
      const body = (req.body ?? {}) as Record<string, string>;
      const retry = (errs: PageError[]) =>
        renderForm(reply, 'modules/auth/views/sign-in.njk', { values: { username: body.username, returnTo: body.returnTo } }, errs);
      const form = checkForm(signInSchema, body);
      if (form.errors) return retry(form.errors);
      const input = form.data;
      const result = await services.users.signIn(input.username, input.password, req.ip);
      if (!result.ok) {
        // One answer for an unknown username, a wrong password and a locked account, so that the
        // page tells no one which usernames exist or which accounts are locked (issue 10).
        const text = `The username or password is not right. After ${config.signIn.maxFailures} wrong passwords an account is locked for ${config.signIn.lockoutMinutes} minutes: wait and try again, or ask an admin to unlock it`;
        return retry([{ path: 'username', message: text }]);
      }
      const raw = await services.auth.startSession(result.user.id, req.cookies[SESSION_COOKIE]);
      reply.setSessionCookie(raw);
      return reply.redirect(result.user.mustChangePassword ? '/account/password' : safeReturnTo(input.returnTo));
    },
  );

  app.post('/sign-out', { config: { roles: 'signed_in', allowPasswordChangePending: true } }, async (req, reply) => {
    const raw = req.cookies[SESSION_COOKIE];
    if (raw) await services.auth.endSession(raw);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.redirect('/sign-in');
  });

  app.get('/account/password', { config: { roles: 'signed_in', allowPasswordChangePending: true } }, async (req, reply) =>
    reply.page('modules/auth/views/change-password.njk', { firstTime: req.mustChangePassword }),
  );

  app.post('/account/password', { config: { roles: 'signed_in', allowPasswordChangePending: true } }, async (req, reply) => {
    const form = checkForm(changePasswordSchema, req.body ?? {});
    const done = form.errors
      ? form
      : await attempt(() =>
          services.users.changePassword(actorOf(req), form.data.currentPassword, form.data.newPassword, {
            keepSession: req.session?.idHash,
            revokeTokens: form.data.revokeTokens,
          }),
        );
    if (done.errors) return renderForm(reply, 'modules/auth/views/change-password.njk', { firstTime: req.mustChangePassword }, done.errors);
    return reply.redirect('/?passwordChanged=1');
  });
};

export default authRoutes;
