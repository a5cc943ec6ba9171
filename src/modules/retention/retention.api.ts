import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { actorOf } from '../../plugins/auth.js';
import { failures } from '../../plugins/openapi.js';
import type { Services } from '../../services.js';
import referralHoldsApi from './referral-holds.api.js';
import { CERTIFICATE_READERS, UPCOMING_READERS } from './retention.policy.js';
import { certificateListSchema, certificatesQuerySchema, upcomingQuerySchema, upcomingSchema } from './retention.schemas.js';

const tags = ['retention'];

/** JSON API for retention (SOP 2.2, 10.8; DESIGN.md "Domain library", "Data protection and fairness"; issue 13). */
const retentionApi: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  const retention = services.retention;
  // Holds on closed referrals (issue 15 point 1), in files of their own.
  await app.register(referralHoldsApi, { services });

  app.get(
    '/retention/certificates',
    {
      config: { roles: CERTIFICATE_READERS },
      schema: {
        summary: 'Deletion certificates (auditor): what the retention sweep deleted, when, under which rule, with its hashes; newest first',
        tags,
        querystring: certificatesQuerySchema,
        response: { 200: certificateListSchema, ...failures(400, 401, 403) },
      },
    },
    async (req) => retention.certificates(actorOf(req), req.query),
  );

  app.get(
    '/retention/upcoming',
    {
      config: { roles: UPCOMING_READERS },
      schema: {
        summary: 'What expires in the next `days` days, what is held and why, and which holds are due for review',
        tags,
        querystring: upcomingQuerySchema,
        response: { 200: upcomingSchema, ...failures(400, 401, 403) },
      },
    },
    async (req) => retention.upcoming(actorOf(req), req.query.days),
  );
};

export default retentionApi;
