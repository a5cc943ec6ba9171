import rateLimit from '@fastify/rate-limit';
import type { FastifyPluginAsync } from 'fastify';
import type { Config } from '../../config.js';
import { ValidationFailed } from '../../errors.js';
import { actorOf, SESSION_COOKIE } from '../../plugins/auth.js';
import type { Services } from '../../services.js';
import { formErrors, parse } from '../../validation.js';
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
      const retry = (errorList: { text: string; href: string }[], errors: Record<string, string> = {}) =>
        reply
          .status(400)
          .page('modules/auth/views/sign-in.njk', { errorList, errors, values: { username: body.username, returnTo: body.returnTo } });
      let input;
      try {
        input = parse(signInSchema, body);
      } catch (err) {
        if (err instanceof ValidationFailed) {
          const f = formErrors(err.fields);
          return retry(f.errorList, f.errors);
        }
        throw err;
      }
      const result = await services.users.signIn(input.username, input.password, req.ip);
      if (!result.ok) {
        // One answer for an unknown username, a wrong password and a locked account, so that the
        // page tells no one which usernames exist or which accounts are locked (issue 10).
        const text = `The username or password is not right. After ${config.signIn.maxFailures} wrong passwords an account is locked for ${config.signIn.lockoutMinutes} minutes: wait and try again, or ask an admin to unlock it`;
        return retry([{ text, href: '#username' }], { username: text });
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
    try {
      const input = parse(changePasswordSchema, req.body ?? {});
      await services.users.changePassword(actorOf(req), input.currentPassword, input.newPassword, {
        keepSession: req.session?.idHash,
        revokeTokens: input.revokeTokens,
      });
    } catch (err) {
      if (!(err instanceof ValidationFailed)) throw err;
      return reply
        .status(400)
        .page('modules/auth/views/change-password.njk', { firstTime: req.mustChangePassword, ...formErrors(err.fields) });
    }
    return reply.redirect('/?passwordChanged=1');
  });
};

export default authRoutes;
