import cookie from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Config } from '../config.js';
import { hasAnyRole, toActor, type Actor } from '../domain/actor.js';
import { Forbidden, NotFound, Unauthenticated } from '../errors.js';
import type { Role } from '../domain/vocabulary.js';

/** Who may call a route: anyone, anyone signed in, or holders of one of the roles (DESIGN.md "Roles"). */
export type RouteRoles = 'public' | 'signed_in' | readonly Role[];

declare module 'fastify' {
  interface FastifyContextConfig {
    roles?: RouteRoles;
    /**
     * Roles to whom the route does not exist (issue 14 point 8): a caller refused by `roles` whose
     * every role is here gets the 404 of an unknown path, not a 403.
     */
    hiddenFrom?: readonly Role[];
    /** Reachable while the user must still change a one-time password. */
    allowPasswordChangePending?: boolean;
  }
  interface FastifyRequest {
    actor: Actor | null;
    mustChangePassword: boolean;
    /** Set when the request came with a session cookie (not a bearer token). */
    session: { idHash: string; draft: string | null } | null;
    /**
     * Would this request's person be let into the page at `path` (a GET route's exact URL)? The
     * same rule as the route's own check, so a link is offered exactly when its page opens.
     */
    mayOpen(path: string): boolean;
  }
}

export const SESSION_COOKIE = 'rd_session';
export const isApi = (req: FastifyRequest) => req.url.startsWith('/api/');

export type RegisteredRoute = { method: string; url: string; roles: RouteRoles; hiddenFrom?: readonly Role[] };

/** A user as the session and token store answers: who they are, and whether their password is one-time. */
type Account = Actor & { mustChangePassword: boolean };

/** What the plugin needs to turn a request's credentials into an account (the auth service answers it). */
interface CredentialStore {
  resolveToken(raw: string): Promise<Account | null>;
  resolveSession(raw: string): Promise<{ idHash: string; user: Account; draft: string | null } | null>;
}

type Entry = { roles: RouteRoles; allowPasswordChangePending?: boolean; hiddenFrom?: readonly Role[] };
type Person = { actor: Actor | null; mustChangePassword: boolean };

/** The one access rule: may this person use a route, and if not, what they must do first. */
function admission(route: Entry, who: Person): 'open' | 'sign_in' | 'change_password' | 'forbidden' | 'hidden' {
  if (route.roles === 'public') return 'open';
  if (!who.actor) return 'sign_in';
  if (who.mustChangePassword && !route.allowPasswordChangePending) return 'change_password';
  if (route.roles === 'signed_in' || hasAnyRole(who.actor, route.roles)) return 'open';
  const hiddenFrom = route.hiddenFrom ?? [];
  return hiddenFrom.length && who.actor.roles.every((r) => hiddenFrom.includes(r)) ? 'hidden' : 'forbidden';
}

/**
 * Resolves the session cookie or bearer token to an actor, and enforces every route's declared
 * roles. A route that declares none fails at registration.
 */
export default fp(async (app, opts: { config: Config; auth: CredentialStore; routes: RegisteredRoute[] }) => {
  await app.register(cookie, { secret: opts.config.sessionSecret });

  app.decorateRequest('actor', null);
  app.decorateRequest('mustChangePassword', false);
  app.decorateRequest('session', null);

  // The pages, by URL, for `mayOpen`.
  const pages = new Map<string, Entry>();
  app.decorateRequest('mayOpen', function (this: FastifyRequest, path: string) {
    const page = pages.get(path);
    if (!page) throw new Error(`No page at ${path}`);
    return admission(page, this) === 'open';
  });

  app.addHook('onRoute', (route) => {
    // Static assets (GOV.UK Frontend, MoJ Frontend) are the only routes that are public by default.
    const roles = route.config?.roles ?? (route.url.startsWith('/assets/') ? 'public' : undefined);
    if (!roles) throw new Error(`Route ${String(route.method)} ${route.url} declares no roles`);
    route.config = { ...route.config, roles };
    const { allowPasswordChangePending, hiddenFrom } = route.config;
    if ([route.method].flat().includes('GET')) pages.set(route.url, { roles, allowPasswordChangePending, hiddenFrom });
    for (const method of [route.method].flat())
      if (method !== 'HEAD') opts.routes.push({ method, url: route.url, roles, ...(hiddenFrom ? { hiddenFrom } : {}) });
  });

  app.addHook('onRequest', async (req) => {
    const bearer = req.headers.authorization?.match(/^Bearer (\S+)$/i)?.[1];
    if (bearer) {
      const user = await opts.auth.resolveToken(bearer);
      if (user) {
        req.actor = toActor(user);
        req.mustChangePassword = user.mustChangePassword;
      }
      return;
    }
    const raw = req.cookies[SESSION_COOKIE];
    if (!raw) return;
    const resolved = await opts.auth.resolveSession(raw);
    if (!resolved) return;
    req.actor = toActor(resolved.user);
    req.mustChangePassword = resolved.user.mustChangePassword;
    req.session = { idHash: resolved.idHash, draft: resolved.draft };
  });

  // Before validation, so that a caller without the role learns nothing from a 400 or a 404.
  app.addHook('preValidation', async (req, reply) => {
    // An unknown path is the same 404 for everyone, signed in or not (issue 10: it was a 403).
    if (req.is404) return;
    const { roles = [], allowPasswordChangePending, hiddenFrom } = req.routeOptions.config;
    switch (admission({ roles, allowPasswordChangePending, hiddenFrom }, req)) {
      case 'open':
        return;
      case 'sign_in':
        if (isApi(req) || req.method !== 'GET') throw new Unauthenticated();
        return reply.redirect(`/sign-in?returnTo=${encodeURIComponent(req.url)}`);
      case 'change_password':
        if (isApi(req) || req.method !== 'GET') throw new Forbidden('Change your one-time password first');
        return reply.redirect('/account/password');
      case 'forbidden':
        throw new Forbidden();
      case 'hidden':
        // The unknown path's own answer (error-handler.ts), word for word.
        throw new NotFound(isApi(req) ? 'Not found' : 'Page not found');
    }
  });

  // What a signed-in person sees (pages, case data in API answers) stays out of browser and proxy
  // caches; static assets keep the caching they set.
  app.addHook('onSend', async (req, reply, payload) => {
    if (req.actor && !reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    return payload;
  });

  app.decorateReply('setSessionCookie', function (this: FastifyReply, raw: string) {
    this.setCookie(SESSION_COOKIE, raw, {
      path: '/',
      httpOnly: true,
      sameSite: 'lax',
      secure: opts.config.trustTls,
      maxAge: opts.config.session.absoluteHours * 3600,
    });
  });
});

declare module 'fastify' {
  interface FastifyReply {
    setSessionCookie(raw: string): void;
  }
}

/** The signed-in actor of a route that declared roles (the preHandler has already checked). */
export function actorOf(req: FastifyRequest): Actor {
  if (!req.actor) throw new Unauthenticated();
  return req.actor;
}
