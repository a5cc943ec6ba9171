import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { actorOf } from '../../plugins/auth.js';
import { duplicateSchema, failures } from '../../plugins/openapi.js';
import type { Services } from '../../services.js';
import { idParamsSchema, unitDetailSchema } from '../referrals/referrals.schemas.js';
import { CLAIMERS, QUEUE_READERS, SELF_TASKERS } from './queue.policy.js';
import { claimBodySchema, countsQuerySchema, selfTaskSchema, statusCountsSchema } from './queue.schemas.js';

const tags = ['queue'];

/** JSON API for the work queue (issue 3): counts, claim/assign (SOP 8.5-8.6), self-tasking (SOP 8.5). */
const queueApi: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  const queue = services.queue;

  app.get(
    '/referrals/counts',
    {
      config: { roles: QUEUE_READERS },
      schema: {
        summary: 'How many referrals are in each status, under the same filters as the list (other than status)',
        tags,
        querystring: countsQuerySchema,
        response: { 200: statusCountsSchema, ...failures(400, 401, 403) },
      },
    },
    async (req) => queue.counts(actorOf(req), req.query),
  );

  app.post(
    '/referrals/:id/claim',
    {
      config: { roles: CLAIMERS },
      schema: {
        summary:
          'Claim a submitted referral (→ in_review, assigned to you); a sergeant may send { assignee } to assign it to an active operative (also from in_review). 409 in another state, 403 for the wrong person',
        tags,
        params: idParamsSchema,
        body: claimBodySchema,
        response: { 200: unitDetailSchema, ...failures(400, 401, 403, 404, 409, 415) },
      },
    },
    async (req) => {
      await queue.claim(actorOf(req), req.params.id, req.body.assignee);
      // The contract's answer, in the unit's view, is part of the command, not a consultation (issue 10).
      return services.referrals.forCasework(actorOf(req), req.params.id);
    },
  );

  app.post(
    '/referrals/self-tasked',
    {
      config: { roles: SELF_TASKERS },
      schema: {
        summary:
          'Open a self-tasked referral (SOP 8.5): the referral body plus selfTaskedReason; created in_review, assigned to you, you as applicant. 409 if the content already has an open referral',
        tags,
        body: selfTaskSchema(services.referrals.schemas()),
        response: { 201: unitDetailSchema, ...failures(400, 401, 403, 415), 409: duplicateSchema },
      },
    },
    async (req, reply) => {
      const { selfTaskedReason, ...input } = req.body;
      return reply.status(201).send(await queue.selfTask(actorOf(req), input, selfTaskedReason));
    },
  );
};

export default queueApi;
