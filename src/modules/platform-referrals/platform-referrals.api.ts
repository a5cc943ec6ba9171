import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { actorOf } from '../../plugins/auth.js';
import type { Services } from '../../services.js';
import { parse } from '../../validation.js';
import { unitDetailSchema } from '../referrals/referrals.schemas.js';
import { PLATFORM_STEP_ROLES } from './platform-referrals.policy.js';
import { docSchemas, platformParamsSchema } from './platform-referrals.schemas.js';

/** DESIGN.md "Roles": operatives and sergeants record submissions and decisions (SOP 10.5-10.7). */

type Params = { Params: { id: string; platform: string } };
const tags = ['platform referrals'];
const doc = (summary: string, body: (typeof docSchemas)[keyof typeof docSchemas]) => ({
  roles: PLATFORM_STEP_ROLES,
  openapi: { summary, tags, params: platformParamsSchema, body, response: unitDetailSchema },
});

/**
 * POST /referrals/{id}/platform-referrals/{platform}/{submission,decision,appeal} (DESIGN.md "API
 * shapes"): role → validate → service, answering the updated referral. 404 for a platform not in
 * the directory; 409 for a wrong state, including a directory platform this referral was not
 * referred to; 403 for a wrong role. A refused step changes nothing.
 */
const platformReferralsApi: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  const steps = services.platformReferrals;
  // The updated referral the contract answers a step with: part of the step, not a consultation (issue 10).
  const answer = (req: FastifyRequest<Params>) => services.referrals.updated(actorOf(req), req.params.id);

  app.post<Params>(
    '/referrals/:id/platform-referrals/:platform/submission',
    { config: doc('Record that the referral was sent to the platform (SOP 10.5); audited as a disclosure', docSchemas.submission) },
    async (req) => {
      await steps.recordSubmission(actorOf(req), req.params.id, req.params.platform, parse(steps.schemas().submission, req.body ?? {}));
      return answer(req);
    },
  );

  app.post<Params>(
    '/referrals/:id/platform-referrals/:platform/decision',
    {
      config: doc(
        "Record the platform's decision (SOP 10.6) or, after an appeal, its final decision (10.7: removed or upheld; not_removed then means upheld)",
        docSchemas.decision,
      ),
    },
    async (req) => {
      await steps.recordDecision(actorOf(req), req.params.id, req.params.platform, parse(steps.schemas().decision, req.body ?? {}));
      return answer(req);
    },
  );

  app.post<Params>(
    '/referrals/:id/platform-referrals/:platform/appeal',
    { config: doc('Appeal a not_removed decision, or record why not (SOP 10.7)', docSchemas.appeal) },
    async (req) => {
      await steps.recordAppeal(actorOf(req), req.params.id, req.params.platform, parse(steps.schemas().appeal, req.body ?? {}));
      return answer(req);
    },
  );
};

export default platformReferralsApi;
