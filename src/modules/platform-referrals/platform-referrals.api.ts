import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { ZodType } from 'zod';
import { actorOf } from '../../plugins/auth.js';
import { stepSchema } from '../../plugins/openapi.js';
import type { Services } from '../../services.js';
import { unitDetailSchema } from '../referrals/referrals.schemas.js';
import { PLATFORM_STEP_ROLES } from './platform-referrals.policy.js';
import { platformParamsSchema } from './platform-referrals.schemas.js';

/** DESIGN.md "Roles": operatives and sergeants record submissions and decisions (SOP 10.5-10.7). */

const tags = ['platform referrals'];
const schema = <B extends ZodType>(summary: string, body: B) =>
  stepSchema({ summary, tags, params: platformParamsSchema, body }, unitDetailSchema);

/**
 * POST /referrals/{id}/platform-referrals/{platform}/{submission,decision,appeal} (DESIGN.md "API
 * shapes"): role → validate → service, answering the updated referral. 404 for a platform not in
 * the directory; 409 for a wrong state, including a directory platform this referral was not
 * referred to; 403 for a wrong role. A refused step changes nothing.
 */
const platformReferralsApi: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  const steps = services.platformReferrals;
  const bodies = steps.schemas();
  const config = { roles: PLATFORM_STEP_ROLES };
  // The updated referral the contract answers a step with, in the unit's view: part of the step, not a consultation (issue 10).
  const answer = (req: FastifyRequest<{ Params: { id: string } }>) => services.referrals.forCasework(actorOf(req), req.params.id);

  app.post(
    '/referrals/:id/platform-referrals/:platform/submission',
    { config, schema: schema('Record that the referral was sent to the platform (SOP 10.5); audited as a disclosure', bodies.submission) },
    async (req) => {
      await steps.recordSubmission(actorOf(req), req.params.id, req.params.platform, req.body);
      return answer(req);
    },
  );

  app.post(
    '/referrals/:id/platform-referrals/:platform/decision',
    {
      config,
      schema: schema(
        "Record the platform's decision (SOP 10.6) or, after an appeal, its final decision (10.7: removed or upheld; not_removed then means upheld)",
        bodies.decision,
      ),
    },
    async (req) => {
      await steps.recordDecision(actorOf(req), req.params.id, req.params.platform, req.body);
      return answer(req);
    },
  );

  app.post(
    '/referrals/:id/platform-referrals/:platform/appeal',
    { config, schema: schema('Appeal a not_removed decision, or record why not (SOP 10.7)', bodies.appeal) },
    async (req) => {
      await steps.recordAppeal(actorOf(req), req.params.id, req.params.platform, req.body);
      return answer(req);
    },
  );
};

export default platformReferralsApi;
