import type { FastifyPluginAsync } from 'fastify';
import { actorOf } from '../../plugins/auth.js';
import type { Services } from '../../services.js';
import { parse } from '../../validation.js';
import { REFERRAL_READERS, REFERRAL_SUBMITTERS } from './referrals.policy.js';
import {
  docSchemas,
  idParamsSchema,
  listQuerySchema,
  referralDetailSchema,
  referralListSchema,
  withdrawSchema,
} from './referrals.schemas.js';

const tags = ['referrals'];

/** JSON API for referrals (DESIGN.md "API shapes"): role → validate → service → presenter. */
const referralsApi: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  const referrals = services.referrals;

  app.post(
    '/referrals',
    {
      config: {
        roles: REFERRAL_SUBMITTERS,
        openapi: {
          summary:
            'Submit a referral (SOP 8.3-8.4); 409 names an open referral of the same content unless duplicateOf is sent, then 200 with a summary of that referral',
          tags,
          body: docSchemas.newReferral,
          response: referralDetailSchema,
          status: 201,
        },
      },
    },
    async (req, reply) => {
      const input = parse(referrals.schemas().newReferral, req.body ?? {});
      const result = await referrals.submit(actorOf(req), input);
      // Deconfliction: the rationale went to the existing referral; nothing new was created.
      return reply.status(result.kind === 'created' ? 201 : 200).send(result.referral);
    },
  );

  app.get(
    '/referrals',
    {
      config: {
        roles: REFERRAL_READERS,
        openapi: {
          summary:
            'List referrals with filters (status, platform, assignee, overdue, age), sorted and paged; newest first unless sorted; a requester sees only their own, in the requester’s shape',
          tags,
          query: listQuerySchema,
          response: referralListSchema,
        },
      },
    },
    async (req) => referrals.list(actorOf(req), parse(listQuerySchema, req.query)),
  );

  app.get<{ Params: { id: string } }>(
    '/referrals/:id',
    {
      config: {
        roles: REFERRAL_READERS,
        openapi: {
          summary:
            'One referral with its timeline; opening one with subjects is logged as a consultation. A requester with no unit role gets the requester’s shape (DESIGN.md "Who sees what")',
          tags,
          params: idParamsSchema,
          response: referralDetailSchema,
        },
      },
    },
    async (req) => referrals.get(actorOf(req), req.params.id),
  );

  app.post<{ Params: { id: string } }>(
    '/referrals/:id/withdraw',
    {
      config: {
        roles: REFERRAL_SUBMITTERS,
        openapi: {
          summary: 'Withdraw your own referral before review (closed, outcome withdrawn), with an optional reason shown on the timeline',
          tags,
          params: idParamsSchema,
          body: withdrawSchema,
          response: referralDetailSchema,
        },
      },
    },
    async (req) => {
      await referrals.withdraw(actorOf(req), req.params.id, parse(withdrawSchema, req.body ?? {}).reason);
      // The contract's answer is part of the withdrawal, not a consultation (issue 10).
      return referrals.updated(actorOf(req), req.params.id);
    },
  );
};

export default referralsApi;
