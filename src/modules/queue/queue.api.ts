import type { FastifyPluginAsync } from 'fastify';
import { actorOf } from '../../plugins/auth.js';
import type { Services } from '../../services.js';
import { parse } from '../../validation.js';
import { idParamsSchema, unitDetailSchema } from '../referrals/referrals.schemas.js';
import { CLAIMERS, QUEUE_READERS, SELF_TASKERS } from './queue.policy.js';
import { claimBodySchema, countsQuerySchema, selfTaskDocSchema, selfTaskSchema, statusCountsSchema } from './queue.schemas.js';

const tags = ['queue'];

/** JSON API for the work queue (issue 3): counts, claim/assign (SOP 8.5-8.6), self-tasking (SOP 8.5). */
const queueApi: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  const queue = services.queue;

  app.get(
    '/referrals/counts',
    {
      config: {
        roles: QUEUE_READERS,
        openapi: {
          summary: 'How many referrals are in each status, under the same filters as the list (other than status)',
          tags,
          query: countsQuerySchema,
          response: statusCountsSchema,
        },
      },
    },
    async (req) => queue.counts(actorOf(req), parse(countsQuerySchema, req.query)),
  );

  app.post<{ Params: { id: string } }>(
    '/referrals/:id/claim',
    {
      config: {
        roles: CLAIMERS,
        openapi: {
          summary:
            'Claim a submitted referral (→ in_review, assigned to you); a sergeant may send { assignee } to assign it to an active operative (also from in_review). 409 in another state, 403 for the wrong person',
          tags,
          params: idParamsSchema,
          body: claimBodySchema,
          response: unitDetailSchema,
        },
      },
    },
    async (req) => {
      const { assignee } = parse(claimBodySchema, req.body ?? {});
      await queue.claim(actorOf(req), req.params.id, assignee);
      // The contract's answer is part of the command, not a consultation (issue 10).
      return services.referrals.updated(actorOf(req), req.params.id);
    },
  );

  app.post(
    '/referrals/self-tasked',
    {
      config: {
        roles: SELF_TASKERS,
        openapi: {
          summary:
            'Open a self-tasked referral (SOP 8.5): the referral body plus selfTaskedReason; created in_review, assigned to you, you as applicant. 409 if the content already has an open referral',
          tags,
          body: selfTaskDocSchema,
          response: unitDetailSchema,
          status: 201,
        },
      },
    },
    async (req, reply) => {
      const { selfTaskedReason, ...input } = parse(selfTaskSchema(services.referrals.schemas()), req.body ?? {});
      return reply.status(201).send(await queue.selfTask(actorOf(req), input, selfTaskedReason));
    },
  );
};

export default queueApi;
