import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { actorOf } from '../../plugins/auth.js';
import { failures } from '../../plugins/openapi.js';
import type { Services } from '../../services.js';
import { HOLDERS } from '../library/library.policy.js';
import { releaseSchema } from '../library/library.schemas.js';
import { referralHoldParamsSchema, referralHoldSchema } from './referral-holds.schemas.js';

const tags = ['retention'];
const answers = { 200: referralHoldSchema, ...failures(400, 401, 403, 404, 409, 415) };

/** JSON API for holds on closed referrals (CPIA 1996; SOP 2.2, DPA 2018 s.39; issue 15 point 1; decision 022). */
const referralHoldsApi: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  const holds = services.referralHolds;

  app.post(
    '/referrals/:id/hold',
    {
      config: { roles: HOLDERS },
      schema: {
        summary:
          'CPIA 1996: keep a closed referral for an investigation beyond its 12 months (sergeant or inspector); 409 when open or already held',
        tags,
        params: referralHoldParamsSchema,
        body: holds.schemas().hold,
        response: answers,
      },
    },
    async (req) => holds.place(actorOf(req), req.params.id, req.body),
  );

  app.post(
    '/referrals/:id/hold/review',
    {
      config: { roles: HOLDERS },
      schema: {
        summary: 'The hold reviewed and still needed (sergeant or inspector): a new review date and why it is kept; 409 when not held',
        tags,
        params: referralHoldParamsSchema,
        body: holds.schemas().review,
        response: answers,
      },
    },
    async (req) => holds.review(actorOf(req), req.params.id, req.body),
  );

  app.post(
    '/referrals/:id/hold/release',
    {
      config: { roles: HOLDERS },
      schema: {
        summary: 'Release the hold (sergeant or inspector): the referral’s 12 months from closure apply again; 409 when not held',
        tags,
        params: referralHoldParamsSchema,
        body: releaseSchema,
        response: answers,
      },
    },
    async (req) => holds.release(actorOf(req), req.params.id, req.body),
  );
};

export default referralHoldsApi;
