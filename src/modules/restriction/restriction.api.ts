import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { actorOf } from '../../plugins/auth.js';
import { failures } from '../../plugins/openapi.js';
import type { Services } from '../../services.js';
import { RESTRICTORS } from './restriction.policy.js';
import { changeSchema, listQuerySchema, listSchema, reasonSchema, referralParamsSchema, stateSchema } from './restriction.schemas.js';

const tags = ['restriction'];

/** JSON API for restriction (DPA 2018 s.47; issue 15 points 2, 8; decision 023): auditors only. */
const restrictionApi: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  const restriction = services.restriction;

  app.post(
    '/referrals/:id/restriction',
    {
      config: { roles: RESTRICTORS },
      schema: {
        summary: 'DPA 2018 s.47: restrict the referral (auditor): to everyone else it disappears (404); 409 when already restricted',
        tags,
        params: referralParamsSchema,
        body: reasonSchema,
        response: { 200: changeSchema, ...failures(400, 401, 403, 404, 409, 415) },
      },
    },
    async (req) => restriction.restrict(actorOf(req), req.params.id, req.body.reason),
  );

  app.post(
    '/referrals/:id/restriction/release',
    {
      config: { roles: RESTRICTORS },
      schema: {
        summary: 'End the restriction (auditor), with a reason; 409 when not restricted',
        tags,
        params: referralParamsSchema,
        body: reasonSchema,
        response: { 200: changeSchema, ...failures(400, 401, 403, 404, 409, 415) },
      },
    },
    async (req) => restriction.release(actorOf(req), req.params.id, req.body.reason),
  );

  app.get(
    '/referrals/:id/restriction',
    {
      config: { roles: RESTRICTORS },
      schema: {
        summary: 'Whether the referral is restricted, and every restriction and release with its reasons (auditor)',
        tags,
        params: referralParamsSchema,
        response: { 200: stateSchema, ...failures(401, 403, 404) },
      },
    },
    async (req) => restriction.state(actorOf(req), req.params.id),
  );

  app.get(
    '/restrictions',
    {
      config: { roles: RESTRICTORS },
      schema: {
        summary: 'The referrals restricted now, the latest first (auditor)',
        tags,
        querystring: listQuerySchema,
        response: { 200: listSchema, ...failures(400, 401, 403) },
      },
    },
    async (req) => restriction.list(actorOf(req), req.query.page, req.query.pageSize),
  );
};

export default restrictionApi;
