import csrf from '@fastify/csrf-protection';
import type { FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { SESSION_COOKIE } from './auth.js';

/**
 * CSRF protection on every form (every non-GET page route). It runs as a preHandler so that it
 * can read the token from the parsed form body. The JSON API is exempt: it accepts only
 * application/json bodies, which a cross-site form cannot send, and the session cookie is
 * SameSite=Lax (decision 002).
 */
/** Tokens are bound to the session they were issued in. */
export const csrfUserInfo = (req: FastifyRequest) => req.cookies[SESSION_COOKIE] ?? 'anonymous';

export default fp(async (app, opts: { secret: string }) => {
  await app.register(csrf, {
    csrfOpts: { hmacKey: `csrf:${opts.secret}` },
    sessionPlugin: '@fastify/cookie',
    cookieOpts: { signed: true, httpOnly: true, sameSite: 'strict', path: '/' },
    getUserInfo: csrfUserInfo,
  });
  app.addHook('onRoute', (route) => {
    const methods = [route.method].flat();
    if (route.url.startsWith('/api/') || methods.every((m) => m === 'GET' || m === 'HEAD')) return;
    route.preHandler = [...[route.preHandler ?? []].flat(), app.csrfProtection];
  });
});
