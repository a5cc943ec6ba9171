import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import view from '@fastify/view';
import type { FastifyReply } from 'fastify';
import fp from 'fastify-plugin';
import nunjucks from 'nunjucks';
import { formatDate, formatDateTime } from '../domain/dates.js';
import { bytesText, durationText, eventLabel, outcomeLabel, readable, statusLabel } from '../domain/labels.js';
import { navigationFor } from '../views/navigation.js';
import { csrfUserInfo } from './csrf.js';

const require = createRequire(import.meta.url);
const srcDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const govukDist = path.join(path.dirname(require.resolve('govuk-frontend/package.json')), 'dist');
const mojRoot = path.dirname(require.resolve('@ministryofjustice/frontend/package.json'));

declare module 'fastify' {
  interface FastifyReply {
    /** Renders a page with what every page needs: the actor, their navigation, the CSP nonce and a CSRF token. */
    page(template: string, context?: Record<string, unknown>): FastifyReply;
  }
}

const SERVICE_NAME = 'Referral Desk';

/** GOV.UK Frontend and MoJ Frontend, served by the app itself (no CDN), and Nunjucks pages. */
export default fp(async (app) => {
  // MoJ Frontend's stylesheet asks for its icons (the filter's tag crosses, toggles) at /assets/images/.
  await app.register(fastifyStatic, {
    root: [path.join(govukDist, 'govuk/assets'), path.join(mojRoot, 'moj/assets'), path.join(srcDir, 'public')],
    prefix: '/assets/',
    decorateReply: false,
    maxAge: '1d',
  });
  await app.register(fastifyStatic, {
    root: path.join(govukDist, 'govuk'),
    prefix: '/assets/govuk/',
    allowedPath: (p) => /^\/govuk-frontend\.min\.(css|js)$/.test(p),
    decorateReply: false,
    maxAge: '1d',
  });
  await app.register(fastifyStatic, {
    root: path.join(mojRoot, 'moj'),
    prefix: '/assets/moj/',
    allowedPath: (p) => /^\/(moj-frontend\.min\.(css|js)|assets\/.*)$/.test(p),
    decorateReply: false,
    maxAge: '1d',
  });

  // Browsers ask for it at the root whatever the page says; the layout names no other icon.
  const favicon = fs.readFileSync(path.join(srcDir, 'public/favicon.ico'));
  app.get('/favicon.ico', { config: { roles: 'public' } }, async (_req, reply) =>
    reply.type('image/x-icon').header('cache-control', 'public, max-age=86400').send(favicon),
  );

  await app.register(view, {
    engine: { nunjucks },
    templates: [srcDir, govukDist, mojRoot],
    options: {
      autoescape: true,
      onConfigure: (env: nunjucks.Environment) => {
        env.addGlobal('serviceName', SERVICE_NAME);
        env.addFilter('date', (v: string | Date | null | undefined) => (v ? formatDate(v) : ''));
        env.addFilter('dateTime', (v: string | Date | null | undefined) => (v ? formatDateTime(v) : ''));
        env.addFilter('humanise', (v: string | null | undefined) => (v ? readable(v) : ''));
        // domain/labels.ts: one wording for each status, outcome and timeline event, on every page.
        env.addFilter('statusLabel', statusLabel);
        env.addFilter('outcomeLabel', outcomeLabel);
        env.addFilter('eventLabel', eventLabel);
        env.addFilter('bytes', (v: number | null | undefined) => (typeof v === 'number' ? bytesText(v) : ''));
        env.addFilter('duration', (v: number | null | undefined) => (typeof v === 'number' ? durationText(v) : ''));
      },
    },
  });

  app.decorateReply('page', function (this: FastifyReply, template: string, context: Record<string, unknown> = {}) {
    const req = this.request;
    return this.view(template, {
      actor: req.actor,
      navigation: navigationFor(req.url.split('?')[0]!, (href) => req.mayOpen(href)),
      cspNonce: this.cspNonce?.script,
      csrfToken: this.generateCsrf({ userInfo: csrfUserInfo(req) }),
      ...context,
    });
  });
});
