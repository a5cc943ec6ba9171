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
/**
 * The token from the form, or, on a route that takes a multipart upload (decision 015), from the
 * form's action address: the file's bytes are streamed to the store as they arrive, so the check
 * must be made before the body is read. The address is never logged (requests log their path
 * only) and never sent on as a Referer (no-referrer).
 */
function tokenOf(req: FastifyRequest): string | undefined {
  const fromForm = (req.body as { _csrf?: unknown } | undefined)?._csrf;
  if (typeof fromForm === 'string') return fromForm;
  if (!req.routeOptions.config.csrfTokenInQuery) return undefined;
  const fromQuery = (req.query as { _csrf?: unknown } | undefined)?._csrf;
  return typeof fromQuery === 'string' ? fromQuery : undefined;
}

/** Tokens are bound to the session they were issued in. */
export const csrfUserInfo = (req: FastifyRequest) => req.cookies[SESSION_COOKIE] ?? 'anonymous';

export default fp(async (app, opts: { secret: string }) => {
  await app.register(csrf, {
    csrfOpts: { hmacKey: `csrf:${opts.secret}` },
    sessionPlugin: '@fastify/cookie',
    cookieOpts: { signed: true, httpOnly: true, sameSite: 'strict', path: '/' },
    getUserInfo: csrfUserInfo,
    getToken: tokenOf,
  });
  app.addHook('onRoute', (route) => {
    const methods = [route.method].flat();
    if (route.url.startsWith('/api/') || methods.every((m) => m === 'GET' || m === 'HEAD')) return;
    route.preHandler = [...[route.preHandler ?? []].flat(), app.csrfProtection];
  });
});

declare module 'fastify' {
  interface FastifyContextConfig {
    /** A multipart upload page: its CSRF token comes in the action's query string (decision 015). */
    csrfTokenInQuery?: boolean;
  }
}
