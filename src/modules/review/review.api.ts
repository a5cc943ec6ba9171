import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { actorOf } from '../../plugins/auth.js';
import type { Services } from '../../services.js';
import { parse } from '../../validation.js';
import { unitDetailSchema } from '../referrals/referrals.schemas.js';
import {
  docReviewSchema,
  draftQuerySchema,
  draftSchema,
  forceReferenceSchema,
  idParamsSchema,
  intelligenceRecordSchema,
  qaSchema,
} from './review.schemas.js';
import { INTELLIGENCE_READERS, INTELLIGENCE_RECORDERS, QA_ROLES, REVIEWERS } from './review.policy.js';

const tags = ['review'];
type Id = { Params: { id: string } };

/** JSON API for review (SOP 9), drafting (10.1), QA (10.2) and the intelligence record (10.4). */
const reviewApi: FastifyPluginAsync<{ services: Services }> = async (app, { services }) => {
  const review = services.review;
  // The updated referral the contract answers a step with: part of the step, not a consultation (issue 10).
  const answer = (req: FastifyRequest<Id>) => services.referrals.updated(actorOf(req), req.params.id);

  app.post<Id>(
    '/referrals/:id/review',
    {
      config: {
        roles: REVIEWERS,
        openapi: {
          summary:
            'Record the review and assessment (SOP 9, 8.6) by the assignee: refer sends the drafts to QA (awaiting_qa), no further action closes the referral. Each draft is checked for the referral’s personal data (SOP 6.4): 400 at platformReferrals[i].draft',
          tags,
          params: idParamsSchema,
          body: docReviewSchema,
          response: unitDetailSchema,
        },
      },
    },
    async (req) => {
      await review.review(actorOf(req), req.params.id, parse(review.schemas().review, req.body ?? {}));
      return answer(req);
    },
  );

  app.get<Id>(
    '/referrals/:id/draft',
    {
      config: {
        roles: REVIEWERS,
        openapi: {
          summary: 'A draft referral to one of the referral’s platforms from the platform’s template (SOP 10.1); editable before review',
          tags,
          params: idParamsSchema,
          query: draftQuerySchema,
          response: draftSchema,
        },
      },
    },
    async (req) => review.draft(actorOf(req), req.params.id, parse(draftQuerySchema, req.query)),
  );

  app.post<Id>(
    '/referrals/:id/qa',
    {
      config: {
        roles: QA_ROLES,
        openapi: {
          summary:
            'Quality assurance by a sergeant who did not write the drafts (SOP 10.2): return (comment required) sends it back to in_review; approve makes it referred and creates the intelligence record (SOP 10.4) from `intelligence` { summary, sourceEvaluation A-C, intelligenceAssessment 1-5, handlingCode P|C, handlingConditions (required with C) }, required to approve (an extension of the v1 body)',
          tags,
          params: idParamsSchema,
          body: qaSchema,
          response: unitDetailSchema,
        },
      },
    },
    async (req) => {
      await review.qa(actorOf(req), req.params.id, parse(qaSchema, req.body ?? {}));
      return answer(req);
    },
  );

  app.get<Id>(
    '/referrals/:id/intelligence',
    {
      config: {
        roles: INTELLIGENCE_READERS,
        openapi: {
          summary: 'The intelligence record (SOP 10.4): six fields, the 3x5x2 grading, platform decisions, and a plain-text copy',
          tags,
          params: idParamsSchema,
          response: intelligenceRecordSchema,
        },
      },
    },
    async (req) => review.intelligence(actorOf(req), req.params.id),
  );

  app.post<Id>(
    '/referrals/:id/intelligence/reference',
    {
      config: {
        roles: INTELLIGENCE_RECORDERS,
        openapi: {
          summary: 'Record the force intelligence system’s reference for the record (SOP 10.4); audited as an alteration',
          tags,
          params: idParamsSchema,
          body: forceReferenceSchema,
          response: intelligenceRecordSchema,
        },
      },
    },
    async (req) => {
      const { forceReference } = parse(forceReferenceSchema, req.body ?? {});
      return review.recordForceReference(actorOf(req), req.params.id, forceReference);
    },
  );
};

export default reviewApi;
