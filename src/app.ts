import formbody from '@fastify/formbody';
import Fastify, { type FastifyRequest, type FastifyServerOptions } from 'fastify';
import qs from 'node:querystring';
import type { Config } from './config.js';
import type { Db } from './db/client.js';
import { UnsupportedMediaType } from './errors.js';
import auditRoutes from './modules/audit/audit.routes.js';
import authRoutes from './modules/auth/auth.routes.js';
import evidenceApi from './modules/evidence/evidence.api.js';
import evidencePages from './modules/evidence/evidence.pages.js';
import libraryApi from './modules/library/library.api.js';
import libraryPages from './modules/library/library.pages.js';
import personasApi from './modules/personas/personas.api.js';
import personasPages from './modules/personas/personas.pages.js';
import personaPages from './modules/personas/personas.persona-pages.js';
import personaOversightApi from './modules/persona-oversight/persona-oversight.api.js';
import retentionApi from './modules/retention/retention.api.js';
import reportsApi from './modules/reports/reports.api.js';
import reportsPages from './modules/reports/reports.pages.js';
import retentionPages from './modules/retention/retention.pages.js';
import homeRoutes from './modules/home/home.routes.js';
import platformsRoutes from './modules/platforms/platforms.routes.js';
import platformReferralsApi from './modules/platform-referrals/platform-referrals.api.js';
import platformReferralsPages from './modules/platform-referrals/platform-referrals.pages.js';
import platformsAdmin from './modules/platforms/platforms.admin.js';
import queueApi from './modules/queue/queue.api.js';
import queuePages from './modules/queue/queue.pages.js';
import referralsApi from './modules/referrals/referrals.api.js';
import referralsPages from './modules/referrals/referrals.pages.js';
import reviewApi from './modules/review/review.api.js';
import reviewPages from './modules/review/review.pages.js';
import usersRoutes from './modules/users/users.routes.js';
import restrictionApi from './modules/restriction/restriction.api.js';
import restrictionGuard from './modules/restriction/restriction.guard.js';
import restrictionPages from './modules/restriction/restriction.pages.js';
import subjectAccessApi from './modules/subject-access/subject-access.api.js';
import subjectAccessPages from './modules/subject-access/subject-access.pages.js';
import auth, { type RegisteredRoute } from './plugins/auth.js';
import csrf from './plugins/csrf.js';
import errorHandler from './plugins/error-handler.js';
import health from './plugins/health.js';
import openapi from './plugins/openapi.js';
import securityHeaders from './plugins/security-headers.js';
import views from './plugins/views.js';
import type { Services } from './services.js';

export type AppOptions = {
  config: Config;
  db: Db;
  services: Services;
  logger?: FastifyServerOptions['logger'];
};

/** A hop count as Fastify applies one (its types take no number): the nearest `hops` proxies are believed. */
const hopsTrusted = (hops: number) => (_address: string, hop: number) => hop < hops;

/**
 * Every request's log line names its path, never its query string: a filter or a search may hold a
 * person's name or date of birth, and nothing personal is logged (DPA 2018 s.62 is the audit log's
 * job, not the request log's). Credentials are redacted.
 */
const requestLog = {
  redact: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'],
  serializers: {
    req: (req: FastifyRequest) => ({ method: req.method, url: req.url.split('?')[0], remoteAddress: req.ip }),
  },
};

/** Every plugin and module, registered explicitly and in order. Never listens (server.ts does). */
export async function buildApp({ config, db, services, logger }: AppOptions) {
  const app = Fastify({
    logger: logger === false ? false : { level: config.logLevel, ...requestLog, ...(typeof logger === 'object' ? logger : {}) },
    // X-Forwarded-For and -Proto only from the configured proxies (issue 10); TRUST_TLS is about cookies and HSTS.
    trustProxy: typeof config.trustedProxies === 'number' ? hopsTrusted(config.trustedProxies) : config.trustedProxies,
    bodyLimit: 256 * 1024,
  });
  const routes: RegisteredRoute[] = [];
  app.decorate('registeredRoutes', routes);

  // Cross-cutting, in the order a request meets them.
  await app.register(securityHeaders, { config });
  await app.register(formbody, { parser: (body) => qs.parse(body) });
  await app.register(auth, { config, auth: services.auth, routes });
  // DPA 2018 s.47: a restricted referral's routes are the unknown path to all but auditors (decision 023).
  await app.register(restrictionGuard, { restriction: services.restriction });
  if (!config.sessionSecret) throw new Error('buildApp needs config.sessionSecret');
  await app.register(csrf, { secret: config.sessionSecret });
  await app.register(views);
  await app.register(errorHandler);
  await app.register(openapi, { version: '1', strictAnswers: config.env !== 'production' });
  await app.register(health, { db });

  // The JSON API takes only JSON bodies (decision 002: this is its CSRF defence).
  await app.register(
    async (api) => {
      api.addHook('preValidation', async (req) => {
        if (req.body !== undefined && !req.headers['content-type']?.startsWith('application/json')) throw new UnsupportedMediaType();
      });
      await api.register(platformsRoutes, { services });
      await api.register(referralsApi, { services });
      await api.register(queueApi, { services });
      await api.register(reviewApi, { services });
      await api.register(platformReferralsApi, { services });
      await api.register(evidenceApi, { services });
      await api.register(libraryApi, { services });
      await api.register(retentionApi, { services });
      await api.register(personasApi, { services });
      await api.register(personaOversightApi, { services });
      await api.register(reportsApi, { services });
      await api.register(restrictionApi, { services });
      await api.register(subjectAccessApi, { services });
    },
    { prefix: '/api/v1' },
  );

  // Pages.
  await app.register(authRoutes, { services, config });
  await app.register(homeRoutes, { services });
  await app.register(referralsPages, { services });
  await app.register(queuePages, { services });
  await app.register(reviewPages, { services });
  await app.register(platformReferralsPages, { services });
  await app.register(evidencePages, { services });
  await app.register(libraryPages, { services });
  await app.register(personasPages, { services });
  await app.register(personaPages, { services });
  await app.register(retentionPages, { services });
  await app.register(reportsPages, { services });
  await app.register(platformsAdmin, { services });
  await app.register(usersRoutes, { services });
  await app.register(auditRoutes, { services });
  await app.register(restrictionPages, { services });
  await app.register(subjectAccessPages, { services });

  return app;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route with its declared roles, for the route × role test. */
    registeredRoutes: RegisteredRoute[];
  }
}
