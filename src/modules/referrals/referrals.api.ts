import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { actorOf } from '../../plugins/auth.js';
import { duplicateSchema, failures } from '../../plugins/openapi.js';
import type { Services } from '../../services.js';
import { REFERRAL_READERS, REFERRAL_SUBMITTERS } from './referrals.policy.js';
import {
  combinedSchema,
  idParamsSchema,
  listQuerySchema,
  referralDetailSchema,
  referralListSchema,
  withdrawSchema,
} from './referrals.schemas.js';

const tags = ['referrals'];

/** JSON API for referrals (DESIGN.md "API shapes"): role → validate → service → presenter. */
const referralsApi: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  const referrals = services.referrals;

  app.post(
    '/referrals',
    {
      config: { roles: REFERRAL_SUBMITTERS },
      schema: {
        summary:
          'Submit a referral (SOP 8.3-8.4); 409 names an open referral of the same content unless duplicateOf is sent, then 200 with a summary of that referral',
        tags,
        body: referrals.schemas().newReferral,
        response: {
          201: referralDetailSchema,
          200: combinedSchema,
          ...failures(400, 401, 403, 415),
          409: duplicateSchema,
        },
      },
    },
    async (req, reply) => {
      const result = await referrals.submit(actorOf(req), req.body);
      // Deconfliction: the rationale went to the existing referral; nothing new was created.
      if (result.kind === 'created') return reply.status(201).send(result.referral);
      return reply.status(200).send(result.referral);
    },
  );

  app.get(
    '/referrals',
    {
      config: { roles: REFERRAL_READERS },
      schema: {
        summary:
          'List referrals with filters (status, platform, assignee, overdue, age), sorted and paged; newest first unless sorted; a requester sees only their own, in the requester’s shape',
        tags,
        querystring: listQuerySchema,
        response: { 200: referralListSchema, ...failures(400, 401, 403) },
      },
    },
    async (req) => referrals.list(actorOf(req), req.query),
  );

  app.get(
    '/referrals/:id',
    {
      config: { roles: REFERRAL_READERS },
      schema: {
        summary:
          'One referral with its timeline; opening one with subjects is logged as a consultation. A requester with no unit role gets the requester’s shape (DESIGN.md "Who sees what")',
        tags,
        params: idParamsSchema,
        response: { 200: referralDetailSchema, ...failures(401, 403, 404) },
      },
    },
    async (req) => referrals.get(actorOf(req), req.params.id),
  );

  app.post(
    '/referrals/:id/withdraw',
    {
      config: { roles: REFERRAL_SUBMITTERS },
      schema: {
        summary: 'Withdraw your own referral before review (closed, outcome withdrawn), with an optional reason shown on the timeline',
        tags,
        params: idParamsSchema,
        body: withdrawSchema,
        response: { 200: referralDetailSchema, ...failures(400, 401, 403, 404, 409, 415) },
      },
    },
    async (req) => {
      await referrals.withdraw(actorOf(req), req.params.id, req.body.reason);
      // The contract's answer is part of the withdrawal, not a consultation (issue 10).
      return referrals.updated(actorOf(req), req.params.id);
    },
  );
};

export default referralsApi;
