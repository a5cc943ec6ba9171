import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { actorOf } from '../../plugins/auth.js';
import { failures } from '../../plugins/openapi.js';
import type { Services } from '../../services.js';
import { idParamsSchema, unitDetailSchema } from '../referrals/referrals.schemas.js';
import { draftQuerySchema, draftSchema, forceReferenceSchema, intelligenceRecordSchema, qaSchema } from './review.schemas.js';
import { INTELLIGENCE_READERS, INTELLIGENCE_RECORDERS, QA_ROLES, REVIEWERS } from './review.policy.js';

const tags = ['review'];

/** JSON API for review (SOP 9), drafting (10.1), QA (10.2) and the intelligence record (10.4). */
const reviewApi: FastifyPluginAsyncZod<{ services: Services }> = async (app, { services }) => {
  const review = services.review;
  // The updated referral the contract answers a step with, in the unit's view: part of the step, not a consultation (issue 10).
  const answer = (req: FastifyRequest<{ Params: { id: string } }>) => services.referrals.forCasework(actorOf(req), req.params.id);

  app.post(
    '/referrals/:id/review',
    {
      config: { roles: REVIEWERS },
      schema: {
        summary:
          'Record the review and assessment (SOP 9, 8.6) by the assignee: refer sends the drafts to QA (awaiting_qa), no further action closes the referral. Each draft is checked for the referral’s personal data (SOP 6.4): 400 at platformReferrals[i].draft',
        tags,
        params: idParamsSchema,
        body: review.schemas().review,
        response: { 200: unitDetailSchema, ...failures(400, 401, 403, 404, 409, 415) },
      },
    },
    async (req) => {
      await review.review(actorOf(req), req.params.id, req.body);
      return answer(req);
    },
  );

  app.get(
    '/referrals/:id/draft',
    {
      config: { roles: REVIEWERS },
      schema: {
        summary: 'A draft referral to one of the referral’s platforms from the platform’s template (SOP 10.1); editable before review',
        tags,
        params: idParamsSchema,
        querystring: draftQuerySchema,
        response: { 200: draftSchema, ...failures(400, 401, 403, 404) },
      },
    },
    async (req) => review.draft(actorOf(req), req.params.id, req.query),
  );

  app.post(
    '/referrals/:id/qa',
    {
      config: { roles: QA_ROLES },
      schema: {
        summary:
          'Quality assurance by a sergeant who did not write the drafts (SOP 10.2): return (comment required) sends it back to in_review; approve makes it referred and creates the intelligence record (SOP 10.4) from `intelligence` { summary, sourceEvaluation A-C, intelligenceAssessment 1-5, handlingCode P|C, handlingConditions (required with C) }, required to approve (an extension of the v1 body)',
        tags,
        params: idParamsSchema,
        body: qaSchema,
        response: { 200: unitDetailSchema, ...failures(400, 401, 403, 404, 409, 415) },
      },
    },
    async (req) => {
      await review.qa(actorOf(req), req.params.id, req.body);
      return answer(req);
    },
  );

  app.get(
    '/referrals/:id/intelligence',
    {
      config: { roles: INTELLIGENCE_READERS },
      schema: {
        summary: 'The intelligence record (SOP 10.4): six fields, the 3x5x2 grading, platform decisions, and a plain-text copy',
        tags,
        params: idParamsSchema,
        response: { 200: intelligenceRecordSchema, ...failures(401, 403, 404) },
      },
    },
    async (req) => review.intelligence(actorOf(req), req.params.id),
  );

  app.post(
    '/referrals/:id/intelligence/reference',
    {
      config: { roles: INTELLIGENCE_RECORDERS },
      schema: {
        summary: 'Record the force intelligence system’s reference for the record (SOP 10.4); audited as an alteration',
        tags,
        params: idParamsSchema,
        body: forceReferenceSchema,
        response: { 200: intelligenceRecordSchema, ...failures(400, 401, 403, 404, 415) },
      },
    },
    async (req) => review.recordForceReference(actorOf(req), req.params.id, req.body.forceReference),
  );
};

export default reviewApi;
